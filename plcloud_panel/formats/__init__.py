"""The panel's formats per language (FORMAT_MODULE_PATH), over Django's own: one way to write a
time in each language, with the member's zone as its UTC offset (accounts.zones shows every time
with DATETIME_FORMAT), and numbers grouped by thousands."""
