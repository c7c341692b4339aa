from ist.formats.sv.formats import *  # noqa: F403 - the same dates and times in English

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
