"""One set of date and time formats for the whole app, per language (settings.FORMAT_MODULE_PATH).

Templates name them instead of spelling a format out: `|date:"DATE_FORMAT"` (a day),
`"MONTH_DAY_FORMAT"` (a day this year), `"SHORT_DATE_FORMAT"` (a day with its weekday),
`"DATETIME_FORMAT"` (a moment), `"SHORT_DATETIME_FORMAT"` (a moment this week, with its weekday),
`|time:"TIME_FORMAT"`. Machine formats (URLs, data attributes, ISO 8601) stay literal, and so
does the compact weekday-and-day label of a calendar grid (`"D j"`, localized by Django).
"""
