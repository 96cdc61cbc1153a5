# Dates as the site's English pages write them (day first, as in the workshop's reports), read by
# Django's |date filter with a format name: {{ when|date:"SHORT_DATE_FORMAT" }}. The names Django
# does not use for anything else keep their defaults.
DATE_FORMAT = "j F Y"  # 29 November 2026
SHORT_DATE_FORMAT = "j M Y"  # 29 Nov 2026
MONTH_DAY_FORMAT = "j M"  # 29 Nov
DATETIME_FORMAT = "j F Y, H:i"  # 29 November 2026, 14:05
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 29 Nov 2026, 14:05
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
