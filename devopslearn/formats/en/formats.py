# Dates as the site's English pages write them (day first, as in the workshop's reports), read by
# Django's |date filter with a format name: {{ when|date:"DATE_FORMAT" }}. The names Django
# does not use for anything else keep their defaults.
# One date style and one date-time style per language, used everywhere: the SHORT_ names are the
# same as the long ones, so that a table and a sentence never write the same day two ways
# (tests/i18n/test_formats.py).
DATE_FORMAT = "j F Y"  # 29 November 2026
SHORT_DATE_FORMAT = DATE_FORMAT
MONTH_DAY_FORMAT = "j M"  # 29 Nov: the activity chart's axis ticks and nothing else
DATETIME_FORMAT = "j F Y, H:i"  # 29 November 2026, 14:05
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
