"""US Census Bureau, international trade in goods by partner country, into ``trade_goods``.

Formats read:

* the offline mirror's monthly table ``month,exports_to_japan_musd,imports_from_japan_musd,
  balance_musd`` (US goods trade with Japan, $ millions, not seasonally adjusted); the balance
  column is checked against exports minus imports;
* the Census International Trade API (https://www.census.gov/foreign-trade/reference/apis/,
  no key needed below 500 queries a day), time-series endpoints

  - ``https://api.census.gov/data/timeseries/intltrade/exports/hs`` with
    ``get=CTY_CODE,CTY_NAME,ALL_VAL_MO`` (total exports, monthly, US dollars);
  - ``https://api.census.gov/data/timeseries/intltrade/imports/hs`` with
    ``get=CTY_CODE,CTY_NAME,GEN_VAL_MO`` (general imports, monthly, US dollars);

  both with ``CTY_CODE=<code>`` and ``time=from YYYY-MM``. Without a commodity variable the API
  answers the all-commodities total. Each answer is the API's JSON array of arrays, header row
  first (a predicate variable that is also requested appears twice). :func:`fetch` asks for both
  flows and keeps the two official answers, byte for byte, side by side as
  ``{"exports": [...], "imports": [...]}`` so that one import writes complete rows.
"""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Bound, Rules, Span, check
from bondwatch.sources.formats import LINE, dates, decode, load_json, numbers, read_csv

SOURCE = "US Census Bureau, international trade"
API_BASE = "https://api.census.gov/data/timeseries/intltrade"
FLOWS = {"exports": ("exports/hs", "ALL_VAL_MO"), "imports": ("imports/hs", "GEN_VAL_MO")}
PARTNERS = {"5880": "Japan"}  # Census Schedule C country codes fetched live
FIRST_MONTH = "2013-01"  # the time-series endpoints start in January 2013
MIRROR_COLUMNS = ("month", "exports_to_japan_musd", "imports_from_japan_musd", "balance_musd")
BALANCE_TOLERANCE_MUSD = 0.15  # the mirror's figures are rounded to 0.1
_FLOWS_MUSD = ("exports_musd", "imports_musd")
RULES = Rules(  # one partner's monthly goods trade: not negative, below $1,000bn (all US imports: ~$300bn)
    bounds=(Bound(_FLOWS_MUSD, 0.0, 1e6, "$ millions"),),
    spans=(Span(("month",), "1985-01-01"),),  # the country series begin in 1985
    key=("partner_code", "month"),
)


def parse(data: bytes, location: str) -> Parsed:
    """Parse the mirror CSV or the combined API answers into ``trade_goods`` rows ($ millions)."""
    text = decode(data, source=SOURCE, location=location, expected="Census trade CSV or API JSON")
    stripped = text.lstrip()
    frame = _parse_api(stripped, location) if stripped.startswith(("{", "[")) else _parse_mirror(text, location)
    frame = frame.sort_values(["partner_code", "month"]).reset_index(drop=True)
    vintage = f"through {max(frame['month']):%Y-%m}"
    return Parsed("trade_goods", frame, ("partner_code", "month"), vintage)


def _parse_mirror(text: str, location: str) -> pd.DataFrame:
    raw = read_csv(text, source=SOURCE, location=location, required=MIRROR_COLUMNS)
    months = dates(raw, "month", source=SOURCE, location=location, fmt="%Y-%m")
    exports = numbers(raw, "exports_to_japan_musd", source=SOURCE, location=location)
    imports = numbers(raw, "imports_from_japan_musd", source=SOURCE, location=location)
    balance = numbers(raw, "balance_musd", source=SOURCE, location=location)
    off = (balance - (exports - imports)).abs() > BALANCE_TOLERANCE_MUSD
    if off.any():
        i = int(off.to_numpy().nonzero()[0][0])
        raise DataFormatError(
            SOURCE,
            f"{location} line {int(raw[LINE].iloc[i])}",
            f"balance_musd = {balance.iloc[i]} but exports - imports = {exports.iloc[i] - imports.iloc[i]:.1f}; "
            "expected them to agree within 0.15",
        )
    if months.isna().any() or months.duplicated().any():
        i = int((months.isna() | months.duplicated()).to_numpy().nonzero()[0][0])
        raise DataFormatError(
            SOURCE, f"{location} line {int(raw[LINE].iloc[i])}", "missing or repeated month; expected one row per YYYY-MM"
        )
    frame = pd.DataFrame(
        {
            "partner_code": "5880",
            "partner": "Japan",
            "month": months.dt.date,
            "exports_musd": exports,
            "imports_musd": imports,
        }
    )
    check(frame, RULES, source=SOURCE, location=location, lines=raw[LINE])
    return frame


def _api_table(payload: object, flow: str, location: str) -> pd.DataFrame:
    """One official answer (array of arrays) -> partner_code, partner, month, <flow>_musd."""
    where = f"{location} [{flow}]"
    if not isinstance(payload, list) or len(payload) < 2 or not all(isinstance(r, list) for r in payload):
        raise DataFormatError(SOURCE, where, "expected a JSON array of arrays: a header row, then data rows")
    header, rows = payload[0], payload[1:]
    value_var = FLOWS[flow][1]
    missing = [c for c in ("CTY_CODE", "CTY_NAME", value_var, "time") if c not in header]
    if missing:
        raise DataFormatError(SOURCE, where, f"header lacks {', '.join(missing)}; it has {', '.join(map(str, header))}")
    at = {name: header.index(name) for name in ("CTY_CODE", "CTY_NAME", value_var, "time")}
    records = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise DataFormatError(SOURCE, f"{where} row {number}", f"{len(row)} fields where the header has {len(header)}")
        try:
            value = float(row[at[value_var]])
            month = datetime.strptime(str(row[at["time"]]), "%Y-%m").date()
        except (TypeError, ValueError):
            raise DataFormatError(
                SOURCE,
                f"{where} row {number}",
                f"{value_var} = {row[at[value_var]]!r}, time = {row[at['time']]!r}: expected dollars and YYYY-MM",
            ) from None
        records.append(
            {
                "partner_code": str(row[at["CTY_CODE"]]).strip(),
                "partner": str(row[at["CTY_NAME"]]).strip().title(),
                "month": month,
                f"{flow}_musd": value / 1e6,
            }
        )
    table = pd.DataFrame(records)
    check(table, RULES, source=SOURCE, location=where, lines=[f"row {n}" for n in range(2, len(rows) + 2)])
    return table


def _parse_api(text: str, location: str) -> pd.DataFrame:
    payload = load_json(text, source=SOURCE, location=location)
    if not isinstance(payload, dict) or set(payload) != set(FLOWS):
        raise DataFormatError(
            SOURCE, location, 'expected {"exports": <API answer>, "imports": <API answer>} as written by fetch'
        )
    exports = _api_table(payload["exports"], "exports", location)
    imports = _api_table(payload["imports"], "imports", location)
    merged = exports.merge(imports.drop(columns="partner"), on=["partner_code", "month"], how="outer")
    merged["partner"] = merged["partner"].fillna(merged["partner_code"].map(PARTNERS))
    return merged[["partner_code", "partner", "month", "exports_musd", "imports_musd"]]


def fetch(client: httpx.Client, since: str = FIRST_MONTH) -> list[Fetched]:
    """Both flows for each partner in :data:`PARTNERS`, monthly from ``since`` (YYYY-MM).

    The two answers are kept byte for byte, joined as ``{"exports": <bytes>, "imports": <bytes>}``,
    so the provenance checksum is that of the publisher's bytes, not of a re-serialisation.
    """
    fetched = []
    for code in PARTNERS:
        answers, urls = [], []
        for flow, (path, value_var) in FLOWS.items():
            url = f"{API_BASE}/{path}"
            params = {"get": f"CTY_CODE,CTY_NAME,{value_var}", "CTY_CODE": code, "time": f"from {since}"}
            response = http.get(url, source=SOURCE, params=params, client=client)
            location = str(httpx.URL(url, params=params))
            text = decode(response.content, source=SOURCE, location=location, expected="API JSON")
            load_json(text, source=SOURCE, location=location)  # fail here, naming the URL, if it is not JSON
            answers.append(b'"' + flow.encode() + b'": ' + response.content)
            urls.append(location)
        fetched.append(
            Fetched(
                location=" + ".join(urls),
                data=b"{" + b", ".join(answers) + b"}",
                retrieved_at=datetime.now(timezone.utc),
            )
        )
    return fetched
