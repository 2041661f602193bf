"""Treasury tenors: canonical codes ('30y', '10y-tips', '2y-frn', '13w') and parsing of user input."""

from __future__ import annotations

import functools
import re

from bondwatch.errors import UsageError

KINDS = ("nominal", "tips", "frn", "bill", "cmb")
# each run of spaces belongs to the unit before it, so a match takes linear time (adjacent
# optional \s* runs made it cubic: a 2 KB cell of spaces took 97 s)
_TERM = re.compile(r"(?:(\d+)-Year\s*)?(?:(\d+)-Month\s*)?(?:(\d+)-Week\s*)?(?:(\d+)-Day)?", re.I)
MAX_TERM_CHARS = 40  # '29-Year 11-Month' has 16; longer text is not a term
_USER = re.compile(
    r"^\s*(tips|frn|cmb)?[-_ ]?(\d+)\s*-?\s*(y|yr|year|years|w|wk|week|weeks|d|day|days|m|mo|month|months)"
    r"\s*[-_ ]?(tips|frn|cmb)?\s*$",
    re.I,
)


def term_code(term: str) -> str | None:
    """'30-Year' -> '30y', '13-Week' -> '13w', '42-Day' -> '42d', '29-Year 11-Month' -> '29y11m'.

    None for anything that is not a term, including text over MAX_TERM_CHARS characters."""
    if not isinstance(term, str) or not term or len(term) > MAX_TERM_CHARS:
        return None
    m = _TERM.fullmatch(term.strip())
    if not m or not any(m.groups()):
        return None
    years, months, weeks, days = m.groups()
    parts = [f"{years}y" if years else "", f"{months}m" if months else ""]
    parts += [f"{weeks}w" if weeks else "", f"{days}d" if days else ""]
    return "".join(parts)


# the terms Treasury auctions new issues in, per kind: each is an auction cycle (bills: every term)
CYCLE_YEARS = {"nominal": (2, 3, 5, 7, 10, 20, 30), "tips": (5, 10, 20, 30), "frn": (2,)}


def term_months(term: str) -> int | None:
    """'29-Year 11-Month' -> 359, '2-Year' -> 24; None for terms in weeks or days, or not a term
    (a missing cell, or text over MAX_TERM_CHARS characters)."""
    if not isinstance(term, str) or len(term) > MAX_TERM_CHARS:
        return None
    m = _TERM.fullmatch(term.strip())
    if not m or not any(m.groups()) or m.group(3) or m.group(4):
        return None
    return 12 * int(m.group(1) or 0) + int(m.group(2) or 0)


@functools.cache
def auction_cycle(kind: str, security_term: str) -> str | None:
    """The tenor code of the auction cycle a security was auctioned in, from the term being auctioned.

    A note or bond term snaps to the nearest new-issue term of its kind (``CYCLE_YEARS``; on a tie,
    the longer, since a reopening has less time left than a new issue): '29-Year 11-Month' -> '30y',
    '9-Year 10-Month' -> '10y', '1-Year 11-Month' -> '2y', TIPS '29-Year 4-Month' -> '30y-tips'. A
    term a year or more from every cycle term (the 4-year notes of the 1980s) is its own cycle,
    rounded to whole years. Bills and CMBs: the term itself ('13w', '42d-cmb'). See docs/methods.md.
    """
    months = term_months(security_term)
    cycles = CYCLE_YEARS.get(kind, ())
    if months is None or not cycles:
        return canonical_tenor(kind, security_term)
    nearest = min(cycles, key=lambda years: (abs(12 * years - months), -years))
    if abs(12 * nearest - months) >= 12:
        nearest = (months + 6) // 12
    return canonical_tenor(kind, f"{nearest}-Year")


@functools.cache
def canonical_tenor(kind: str, original_term: str) -> str | None:
    """The tenor code that groups auctions of one kind and original term: '30y', '10y-tips', '13w'."""
    code = term_code(original_term)
    if code is None:
        return None
    if kind in ("tips", "frn", "cmb"):
        return f"{code}-{kind}"
    return code


def parse_tenor(text: str) -> str:
    """User input ('30y', '30-year', 'TIPS10Y', '10y-tips', '13w', '2y frn') -> canonical code."""
    m = _USER.match(text or "")
    if not m:
        raise UsageError(
            f"unknown tenor {text!r}: expected e.g. 2y, 10y, 30y, 10y-tips, 2y-frn, 13w"
        )
    prefix, number, unit, suffix = m.groups()
    if prefix and suffix:
        raise UsageError(f"unknown tenor {text!r}: give the kind once, e.g. 10y-tips")
    unit = {"y": "y", "w": "w", "d": "d", "m": "m"}[unit[0].lower()]
    kind = (prefix or suffix or "").lower()
    code = f"{int(number)}{unit}"
    return f"{code}-{kind}" if kind else code


def describe(tenor: str) -> str:
    """'30y' -> '30-year', '10y-tips' -> '10-year TIPS', '13w' -> '13-week bill'."""
    code, _, kind = tenor.partition("-")
    unit = {"y": "year", "w": "week", "d": "day", "m": "month"}[code[-1]]
    label = f"{code[:-1]}-{unit}"
    suffix = {"tips": " TIPS", "frn": " FRN", "cmb": " CMB"}.get(kind, "")
    if not kind and unit in ("week", "day"):
        suffix = " bill"
    return label + suffix
