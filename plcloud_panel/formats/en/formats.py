# Every time a page shows (accounts.zones.display): 2026-11-27 16:00:05 UTC+0800.
DATETIME_FORMAT = r"Y-m-d H:i:s \U\T\CO"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# The log's From/To (an <input type="datetime-local"> sends this), and what a member may type.
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
