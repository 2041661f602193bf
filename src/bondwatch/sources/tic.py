"""Treasury International Capital (TIC): Major Foreign Holders of Treasury Securities, $ billions.

Files read: ``mfhhis01.txt`` (history since March 2000, yearly blocks) and ``mfh.txt`` (the
latest 13 months). Each block has a month row (``Dec Nov ...``), a ``Country`` row with the
years, a rule, then one row per holder, newest month first. Both tab-separated and
space-aligned layouts are read.

* Footnote markers (``United Kingdom 2/``) and stray spaces/quotes are removed from labels;
  renamed holders get one canonical name (:data:`ALIASES`, e.g. ``Carib Bnkng Ctrs`` ->
  ``Caribbean Banking Centers``); the ``Of which:`` rows become ``Foreign official``,
  ``Foreign official: Treasury bills`` and ``Foreign official: T-bonds & notes``.
* Series breaks: a ``Series N/`` marker above a month flags it (``series_break``). When a
  month appears twice (the new benchmark basis, marked, and the old one "shown for comparison
  only"), the newer basis (the marked, leftmost column) is kept in ``holdings_bn`` and the
  older one in ``prior_basis_bn``.
* ``n.a.`` is no value; ``*`` (less than $50 million) is stored as 0.0.

Source: https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/mfhhis01.txt
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import httpx
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Bound, Rules, Span, check
from bondwatch.sources.formats import MAX_CELL_CHARS, decode, to_number

SOURCE = "TIC major foreign holders"
BASE = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/"
URLS = (BASE + "mfhhis01.txt", BASE + "mfh.txt")
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
ALIASES = {
    "china": "China, Mainland",
    "mainland china": "China, Mainland",
    "china, mainland": "China, Mainland",
    "korea": "Korea, South",
    "korea, south": "Korea, South",
    "south korea": "Korea, South",
    "carib bnkng ctrs": "Caribbean Banking Centers",
    "caribbean banking ctrs": "Caribbean Banking Centers",
    "caribbean banking centers": "Caribbean Banking Centers",
    "oil exporters": "Oil Exporters",
    "grand total": "Grand Total",
    "total": "Grand Total",
    "all other": "All Other",
    "taiwan": "Taiwan",
    "hong kong": "Hong Kong",
    "belgium-luxembourg": "Belgium-Luxembourg",
}
OFFICIAL = "Foreign official"
_OFFICIAL_PARTS = {"treasury bills": f"{OFFICIAL}: Treasury bills", "t-bonds & notes": f"{OFFICIAL}: T-bonds & notes"}
_FOOTNOTE = re.compile(r"\s*\d+/\s*$")
_SERIES_MARK = re.compile(r"Series\s+\d+/")
_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$|^-?\.\d+$")
_NA = {"n.a.", "na", "n/a", ""}
# holdings in $ billions: not negative, below 40,000 (all marketable Treasuries are about 30,000);
# months from 1934, when TIC reporting began. Repeated holder-months are series breaks, resolved below.
RULES = Rules(bounds=(Bound(("holdings_bn",), 0.0, 40000.0, "holdings in $ billions"),), spans=(Span(("month",), "1934-01-01"),))
_PUBLISHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2,4})\s*$|^\s*([A-Z][a-z]+ \d{1,2}, \d{4})\s*$")


def canonical_holder(label: str) -> str:
    """A holder label as printed ('"Korea, South "', 'United Kingdom 2/') -> its canonical name."""
    name = _FOOTNOTE.sub("", label.strip().strip('"').strip())
    name = " ".join(name.split())
    return ALIASES.get(name.lower(), name)


def _fields(line: str, tabbed: bool) -> list[str]:
    """Label then cells. Space-aligned lines split the label off the trailing run of values."""
    if tabbed:
        return line.split("\t")
    tokens = line.split()
    cut = len(tokens)
    while cut > 0 and (_NUMBER.match(tokens[cut - 1]) or tokens[cut - 1].lower() in ("n.a.", "*")):
        cut -= 1
    return [" ".join(tokens[:cut]), *tokens[cut:]]


def _month_row(tokens: list[str]) -> list[int] | None:
    """Month numbers if every token of the line is a month abbreviation ('Dec', 'Nov', ...)."""
    names = [t.lower() for t in tokens]
    if names and all(n in MONTHS for n in names):
        return [MONTHS[n] for n in names]
    return None


def _break_columns(series_line: str | None, month_line: str, tabbed: bool, count: int) -> set[int]:
    """Indexes of month columns under a 'Series N/' marker (the newer basis after a break)."""
    if not series_line:
        return set()
    if tabbed:
        cells = series_line.split("\t")[1:]
        return {i for i, c in enumerate(cells[:count]) if _SERIES_MARK.search(c)}
    ends = [m.end() for m in re.finditer(r"[A-Za-z]{3}", month_line)][-count:]
    marks = [m.end() for m in _SERIES_MARK.finditer(series_line)]
    return {min(range(len(ends)), key=lambda i: abs(ends[i] - (end + 3))) for end in marks} if ends else set()


def _published(lines: list[str]) -> str | None:
    """The publication date under the footer (ISO), if a line holds a real one."""
    for line in lines:
        m = _PUBLISHED.match(line.split("\t")[0])
        try:
            if m and m.group(1):
                year = int(m.group(3))
                year += 2000 if year < 100 else 0
                return date(year, int(m.group(1)), int(m.group(2))).isoformat()
            if m and m.group(4):
                return datetime.strptime(m.group(4), "%B %d, %Y").date().isoformat()
        except ValueError:  # 2/30/2026, 'Fbruary 18, 2026': not a date
            continue
    return None


def parse(data: bytes, location: str) -> Parsed:
    """Parse mfhhis01.txt or mfh.txt into ``tic_holdings`` rows (holder, month, $ billions)."""
    text = decode(
        data, source=SOURCE, location=location, expected="the TIC major foreign holders text file",
        encodings=("utf-8", "cp1252"),
    )
    if "MAJOR FOREIGN HOLDERS" not in text[:2000].upper():
        raise DataFormatError(
            SOURCE, f"{location} line 1", "no 'MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES' title; expected mfh.txt or mfhhis01.txt"
        )
    lines = text.splitlines()
    tabbed = sum("\t" in line for line in lines) > len(lines) // 4
    records: list[tuple] = []
    months: list[pd.Timestamp] = []
    month_numbers: list[int] | None = None
    month_line = ""
    breaks: set[int] = set()
    last_series_line: str | None = None
    in_official = False
    footer_at: int | None = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("Department of the Treasury"):
            footer_at = number
            break
        if len(line) > MAX_CELL_CHARS:
            raise DataFormatError(SOURCE, f"{location} line {number}", f"{len(line)} characters; expected at most {MAX_CELL_CHARS}")
        cells = _fields(line, tabbed)
        label = cells[0].strip()
        if "Series" in line and _SERIES_MARK.search(line):
            last_series_line = line
            continue
        candidate = _month_row(line.split())
        if candidate:
            month_numbers, month_line, months = candidate, line, []
            continue
        if label == "Country" and month_numbers:
            years = [c.strip() for c in cells[1:] if c.strip()]
            if len(years) != len(month_numbers) or not all(y.isascii() and y.isdigit() and len(y) == 4 for y in years):
                raise DataFormatError(
                    SOURCE, f"{location} line {number}", f"{len(years)} years under {len(month_numbers)} months"
                )
            months = [pd.Timestamp(int(y), m, 1) for y, m in zip(years, month_numbers)]
            breaks = _break_columns(last_series_line, month_line, tabbed, len(months))
            last_series_line, in_official = None, False
            continue
        if not months or not label or set(label) <= {"-", " "}:
            continue
        if label.lower().startswith("of which"):
            in_official = True
            continue
        values = [c.strip() for c in cells[1:]]
        while values and not values[-1]:
            values.pop()
        odd = None if tabbed else next(
            (t for t in label.split()
             if any(ch.isdigit() for ch in t) and not _NUMBER.match(t) and not re.fullmatch(r"\d+/", t)), None)
        if odd is not None:
            raise DataFormatError(SOURCE, f"{location} line {number}", f"value {odd!r}: expected $ billions, 'n.a.' or '*'")
        if len(values) != len(months):
            raise DataFormatError(
                SOURCE, f"{location} line {number}",
                f"{label!r} has {len(values)} values where the header has {len(months)} months (truncated or malformed row)",
            )
        name = canonical_holder(label)
        if in_official:
            key = name.lower().replace("for. official", "").strip()
            name = OFFICIAL if not key else _OFFICIAL_PARTS.get(key, f"{OFFICIAL}: {name}")
        for column, (month, raw) in enumerate(zip(months, values)):
            if raw.lower() in _NA:
                continue
            try:
                value = 0.0 if raw == "*" else to_number(raw, "$ billions, 'n.a.' or '*'")
            except ValueError as exc:
                raise DataFormatError(SOURCE, f"{location} line {number}", f"{label!r} {month:%b %Y} = {raw!r}: expected {exc}") from None
            records.append((name, month, value, column in breaks, column, number))
    if not records:
        raise DataFormatError(SOURCE, location, "no holdings rows under a month/Country header (truncated?)")
    if footer_at is None:  # the history file's last note has no line terminator: the footer tells
        raise DataFormatError(
            SOURCE, f"{location} line {len(lines)}",
            "no 'Department of the Treasury/Federal Reserve Board' footer after the tables: the file is truncated",
        )
    frame = pd.DataFrame(records, columns=["country", "month", "holdings_bn", "series_break", "column", "line"])
    check(frame, RULES, source=SOURCE, location=location, lines=frame["line"])
    frame = _resolve_duplicates(frame)
    vintage = _published(lines[footer_at - 1: footer_at + 5])
    last = frame["month"].max()
    label = f"holdings through {last:%Y-%m}" + (f", published {vintage}" if vintage else "")
    return Parsed("tic_holdings", frame, ("country", "month"), label)


def _resolve_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per holder and month: at a series break keep the newer basis (leftmost column),
    keep the older figure in ``prior_basis_bn`` and flag the month."""
    frame = frame.sort_values(["country", "month", "line", "column"], kind="stable")
    first = ~frame.duplicated(["country", "month"], keep="first")
    kept = frame[first].copy()
    older = frame[~first].drop_duplicates(["country", "month"], keep="first")
    kept = kept.merge(
        older[["country", "month", "holdings_bn"]].rename(columns={"holdings_bn": "prior_basis_bn"}),
        on=["country", "month"], how="left",
    )
    kept["series_break"] = kept["series_break"] | kept["prior_basis_bn"].notna()
    return kept[["country", "month", "holdings_bn", "series_break", "prior_basis_bn"]].reset_index(drop=True)


def fetch(client: httpx.Client) -> list[Fetched]:
    """The history file and the latest-13-months file (the newer is imported last and wins)."""
    fetched = []
    for url in URLS:
        response = http.get(url, source=SOURCE, client=client)
        fetched.append(Fetched(str(response.url), response.content, datetime.now(timezone.utc)))
    return fetched
