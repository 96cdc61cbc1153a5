# Dates and numbers as Vietnamese writes them (see devopslearn/formats/en/formats.py for the names).
# Percentages: devopslearn.lib.numbers ("69,6 %"); numbers typed by people: the same module.
DATE_FORMAT = r"j \t\há\n\g n, Y"  # 29 tháng 11, 2026
SHORT_DATE_FORMAT = DATE_FORMAT
MONTH_DAY_FORMAT = "j/n"  # 29/11: the activity chart's axis ticks and nothing else
DATETIME_FORMAT = r"H:i, j \t\há\n\g n, Y"  # 14:05, 29 tháng 11, 2026
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
