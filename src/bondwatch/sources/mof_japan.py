"""Ministry of Finance Japan: JGB benchmark (par) yields, percent, tenors 1Y-40Y.

Files read (all CSV, ``-`` = not quoted that day):

* ``jgbcm_all.csv`` / ``jgbcm.csv`` (Japanese, history / current month): Shift-JIS as published
  (UTF-8 accepted too), a title line ``国債金利情報,...,(単位 : %)`` (absent in some copies), header
  ``基準日,1年,...,40年``, Japanese-era dates such as ``S49.9.24``, ``H1.1.9``, ``R7.5.21``;
* ``jgbcme_all.csv`` / ``jgbcme.csv`` (English): title line ``Interest Rate,...,(Unit : %)``,
  header ``Date,1Y,...,40Y``, dates ``YYYY/M/D``.

Trailing note lines after the last dated row (the current-month files carry some) are ignored.
Source: https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate/index.htm
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import httpx
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import YIELD_PCT, Rules, Span, check_wide
from bondwatch.sources.fastcsv import curve_rows, read_numeric
from bondwatch.sources.formats import LINE, decode, require_terminated

SOURCE = "MOF Japan JGB yields"
CURVE = "jp_mof"
URLS = {
    "ja_all": "https://www.mof.go.jp/jgbs/reference/interest_rate/data/jgbcm_all.csv",
    "ja_current": "https://www.mof.go.jp/jgbs/reference/interest_rate/jgbcm.csv",
    "en_all": "https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate/historical/jgbcme_all.csv",
    "en_current": "https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate/jgbcme.csv",
}

# era -> (first day, last day or None); year N of an era is first_day.year + N - 1
ERAS: dict[str, tuple[date, date | None]] = {
    "M": (date(1868, 10, 23), date(1912, 7, 29)),
    "T": (date(1912, 7, 30), date(1926, 12, 24)),
    "S": (date(1926, 12, 25), date(1989, 1, 7)),
    "H": (date(1989, 1, 8), date(2019, 4, 30)),
    "R": (date(2019, 5, 1), None),
}
_KANJI_ERAS = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}
_ERA_DATE = re.compile(r"^(M|T|S|H|R|明治|大正|昭和|平成|令和)\s*(\d{1,2}|元)[./年](\d{1,2})[./月](\d{1,2})日?$")
_ERA_TEXT = re.compile(r"(?:[MTSHR][0-9]{1,2}[./][0-9]{1,2}[./][0-9]{1,2}(?:\n|$))+")  # cells joined by newlines
_ERA_TO_FIELDS = str.maketrans({**{era: f"{era}," for era in "MTSHR"}, ".": ",", "/": ","})
_DATE_START = re.compile(r"^\s*\"?(?:[MTSHR]\s*(?:\d|元)|明治|大正|昭和|平成|令和|\d)")
_TENOR = re.compile(r"^(\d{1,2})(?:年|Y)$")
RULES = Rules(bounds=(YIELD_PCT,), spans=(Span(("date",), "1974-09-24"),), key=("date",))  # first quote: 1974-09-24


def era_date(text: str) -> date:
    """Japanese-era date ('S64.1.7', 'H1.1.8', 'R元.5.1', '平成31年4月30日') -> Gregorian date.

    The era year N is counted from the era's first calendar year (year 1 = 元). Raises
    ValueError for malformed text, impossible dates, or a date outside the era
    (e.g. 'S64.1.8': Showa ended on 1989-01-07).
    """
    m = _ERA_DATE.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a Japanese-era date like R7.5.21")
    era = _KANJI_ERAS.get(m.group(1), m.group(1))
    year = 1 if m.group(2) == "元" else int(m.group(2))
    first, last = ERAS[era]
    result = date(first.year + year - 1, int(m.group(3)), int(m.group(4)))
    if result < first or (last is not None and result > last):
        raise ValueError(f"{text!r} falls outside the {era} era ({first} to {last or 'today'})")
    return result


def to_era(day: date) -> str:
    """Gregorian date -> the MOF file's era notation ('R7.5.21'); the inverse of :func:`era_date`."""
    for era, (first, last) in ERAS.items():
        if first <= day and (last is None or day <= last):
            return f"{era}{day.year - first.year + 1}.{day.month}.{day.day}"
    raise ValueError(f"{day} is before the Meiji era")


def _era_parts(raw: pd.Series) -> pd.DataFrame | None:
    """era, year, month, day columns via one regex check, one character translation and the C
    CSV parser; None unless every cell is of the form S49.9.24 (ASCII digits)."""
    text = "\n".join(raw.str.strip())
    for kanji, letter in _KANJI_ERAS.items():
        text = text.replace(kanji, letter)
    text = text.replace("元", "1")
    if not _ERA_TEXT.fullmatch(text):
        return None
    parts = pd.read_csv(
        io.StringIO(text.translate(_ERA_TO_FIELDS)), header=None, names=["era", "year", "month", "day"],
        dtype={"era": str, "year": "Int64", "month": "Int64", "day": "Int64"},
    )
    return parts if len(parts) == len(raw) else None


def _era_dates(raw: pd.Series, lines: pd.Series, location: str) -> pd.Series:
    """Vectorised :func:`era_date` over a column (cell by cell where some cell is written
    otherwise, e.g. 平成31年4月30日); the first bad cell raises DataFormatError."""
    parts = _era_parts(raw) if len(raw) else None
    if parts is None:
        return pd.Series([_era_cell(text, line, location) for text, line in zip(raw, lines)],
                         index=raw.index, dtype="datetime64[ns]")
    parts.index = raw.index
    first_year = parts["era"].map({k: v[0].year for k, v in ERAS.items()})
    stamp = pd.to_datetime(
        pd.DataFrame({"year": first_year + parts["year"] - 1, "month": parts["month"], "day": parts["day"]}),
        errors="coerce",
    )
    start = parts["era"].map({k: pd.Timestamp(v[0]) for k, v in ERAS.items()})
    end = parts["era"].map({k: pd.Timestamp(v[1] or date(2100, 1, 1)) for k, v in ERAS.items()})
    bad = stamp.isna() | start.isna() | (stamp < start) | (stamp > end)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        _era_cell(raw.iloc[i], lines.iloc[i], location)  # raises, saying why, where era_date refuses it too
        raise DataFormatError(SOURCE, f"{location} line {lines.iloc[i]}",
                              f"date {raw.iloc[i]!r}: expected a Japanese-era date like R7.5.21")
    return stamp


def _era_cell(text: str, line: object, location: str) -> pd.Timestamp:
    """One era date as a Timestamp; DataFormatError naming the line if it is not one."""
    try:
        return pd.Timestamp(era_date(text))
    except ValueError as exc:
        raise DataFormatError(SOURCE, f"{location} line {line}", f"date {text!r}: {exc}") from None


def _gregorian_dates(raw: pd.Series, lines: pd.Series, location: str) -> pd.Series:
    stamp = pd.to_datetime(raw.str.strip(), format="%Y/%m/%d", errors="coerce")
    if stamp.isna().any():
        i = stamp.isna().to_numpy().nonzero()[0][0]
        raise DataFormatError(
            SOURCE, f"{location} line {lines.iloc[i]}", f"date {raw.iloc[i]!r}: expected YYYY/M/D like 2025/5/21"
        )
    return stamp


def _table_text(text: str, location: str) -> tuple[str, int]:
    """The CSV from its header line to the last dated row, and how many title lines precede it."""
    lines = text.splitlines()
    header = next(
        (i for i, line in enumerate(lines[:10]) if line.lstrip('"').startswith(("基準日", "Date"))), None
    )
    if header is None:
        raise DataFormatError(
            SOURCE, f"{location} line 1",
            "no header line starting with 基準日 or Date; expected the MOF jgbcm/jgbcme CSV",
        )
    last = len(lines)
    while last > header + 1 and not _DATE_START.match(lines[last - 1]):
        last -= 1  # trailing notes (※...) and blank lines
    if last == len(lines):  # the last dated row ends the file: it must be complete
        require_terminated(text, source=SOURCE, location=location)
    return "\n".join(lines[header:last]) + "\n", header


def parse(data: bytes, location: str) -> Parsed:
    """Parse a MOF JGB yield CSV (Japanese or English) into ``yield_curves`` rows, curve 'jp_mof'."""
    text = decode(
        data, source=SOURCE, location=location, expected="the MOF JGB yield CSV",
        encodings=("utf-8", "cp932"),
    )
    table, skipped = _table_text(text, location)
    header = [h.strip().strip('"') for h in table.split("\n", 1)[0].split(",")]
    tenors = {c: int(m.group(1)) for c in header if (m := _TENOR.match(c))}
    if not tenors:
        raise DataFormatError(SOURCE, f"{location} line {skipped + 1}", "no tenor columns such as 10年 or 10Y")
    frame, values = read_numeric(table, source=SOURCE, location=location, numeric=list(tenors))
    frame[LINE] += skipped
    date_col = frame.columns[0]
    raw_dates = frame[date_col].astype(str)
    if date_col == "基準日":
        stamps = _era_dates(raw_dates, frame[LINE], location)
    else:
        stamps = _gregorian_dates(raw_dates, frame[LINE], location)
    check_wide(stamps, list(tenors), values, RULES, source=SOURCE, location=location, lines=frame[LINE])
    out = curve_rows(CURVE, stamps.to_numpy(), [f"{y}Y" for y in tenors.values()], list(tenors.values()), values)
    if out.empty:
        raise DataFormatError(SOURCE, location, "no quoted yields in the file")
    vintage = f"JGB yields through {out['date'].max():%Y-%m-%d}"
    return Parsed("yield_curves", out, ("curve", "date", "tenor_years"), vintage)


def fetch(client: httpx.Client, *, language: str = "ja") -> list[Fetched]:
    """The full history and the current-month file, in Japanese ('ja', default) or English ('en')."""
    fetched = []
    for which in ("all", "current"):
        response = http.get(URLS[f"{language}_{which}"], source=SOURCE, client=client)
        fetched.append(Fetched(str(response.url), response.content, datetime.now(timezone.utc)))
    return fetched
