"""Ministry of Finance Japan: results of the 2-, 5-, 10-, 20-, 30- and 40-year JGB auctions.

Formats read (one parser, chosen by the bytes):

* the official workbook ``Auction_Results_for_JGBs.xls`` (BIFF ``.xls``, or ``.xlsx``), one sheet
  per tenor named ``2年債``, ``5年債`` ... ``40年債`` (``20-Year`` style names are accepted too); on
  each sheet a header row within the first ten rows holding ``Auction Date``, then (optionally) a
  row of units, then one row per auction. Columns, matched by their label with any parenthesised
  unit removed: ``Auction Date``, ``Issue Number``, ``Offering Amount``, ``Amounts of Competitive
  Bids``, ``Amounts of Bids Accepted``, ``Lowest Accepted Price``, ``Yield at the Lowest Accepted
  Price``, ``Weighted Average Price``, ``Yield at the Average Price`` and, for the yield-based
  40-year auction, ``Highest Accepted Yield`` and ``Weighted Average Yield``. Amounts are in
  100 million yen unless the header or unit row says ``billion yen``;
* the single-auction result page in English (``eresulYYYYMMDD.htm``): an HTML table whose header
  row holds ``Security``, ``Issue Number``, ``Auction Date`` (M/D/YYYY), ``Amounts of Competitive
  Bids (billion yen)``, ``Amounts of Bids Accepted (billion yen)``, the prices (per 100 yen) and
  yields (``2.540%``) as above, then one data row;
* the compiled CSV of the offline mirror (``date, tenor, size_bn_jpy, yield, bid_to_cover``;
  ``yield`` is the yield at the lowest accepted price, or the highest accepted yield for the
  40-year), a documented import format, not an official one.

Rows go to ``jgb_auction_results`` with ``source`` 'mof_page', 'mof_workbook' or 'compiled';
the service merges them field by field in that order. Every value is checked against declared
plausible ranges (:data:`RANGES`); a file that breaks one is refused with a one-line error naming
the file, line (or sheet and row), column and value.
Source: https://www.mof.go.jp/english/policy/jgbs/auction/past_auction_results/index.html
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.jgb_tenors import TENOR_YEARS, YIELD_BASED_YEARS, tenor_code
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.formats import (
    LINE,
    decode,
    looks_like_html,
    number_columns,
    read_csv,
)
from bondwatch.sources.mof_japan import era_date
from bondwatch.sources.spreadsheets import read_workbook

SOURCE = "MOF Japan JGB auctions"
WORKBOOK_URL = "https://www.mof.go.jp/english/policy/jgbs/auction/past_auction_results/Auction_Results_for_JGBs.xls"
KEY = ("source", "tenor", "auction_date")
COLUMNS = [
    "source", "auction_date", "tenor", "issue_number", "offering_bn_jpy", "competitive_bids_bn_jpy",
    "accepted_bn_jpy", "lowest_price", "lowest_price_yield", "average_price", "average_yield",
    "highest_yield", "bid_to_cover",
]
# official column label -> column; labels match without case, spaces, punctuation or a (unit)
OFFICIAL_LABELS = {
    "Auction Date": "auction_date",
    "Issue Number": "issue_number",
    "Offering Amount": "offering_bn_jpy",
    "Amounts of Competitive Bids": "competitive_bids_bn_jpy",
    "Amounts of Bids Accepted": "accepted_bn_jpy",
    "Lowest Accepted Price": "lowest_price",
    "Yield at the Lowest Accepted Price": "lowest_price_yield",
    "Weighted Average Price": "average_price",
    "Yield at the Average Price": "average_yield",
    "Highest Accepted Yield": "highest_yield",
    "Weighted Average Yield": "average_yield",
}
AMOUNTS = ("offering_bn_jpy", "competitive_bids_bn_jpy", "accepted_bn_jpy")
PRICES = ("lowest_price", "average_price")
YIELDS = ("lowest_price_yield", "average_yield", "highest_yield")
REQUIRED_OFFICIAL = ("auction_date", "competitive_bids_bn_jpy", "accepted_bn_jpy")
REQUIRED_BY_BASIS = {
    "price": ("lowest_price", "lowest_price_yield", "average_price", "average_yield"),
    "yield": ("highest_yield",),
}
FIRST_DAY = date(1966, 1, 1)  # declared lower bound of plausible auction dates (post-war JGBs: from FY1965)
RANGES: dict[str, tuple[float, float, bool, str]] = {  # column -> (low, high, bounds included?, expected)
    **{c: (0.0, np.inf, False, "a positive amount") for c in AMOUNTS},
    **{c: (0.0, 200.0, False, "a price above 0 and below 200 yen per 100 yen") for c in PRICES},
    **{c: (-1.0, 10.0, True, "a yield from -1 to 10 percent") for c in YIELDS},
    "bid_to_cover": (1.0, 20.0, False, "a bid-to-cover above 1 and below 20"),
}
COMPILED_COLUMNS = ("date", "tenor", "size_bn_jpy", "yield", "bid_to_cover")
_SHEET = re.compile(r"^\s*(\d{1,2})\s*(?:年債|-?\s*year)", re.IGNORECASE)
_TENOR_TEXT = re.compile(r"^\s*(\d{1,2})-year(?:\s+bonds?)?\s*$", re.IGNORECASE)
_TITLE = re.compile(r"of\s+(\d{1,2})-year\s+JGBs", re.IGNORECASE)
_UNIT = re.compile(r"\(([^)]*)\)")


def _label(text: object) -> str:
    """An official column label without its parenthesised unit, lower-case letters only."""
    return re.sub(r"[^a-z]", "", _UNIT.sub("", str(text)).lower())


LABELS = {_label(text): column for text, column in OFFICIAL_LABELS.items()}


def _scale(texts: list[str]) -> float:
    """Billion yen per unit of an amount column whose header and unit cells are ``texts``."""
    joined = " ".join(texts).lower()
    return 1.0 if "billion" in joined else 0.1  # MOF's workbook: 100 million yen


def _refuse(location: str, where: str, problem: str) -> DataFormatError:
    return DataFormatError(SOURCE, f"{location} {where}".strip(), problem)


# ----------------------------------------------------------------------------- official cells
def _tidy_official(
    cells: pd.DataFrame, labels: list[str], units: list[str], wheres: list[str], years: list[int],
    *, source: str, location: str, header_where: str,
) -> pd.DataFrame:
    """Official rows (cells as read, columns in file order, ``labels`` their headers) -> checked
    ``jgb_auction_results`` rows. ``wheres`` says where each row is, ``years`` its tenor."""
    found = {LABELS[_label(text)]: i for i, text in enumerate(labels) if _label(text) in LABELS}
    basis = {"yield" if y in YIELD_BASED_YEARS else "price" for y in years}
    required = [*REQUIRED_OFFICIAL, *(c for b in sorted(basis) for c in REQUIRED_BY_BASIS[b])]
    missing = [c for c in required if c not in found]
    if missing:
        official = {column: text for text, column in reversed(OFFICIAL_LABELS.items())}
        names = ", ".join(f"'{official[c]}'" for c in missing)
        raise _refuse(location, header_where,
                      f"missing column(s) {names}; the header has {', '.join(str(t) for t in labels if str(t).strip())}")
    strings = cells.iloc[:, list(found.values())].copy()
    strings.columns = list(found)
    strings = strings.apply(lambda col: col.map(_cell_text))
    strings[LINE] = wheres
    numeric = [c for c in found if c != "auction_date"]
    name = {c: f"column '{str(labels[i]).strip()}'" for c, i in found.items()}
    values = number_columns(strings, numeric, source=SOURCE, location=location,
                            expected="a number", name=lambda _, column: name[column])
    out = pd.DataFrame(values, columns=numeric, index=strings.index)
    for column in COLUMNS:
        if column not in out:
            out[column] = np.nan
    for column in AMOUNTS:
        if column in found:
            out[column] *= _scale([str(labels[found[column]]), units[found[column]]])
    out["auction_date"] = _official_dates(cells.iloc[:, found["auction_date"]], wheres, location, name["auction_date"])
    out["tenor"] = [tenor_code(y) for y in years]
    out["source"] = source
    with np.errstate(invalid="ignore", divide="ignore"):
        out["bid_to_cover"] = out["competitive_bids_bn_jpy"] / out["accepted_bn_jpy"]
    return _checked(out[COLUMNS], wheres, name | {"bid_to_cover": "bid-to-cover (competitive bids / bids accepted)"}, location)


def _cell_text(value: object) -> str:
    """A cell as text for number parsing: empty for None, NaN and the dashes MOF writes for 'none'
    ('–', '—'); '2.540%' -> '2.540'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).strip().rstrip("%").strip()
    return "" if text in ("–", "—", "－") else text


def _is_number(value: object) -> bool:
    try:
        float(_cell_text(value).replace(",", ""))
    except ValueError:
        return False
    return True


def _official_dates(raw: pd.Series, wheres: list[str], location: str, name: str) -> pd.Series:
    """Auction dates: spreadsheet dates, or text as M/D/YYYY (result pages), YYYY/M/D, or a
    Japanese-era date such as R7.5.20."""
    stamps = []
    for value, where in zip(raw.tolist(), wheres):
        if isinstance(value, (datetime, date, pd.Timestamp)):
            stamps.append(pd.Timestamp(value).normalize())
            continue
        text = str(value).strip()
        for fmt in ("%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
            try:
                stamps.append(pd.Timestamp(datetime.strptime(text, fmt)))
                break
            except ValueError:
                continue
        else:
            try:
                stamps.append(pd.Timestamp(era_date(text)))
            except ValueError:
                raise _refuse(location, where, f"{name} = {text!r}: expected a date like 5/20/2025") from None
    return pd.Series(stamps, index=raw.index, dtype="datetime64[ns]")


def _checked(frame: pd.DataFrame, wheres: list[str], names: dict[str, str], location: str) -> pd.DataFrame:
    """``frame`` if every value lies in its declared range (:data:`RANGES`, dates 1966..today,
    a known tenor); else DataFormatError for the first bad value in file order."""
    problems = np.zeros(len(frame), dtype=bool)
    first: dict[int, tuple[str, object, str]] = {}
    for column, (low, high, inclusive, expected) in RANGES.items():
        values = frame[column].to_numpy(float)
        outside = (values < low) | (values > high) if inclusive else (values <= low) | (values >= high)
        bad = ~np.isnan(values) & outside
        for i in np.flatnonzero(bad & ~problems):
            first[int(i)] = (column, values[i], expected)
        problems |= bad
    days = frame["auction_date"]
    bad_day = (days < pd.Timestamp(FIRST_DAY)) | (days > pd.Timestamp(date.today()))
    for i in np.flatnonzero(bad_day.to_numpy() & ~problems):
        first[int(i)] = ("auction_date", days.iloc[i].date().isoformat(), f"a date from {FIRST_DAY} to today")
    problems |= bad_day.to_numpy()
    if problems.any():
        i = int(np.flatnonzero(problems)[0])
        column, value, expected = first[i]
        shown = f"{value:g}" if isinstance(value, float) else value
        raise _refuse(location, wheres[i], f"{names.get(column, column)} = {shown}: expected {expected}")
    return frame


# ----------------------------------------------------------------------------- the workbook
def parse_workbook(sheets: dict[str, pd.DataFrame], location: str) -> pd.DataFrame:
    """The workbook's sheets (cells as read, no header) -> ``jgb_auction_results`` rows, one
    sheet per tenor; every tenor of :data:`TENOR_YEARS` must have its sheet."""
    by_years: dict[int, str] = {}
    for name in sheets:
        m = _SHEET.match(str(name))
        if m and int(m.group(1)) in TENOR_YEARS:
            by_years.setdefault(int(m.group(1)), name)
    missing = [y for y in TENOR_YEARS if y not in by_years]
    if missing:
        raise DataFormatError(
            SOURCE, location,
            f"no sheet for the {', '.join(f'{y}-year' for y in missing)} auctions (expected sheets "
            f"{', '.join(f'{y}年債' for y in TENOR_YEARS)}); the workbook has {', '.join(map(str, sheets)) or 'no sheets'}",
        )
    frames = [_workbook_sheet(sheets[by_years[y]], by_years[y], y, location) for y in TENOR_YEARS]
    return pd.concat(frames, ignore_index=True)


def _workbook_sheet(sheet: pd.DataFrame, name: str, years: int, location: str) -> pd.DataFrame:
    header = next(
        (i for i in range(min(len(sheet), 10)) if "auctiondate" in {_label(v) for v in sheet.iloc[i].tolist()}), None
    )
    if header is None:
        raise DataFormatError(SOURCE, f"{location} sheet '{name}'",
                              "no header row with 'Auction Date' in the first 10 rows; expected MOF's auction results layout")
    labels = [_cell_text(v) for v in sheet.iloc[header].tolist()]
    below = sheet.iloc[header + 1].tolist() if header + 1 < len(sheet) else [None] * len(labels)
    units = [_cell_text(v) for v in below]
    body = sheet.iloc[header + 1:]
    date_column = next(i for i, v in enumerate(labels) if _label(v) == "auctiondate")
    numeric = [i for i, v in enumerate(labels) if _label(v) in LABELS and i != date_column]
    body = body[body.iloc[:, numeric].map(_is_number).any(axis=1)]  # unit, note and blank rows hold no number
    wheres = [f"sheet '{name}' row {i + 1}" for i in body.index]
    return _tidy_official(body.reset_index(drop=True), labels, units, wheres, [years] * len(body),
                          source="mof_workbook", location=location, header_where=f"sheet '{name}' row {header + 1}")


# ----------------------------------------------------------------------------- the result page
class _Tables(HTMLParser):
    """Collects the text of the title and of every table row (with its line in the file)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[str]]] = []
        self.title: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self._row = []
            self.rows.append((self.getpos()[0], self._row))
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row.append("")
        elif tag in ("title", "h1", "h2"):
            self._heading = True
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[-1] = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag in ("title", "h1", "h2"):
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._heading:
            self.title.append(data)


def parse_result_page(text: str, location: str) -> pd.DataFrame:
    """MOF's English result page of one auction -> one ``jgb_auction_results`` row."""
    page = _Tables()
    page.feed(text)
    rows = [(line, cells) for line, cells in page.rows if any(cells)]
    start = next((k for k, (_, cells) in enumerate(rows) if "auctiondate" in {_label(c) for c in cells}), None)
    if start is None:
        raise DataFormatError(SOURCE, location, "no table with an 'Auction Date' header; expected MOF's English "
                              "auction result page (eresulYYYYMMDD.htm), not an error or index page")
    labels: list[str] = []
    for line, cells in rows[start:]:  # noqa: B007 (the line of the row found is used below)
        if any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", c) for c in cells):
            break
        labels.extend(cells)
    else:
        raise DataFormatError(SOURCE, f"{location} line {rows[start][0]}", "a header but no result row with a date like 5/20/2025")
    if len(cells) != len(labels):
        raise DataFormatError(SOURCE, f"{location} line {line}",
                              f"{len(cells)} cells where the header has {len(labels)}; expected one value per column")
    years = _page_tenor(labels, cells, " ".join(page.title), location, line)
    body = pd.DataFrame([cells], dtype=object)
    return _tidy_official(body, labels, labels, [f"line {line}"], [years], source="mof_page",
                          location=location, header_where=f"line {rows[start][0]}")


def _page_tenor(labels: list[str], cells: list[str], title: str, location: str, line: int) -> int:
    """The auction's tenor in years: the 'Security' cell ('20-year'), else the page title."""
    security = next((c for label, c in zip(labels, cells) if _label(label) == "security"), None)
    m = _TENOR_TEXT.match(security) if security is not None else _TITLE.search(title)
    years = int(m.group(1)) if m else None
    if years not in TENOR_YEARS:
        found = security if security is not None else (" ".join(title.split()) or "no title")
        raise DataFormatError(SOURCE, f"{location} line {line}",
                              f"security {found!r}: expected a 2-, 5-, 10-, 20-, 30- or 40-year JGB auction")
    return years


# ----------------------------------------------------------------------------- the compiled table
def parse_compiled(text: str, location: str) -> pd.DataFrame:
    """The compiled CSV (``date, tenor, size_bn_jpy, yield, bid_to_cover``) -> checked rows."""
    frame = read_csv(text, source=SOURCE, location=location, required=COMPILED_COLUMNS)
    kw = {"source": SOURCE, "location": location}
    wheres = [f"line {n}" for n in frame[LINE]]
    tenors = frame["tenor"].str.strip()
    years = []
    for label, where in zip(tenors, wheres):
        m = _SHEET.match(label)
        if not m or int(m.group(1)) not in TENOR_YEARS or not re.fullmatch(r"\d{1,2}-Year", label, re.IGNORECASE):
            raise _refuse(location, where, f"field 'tenor' = {label!r}: expected 2-Year, 5-Year, 10-Year, 20-Year, 30-Year or 40-Year")
        years.append(int(m.group(1)))
    values = number_columns(frame, ["size_bn_jpy", "yield", "bid_to_cover"], **kw)
    out = pd.DataFrame({c: np.nan for c in COLUMNS}, index=frame.index)
    out["source"] = "compiled"
    out["tenor"] = [tenor_code(y) for y in years]
    out["auction_date"] = pd.to_datetime(frame["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if out["auction_date"].isna().any():
        i = int(np.flatnonzero(out["auction_date"].isna())[0])
        raise _refuse(location, wheres[i], f"field 'date' = {frame['date'].iloc[i]!r}: expected a date like 2025-05-20")
    yield_based = np.array([y in YIELD_BASED_YEARS for y in years])
    out["offering_bn_jpy"] = values[:, 0]
    out["lowest_price_yield"] = np.where(yield_based, np.nan, values[:, 1])
    out["highest_yield"] = np.where(yield_based, values[:, 1], np.nan)
    out["bid_to_cover"] = values[:, 2]
    names = {"offering_bn_jpy": "field 'size_bn_jpy'", "lowest_price_yield": "field 'yield'",
             "highest_yield": "field 'yield'", "bid_to_cover": "field 'bid_to_cover'", "auction_date": "field 'date'"}
    return _checked(out[COLUMNS], wheres, names, location)


# ----------------------------------------------------------------------------- entry points
def parse(data: bytes, location: str) -> Parsed:
    """Parse the official workbook, a result page or the compiled CSV into ``jgb_auction_results``."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or data[:4] == b"PK\x03\x04":
        frame = parse_workbook(read_workbook(data, source=SOURCE, location=location, sheet_name=None), location)
    elif looks_like_html(data):
        frame = parse_result_page(_html_text(data), location)
    else:
        text = decode(data, source=SOURCE, location=location,
                      expected="MOF's auction results workbook, a result page or the compiled CSV")
        frame = parse_compiled(text, location)
    if frame.empty:
        raise DataFormatError(SOURCE, location, "no auction rows")
    vintage = f"JGB auctions through {frame['auction_date'].max():%Y-%m-%d}"
    return Parsed("jgb_auction_results", frame, KEY, vintage)


def _html_text(data: bytes) -> str:
    """A result page's text: UTF-8, else Shift-JIS (MOF's older pages)."""
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def fetch(client: httpx.Client) -> list[Fetched]:
    """The official workbook with every auction's results."""
    response = http.get(WORKBOOK_URL, source=SOURCE, client=client)
    return [Fetched(str(response.url), response.content, datetime.now(UTC))]
