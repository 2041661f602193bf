"""US Treasury Fiscal Data ``auctions_query``: every marketable-security auction since 1979.

Formats read:

* the JSON API (``{"data": [...], "meta": {"total-pages": ...}}``, every value a string,
  ``"null"`` for missing), fetched page by page;
* the CSV export (API ``format=csv`` with field names as the header, or the website download
  with display labels such as ``Bid To Cover Ratio``), and mirror files in that layout.

API: https://fiscaldata.treasury.gov/datasets/treasury-securities-auctions-data/
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import AUCTIONS, check
from bondwatch.sources.formats import LINE, NULL_TOKENS, booleans, dates, decode, load_json, number_columns, read_csv
from bondwatch.tenors import auction_cycle

SOURCE = "fiscaldata"
URL = "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/accounting/od/auctions_query"
PAGE_SIZE = 10000
REQUIRED = ("auction_date", "cusip", "security_type", "security_term", "offering_amt")
NUMERIC = {
    "offering_amt": "offering_usd",
    "total_tendered": "total_tendered_usd",
    "total_accepted": "total_accepted_usd",
    "comp_accepted": "comp_accepted_usd",
    "primary_dealer_accepted": "dealer_accepted_usd",
    "direct_bidder_accepted": "direct_accepted_usd",
    "indirect_bidder_accepted": "indirect_accepted_usd",
    "soma_accepted": "soma_accepted_usd",
    "bid_to_cover_ratio": "bid_to_cover",
}
# yields: coupon securities report yields; bills report investment (coupon-equivalent) rates
YIELDS = {
    "high_yield": ("high_yield", "high_investment_rate"),
    "median_yield": ("avg_med_yield", "avg_med_investment_rate"),
    "low_yield": ("low_yield", "low_investment_rate"),
}
# abbreviations in API field names, expanded to match the website's display labels
_ABBREVIATIONS = [
    ("noncomp", "noncompetitive"), ("comp", "competitive"), ("amt", "amount"),
    ("avg_med", "averagemedian"), ("discnt", "discount"), ("pctage", "percentage"),
    ("announcemt", "announcement"), ("int_", "interest_"), ("mat_", "maturity_"),
    ("cash_management_bill_cmb", "cashmanagementbillcmb"), ("inflation_index", "inflationindexed"),
]


def _norm(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", label.lower())


def _field_key(field: str) -> str:
    expanded = field
    for short, long in _ABBREVIATIONS:
        expanded = expanded.replace(short, long)
    return _norm(expanded)


_KNOWN_FIELDS = [
    *REQUIRED, *NUMERIC, *(f for pair in YIELDS.values() for f in pair), "original_security_term",
    "reopening", "issue_date", "maturity_date", "inflation_index_security", "floating_rate",
    "cash_management_bill_cmb", "record_date",
]


def _rename_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Map display-label headers ('Bid To Cover Ratio') to API field names ('bid_to_cover_ratio')."""
    by_key = {_field_key(f): f for f in _KNOWN_FIELDS}
    by_key.update({_norm(f): f for f in _KNOWN_FIELDS})
    renames = {c: by_key[_norm(c)] for c in frame.columns if c not in _KNOWN_FIELDS and _norm(c) in by_key}
    return frame.rename(columns=renames)


def _kind(frame: pd.DataFrame, location: str) -> pd.Series:
    """'tips' | 'frn' | 'cmb' | 'bill' | 'nominal' from the official flags (or a mirror 'kind' column)."""
    def flag(column: str) -> pd.Series:
        if column not in frame:
            return pd.Series(False, index=frame.index)
        return booleans(frame, column, source=SOURCE, location=location).fillna(False).astype(bool)

    kind = pd.Series("nominal", index=frame.index, dtype=object)
    if "kind" in frame and "inflation_index_security" not in frame:
        extra = frame["kind"].astype(str).str.strip().str.lower()
        kind = kind.mask(extra.isin(["tips", "frn"]), extra)
    kind = kind.mask(flag("inflation_index_security"), "tips")
    kind = kind.mask(flag("floating_rate"), "frn")
    bill = frame["security_type"].astype(str).str.strip().str.lower().isin(["bill", "cmb"])
    kind = kind.mask(bill, "bill")
    kind = kind.mask(bill & flag("cash_management_bill_cmb"), "cmb")
    kind = kind.mask(frame["security_type"].astype(str).str.strip().str.upper() == "CMB", "cmb")
    return kind


def tidy(frame: pd.DataFrame, location: str) -> pd.DataFrame:
    """Official auctions_query rows (strings) -> ``auction_results`` columns, results only."""
    frame = _rename_labels(frame)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataFormatError(
            SOURCE, location, f"missing field(s) {', '.join(missing)}; expected auctions_query rows"
        )
    twice = frame.columns[frame.columns.duplicated()]
    if len(twice):
        raise DataFormatError(SOURCE, location, f"field {twice[0]!r} is given twice (under two names?)")
    kw = {"source": SOURCE, "location": location}
    out = pd.DataFrame(index=frame.index)
    out["source"] = SOURCE
    out["cusip"] = frame["cusip"].astype(str).str.strip().str.upper()
    out["auction_date"] = dates(frame, "auction_date", **kw)
    out["kind"] = _kind(frame, location)
    out["security_type"] = frame["security_type"].astype(str).str.strip()
    out["security_term"] = frame["security_term"].astype(str).str.strip()
    original = frame["original_security_term"] if "original_security_term" in frame else frame["security_term"]
    original = original.astype(str).str.strip()
    out["original_term"] = original.where(~original.isin(NULL_TOKENS), out["security_term"])
    out["tenor"] = [auction_cycle(k, t) for k, t in zip(out["kind"], out["security_term"])]
    out["reopening"] = (
        booleans(frame, "reopening", **kw) if "reopening" in frame else pd.Series(pd.NA, index=frame.index)
    )
    for column in ("issue_date", "maturity_date"):
        out[column] = dates(frame, column, **kw) if column in frame else None
    present = [f for f in (*NUMERIC, *(f for pair in YIELDS.values() for f in pair)) if f in frame]
    parsed = dict(zip(present, number_columns(frame, present, **kw).T))
    for field, column in NUMERIC.items():
        out[column] = parsed.get(field, np.nan)
    for column, candidates in YIELDS.items():
        value = np.full(len(frame), np.nan)
        for field in (f for f in candidates if f in parsed):
            value = np.where(np.isnan(value), parsed[field], value)
        out[column] = value
    comp = out["comp_accepted_usd"].where(out["comp_accepted_usd"] > 0)
    for who in ("dealer", "direct", "indirect"):
        out[f"{who}_pct"] = out[f"{who}_accepted_usd"] / comp * 100.0
    published = {column: field for field, column in NUMERIC.items()} | {"median_yield": "avg_med_yield"}
    check(out, AUCTIONS, source=SOURCE, location=location, lines=frame[LINE], names=published)
    held = out["bid_to_cover"].notna() | out["comp_accepted_usd"].notna()
    return out[held].reset_index(drop=True)


def _from_json(text: str, location: str) -> tuple[pd.DataFrame, datetime | None]:
    payload = load_json(text, source=SOURCE, location=location)
    if isinstance(payload, dict) and "data" not in payload and ("error" in payload or "message" in payload):
        message = payload.get("message") or payload.get("error")
        raise DataFormatError(SOURCE, location, f"the API answered with an error: {message}")
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise DataFormatError(SOURCE, location, "expected a JSON object with a 'data' list of auctions")
    rows = payload["data"]
    meta = payload.get("meta")
    count = meta.get("count") if isinstance(meta, dict) else None
    if count is not None and str(count) != str(len(rows)):  # a page cut short
        raise DataFormatError(SOURCE, f"{location} meta.count", f"= {count!r} but the page holds {len(rows)} records")
    frame = pd.DataFrame(rows, dtype=object)
    frame[LINE] = [f"record {i + 1}" for i in range(len(frame))]
    return frame, None


def _from_csv(text: str, location: str) -> tuple[pd.DataFrame, datetime | None]:
    frame = read_csv(text, source=SOURCE, location=location, required=())
    frame = _rename_labels(frame)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataFormatError(
            SOURCE, f"{location} line 1",
            f"missing column(s) {', '.join(missing)}; expected a Fiscal Data auctions_query CSV",
        )
    retrieved = None
    if "accessed_utc" in frame:  # mirror files record when they were fetched from the API
        stamps = pd.to_datetime(frame["accessed_utc"], errors="coerce", utc=True).dropna()
        retrieved = stamps.max().to_pydatetime() if len(stamps) else None
    return frame, retrieved


def parse(data: bytes, location: str) -> Parsed:
    """Parse one JSON page or CSV file of auctions_query into ``auction_results`` rows."""
    text = decode(data, source=SOURCE, location=location, expected="auctions_query JSON or CSV")
    reader = _from_json if text.lstrip().startswith(("{", "[")) else _from_csv
    frame, retrieved = reader(text, location)
    if frame.empty:
        return Parsed("auction_results", pd.DataFrame(), ("source", "cusip", "auction_date"))
    tidy_rows = tidy(frame, location)
    vintage = None
    if len(tidy_rows):
        vintage = f"auctions through {tidy_rows['auction_date'].max().date().isoformat()}"
    return Parsed(
        "auction_results", tidy_rows, ("source", "cusip", "auction_date"), vintage, retrieved
    )


def fetch(client: httpx.Client, *, since: str | None = None) -> list[Fetched]:
    """All auctions (or those since ``since``, YYYY-MM-DD), one JSON page per request, with a progress bar."""
    from tqdm import tqdm

    params: dict[str, str | int] = {"page[size]": PAGE_SIZE, "sort": "auction_date"}
    if since:
        params["filter"] = f"auction_date:gte:{since}"
    pages: list[Fetched] = []
    number, total = 1, 1
    with tqdm(desc="fiscaldata auctions", unit="page", disable=None, leave=False) as bar:
        while number <= total:
            response = http.get(URL, source=SOURCE, params={**params, "page[number]": number}, client=client)
            location = str(response.url)
            try:
                meta = json.loads(response.content).get("meta", {})
                total = int(meta.get("total-pages", 1) or 1)
            except (ValueError, AttributeError):
                pass  # parse() reports the malformed page with its location
            bar.total = total
            bar.update(1)
            pages.append(Fetched(location, response.content, datetime.now(timezone.utc)))
            number += 1
    return pages
