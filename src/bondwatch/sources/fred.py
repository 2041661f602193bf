"""FRED (Federal Reserve Bank of St. Louis): any series by ID, into ``series`` and ``series_meta``.

Formats read:

* the graph CSV download ``https://fred.stlouisfed.org/graph/fredgraph.csv?id=ID`` (no key):
  header ``observation_date,ID`` (older downloads: ``DATE,ID``; several IDs give several
  columns), an empty value or ``.`` = no observation;
* the API ``https://api.stlouisfed.org/fred/series/observations`` (JSON, ``file_type=json``):
  ``{"observations": [{"date": ..., "value": ...}]}`` with ``.`` for missing values; the series
  ID is read from the request recorded in the location. The key comes from ``FRED_API_KEY`` and is
  never written to the location, the provenance or an error message.

Series metadata (title, units, frequency) comes from the API's ``fred/series`` answer when
fetched with a key (stored in ``series_meta``), else from :data:`KNOWN` (the titles FRED gives
these series), looked up when the series is read.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError, NotFoundError, SourceUnavailableError, UsageError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Rules, Span, check_wide
from bondwatch.sources.fastcsv import read_numeric
from bondwatch.sources.formats import LINE, decode, load_json

SOURCE = "FRED"
CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
API_URL = "https://api.stlouisfed.org/fred/series/observations"
API_SERIES_URL = "https://api.stlouisfed.org/fred/series"
KEY_ENV = "FRED_API_KEY"
EXTRA_ENV = "BONDWATCH_FRED_SERIES"  # comma-separated further IDs for `bondwatch update`
NULLS = ("", ".", "NA", "#N/A")  # FRED's "no observation" (older downloads: '.')
_ID = re.compile(r"^[A-Z0-9_]{1,40}$")
# any series: no range fits every one; dates from 1776 (before FRED's oldest observations), one row per date
RULES = Rules(spans=(Span(("date",), "1776-01-01"),), key=("date",))

# series_id -> (title, units, frequency), as FRED titles them
KNOWN: dict[str, tuple[str, str, str]] = {
    "DGS3MO": ("Market Yield on U.S. Treasury Securities at 3-Month Constant Maturity", "percent", "daily"),
    "DGS2": ("Market Yield on U.S. Treasury Securities at 2-Year Constant Maturity", "percent", "daily"),
    "DGS5": ("Market Yield on U.S. Treasury Securities at 5-Year Constant Maturity", "percent", "daily"),
    "DGS10": ("Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity", "percent", "daily"),
    "DGS30": ("Market Yield on U.S. Treasury Securities at 30-Year Constant Maturity", "percent", "daily"),
    "T10Y2Y": ("10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity", "percentage points", "daily"),
    "T5YIE": ("5-Year Breakeven Inflation Rate", "percent", "daily"),
    "T10YIE": ("10-Year Breakeven Inflation Rate", "percent", "daily"),
    "DEXJPUS": ("Japanese Yen to U.S. Dollar Spot Exchange Rate (H.10, noon buying rate)", "yen per dollar", "daily"),
    "DEXCHUS": ("Chinese Yuan Renminbi to U.S. Dollar Spot Exchange Rate (H.10, noon buying rate)", "yuan per dollar", "daily"),
    "GDP": ("Gross Domestic Product", "billions of dollars, seasonally adjusted annual rate", "quarterly"),
    "WALCL": ("Assets: Total Assets: Total Assets (Less Eliminations from Consolidation), Wednesday level", "millions of dollars", "weekly"),
    "BOPGSTB": ("Trade Balance: Goods and Services, Balance of Payments Basis", "millions of dollars, seasonally adjusted", "monthly"),
    "GFDEGDQ188S": ("Federal Debt: Total Public Debt as Percent of Gross Domestic Product", "percent of GDP", "quarterly"),
}
# fetched by `bondwatch update` (live); more via BONDWATCH_FRED_SERIES
DEFAULT_IDS = tuple(KNOWN)


def check_id(series_id: str) -> str:
    """A FRED series ID, upper-cased; raises UsageError for text that cannot be one."""
    candidate = (series_id or "").strip().upper()
    if not _ID.match(candidate):
        raise UsageError(f"series {series_id!r}: expected a FRED series ID such as DGS10 or T10YIE (letters, digits, _)")
    return candidate


def _long(dates: pd.Series, values: dict[str, np.ndarray]) -> pd.DataFrame:
    parts = []
    for series_id, column in values.items():
        keep = ~np.isnan(column)
        parts.append(pd.DataFrame({"series_id": series_id, "date": dates.to_numpy()[keep], "value": column[keep]}))
    return pd.concat(parts, ignore_index=True)


def _parse_csv(text: str, location: str) -> tuple[pd.DataFrame, list[str]]:
    header = [h.strip() for h in text.split("\n", 1)[0].strip().split(",")]
    if len(header) < 2 or header[0].upper() not in ("OBSERVATION_DATE", "DATE"):
        raise DataFormatError(
            SOURCE, f"{location} line 1",
            f"header {','.join(header[:3])!r}: expected observation_date,<SERIES_ID> (the FRED CSV download)",
        )
    ids = [check_id(h) for h in header[1:]]
    frame, values = read_numeric(text, source=SOURCE, location=location, numeric=header[1:], null_tokens=NULLS)
    dates = pd.to_datetime(frame[header[0]], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise DataFormatError(
            SOURCE, f"{location} line {frame[LINE].iloc[i]}",
            f"date {frame[header[0]].iloc[i]!r}: expected YYYY-MM-DD",
        )
    check_wide(dates, ids, values, RULES, source=SOURCE, location=location, lines=frame[LINE])
    return _long(dates, dict(zip(ids, values.T))), ids


def _parse_json(text: str, location: str) -> tuple[pd.DataFrame, list[str]]:
    payload = load_json(text, source=SOURCE, location=location)
    if isinstance(payload, dict) and "error_message" in payload:
        message = " ".join(str(payload["error_message"]).split())
        raise DataFormatError(SOURCE, location, f"the API answered with an error: {message}")
    if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list):
        raise DataFormatError(SOURCE, location, "expected a JSON object with an 'observations' list")
    query = parse_qs(urlsplit(location).query)
    if "series_id" not in query:
        raise DataFormatError(SOURCE, location, "the location does not name the series (series_id=...)")
    series_id = check_id(query["series_id"][0])
    observations = pd.DataFrame(payload["observations"], columns=["date", "value"], dtype=object)
    dates = pd.to_datetime(observations["date"], format="%Y-%m-%d", errors="coerce")
    raw = observations["value"].astype(str).str.strip()
    missing = raw.isin([*NULLS, "None"])
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = dates.isna() | (values.isna() & ~missing)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataFormatError(
            SOURCE, f"{location} observation {i + 1}",
            f"date {observations['date'].iloc[i]!r}, value {raw.iloc[i]!r}: expected YYYY-MM-DD and a number or '.'",
        )
    check_wide(dates, [series_id], values.to_numpy(dtype=float)[:, None], RULES, source=SOURCE, location=location,
               lines=[f"observation {i + 1}" for i in range(len(dates))])
    return _long(dates, {series_id: values.to_numpy(dtype=float)}), [series_id]


def parse(data: bytes, location: str) -> Parsed:
    """Parse a FRED CSV download or API JSON into ``series`` rows, one per observation.

    A location whose path ends in ``/fred/series`` is the API's metadata answer (``series_meta``).
    A CSV download carries no metadata: readers take its title from :data:`KNOWN`, so the import
    stores (and its provenance counts) observations only.
    """
    text = decode(data, source=SOURCE, location=location, expected="a FRED CSV download or API JSON")
    if urlsplit(location).path.rstrip("/").endswith("/fred/series"):
        return _parse_series_meta(text, location)
    is_json = text.lstrip().startswith("{")
    frame, ids = (_parse_json if is_json else _parse_csv)(text, location)
    if frame.empty:
        raise DataFormatError(SOURCE, location, f"no observations for {', '.join(ids)}")
    vintage = f"{', '.join(ids)} through {frame['date'].max():%Y-%m-%d}"
    return Parsed("series", frame, ("series_id", "date"), vintage)


def _parse_series_meta(text: str, location: str) -> Parsed:
    """The API's ``fred/series`` JSON -> ``series_meta`` rows."""
    try:
        payload = json.loads(text)
        rows = payload["seriess"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DataFormatError(SOURCE, location, "expected a JSON object with a 'seriess' list") from None
    frame = pd.DataFrame(
        [
            {"series_id": r.get("id"), "title": r.get("title"), "units": r.get("units"),
             "frequency": r.get("frequency"), "source": "FRED API", "notes": r.get("notes")}
            for r in rows
        ]
    )
    return Parsed("series_meta", frame, ("series_id",))


def requested_ids(extra: list[str] | None = None) -> list[str]:
    """The IDs `update` fetches: :data:`DEFAULT_IDS`, those in ``$BONDWATCH_FRED_SERIES`` and ``extra``."""
    env = [s for s in os.environ.get(EXTRA_ENV, "").split(",") if s.strip()]
    ids = [*DEFAULT_IDS, *(check_id(s) for s in env), *(check_id(s) for s in extra or [])]
    return list(dict.fromkeys(ids))


def _get(url: str, series_id: str, params: dict[str, str], client: httpx.Client) -> httpx.Response:
    try:
        return http.get(url, source=SOURCE, params=params, client=client)
    except SourceUnavailableError as exc:
        if "HTTP 400" in str(exc) or "HTTP 404" in str(exc):
            raise NotFoundError(f"FRED has no series {series_id!r} (check the ID on fred.stlouisfed.org)") from None
        raise


def fetch(client: httpx.Client, *, series_ids: list[str] | None = None) -> list[Fetched]:
    """Each series as a CSV download, or through the API when ``FRED_API_KEY`` is set.

    With a key, each series also yields its ``fred/series`` metadata. Locations never contain the key.
    """
    key = os.environ.get(KEY_ENV, "").strip()
    fetched = []
    for series_id in series_ids or requested_ids():
        series_id = check_id(series_id)
        now = datetime.now(timezone.utc)
        if key:
            params = {"series_id": series_id, "file_type": "json"}
            response = _get(API_URL, series_id, {**params, "api_key": key}, client)
            fetched.append(Fetched(str(httpx.URL(API_URL, params=params)), response.content, now))
            meta = _get(API_SERIES_URL, series_id, {**params, "api_key": key}, client)
            fetched.append(Fetched(str(httpx.URL(API_SERIES_URL, params=params)), meta.content, now))
        else:
            response = _get(CSV_URL, series_id, {"id": series_id}, client)
            fetched.append(Fetched(str(httpx.URL(CSV_URL, params={"id": series_id})), response.content, now))
    return fetched

