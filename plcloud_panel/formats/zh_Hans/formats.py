# Every time a page shows (accounts.zones.display): 2026年11月27日 16:00:05（UTC+0800）.
DATETIME_FORMAT = r"Y年n月j日 H:i:s（\U\T\CO）"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
# Django groups nothing in Chinese (its THOUSAND_SEPARATOR is empty); a console's byte and request
# counts read better grouped by thousands with commas, as Chinese cloud consoles write them.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
