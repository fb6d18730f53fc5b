# English (United States): Nov 26, 2026 · Nov 26 · Thursday, Nov 26 · 14:30
DATE_FORMAT = "M j, Y"
MONTH_DAY_FORMAT = "M j"
SHORT_DATE_FORMAT = "l, M j"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATETIME_FORMAT = "D M j, H:i"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0  # Sunday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]
