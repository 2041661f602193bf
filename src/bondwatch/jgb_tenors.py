"""JGB auction tenors: codes 'jgb-2y' ... 'jgb-40y' and parsing of user input (no pandas, so that
`bondwatch auction jgb-20y` starts fast)."""

from __future__ import annotations

import re

from bondwatch.errors import UsageError

TENOR_YEARS = (2, 5, 10, 20, 30, 40)  # the fixed-rate coupon JGBs MOF auctions
YIELD_BASED_YEARS = frozenset({40})  # auctioned on yield (Dutch): the highest accepted yield, no prices
_USER = re.compile(r"^\s*(?:jgb)?[-_ ]?(\d{1,2})\s*-?\s*(?:y|yr|year|years)\s*$", re.IGNORECASE)


def tenor_code(years: int) -> str:
    """10 -> 'jgb-10y'."""
    return f"jgb-{years}y"


def tenor_years(tenor: str) -> int:
    """'jgb-20y' -> 20 (years)."""
    return int(tenor.removeprefix("jgb-").removesuffix("y"))


def describe_jgb(tenor: str) -> str:
    """'jgb-20y' -> '20-year JGB'."""
    return f"{tenor_years(tenor)}-year JGB"


def parse_jgb_tenor(text: str) -> str:
    """User input ('jgb-20y', 'JGB20Y', '20y', '20-year') -> 'jgb-20y'; UsageError otherwise."""
    m = _USER.match(text or "")
    if not m or int(m.group(1)) not in TENOR_YEARS:
        raise UsageError(f"unknown JGB tenor {text!r}: expected one of {', '.join(map(tenor_code, TENOR_YEARS))}")
    return tenor_code(int(m.group(1)))
