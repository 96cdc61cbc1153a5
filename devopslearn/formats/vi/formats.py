# Dates and numbers as Vietnamese writes them (see devopslearn/formats/en/formats.py for the names).
# Percentages: devopslearn.lib.numbers ("69,6 %"); numbers typed by people: the same module.
DATE_FORMAT = r"j \t\há\n\g n, Y"  # 29 tháng 11, 2026
SHORT_DATE_FORMAT = "j/n/Y"  # 29/11/2026
MONTH_DAY_FORMAT = "j/n"  # 29/11
DATETIME_FORMAT = r"H:i, j \t\há\n\g n, Y"  # 14:05, 29 tháng 11, 2026
SHORT_DATETIME_FORMAT = "H:i, j/n/Y"  # 14:05, 29/11/2026
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
