"""Treasury Investor Class Auction Allotments (nominal coupons): who was allotted each issue.

Formats read:

* the official spreadsheet (``...-IC-Coupons.xls`` from
  https://home.treasury.gov/data/investor-class-auction-allotments; title rows, then a header
  with ``Issue Date``, ``CUSIP``, ``Total Issue``, ``Federal Reserve Banks``, ``Depository
  Institutions``, ``Individuals``, ``Dealers and Brokers``, ``Pension and Retirement Funds and
  Ins. Co.``, ``Investment Funds``, ``Foreign and International``, ``Other``), ``.xls`` or
  ``.xlsx``, read with python-calamine;
* the compiled CSV of the offline mirror (``issue_date, tenor, cusip, Banks, Individuals,
  Dealers, Pensions & insurers, Investment funds, Foreign, Other, public_size_bn``; shares in
  percent of the amount allotted to the public).

Shares are percent of the public allotment, i.e. the total issue less Federal Reserve Banks
(SOMA). Rows are keyed by CUSIP and issue (settlement) date; :mod:`bondwatch.service.market`
joins them to auctions by CUSIP and the nearest preceding auction date.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Bound, Rules, Span, Total, check
from bondwatch.sources.formats import LINE, dates, decode, number_columns, read_csv
from bondwatch.sources.spreadsheets import read_workbook
from bondwatch.tenors import canonical_tenor

SOURCE = "Treasury investor class allotments"
PAGE_URL = "https://home.treasury.gov/data/investor-class-auction-allotments"
SITE = "https://home.treasury.gov"
CLASSES = ("banks", "individuals", "dealers", "pensions_insurers", "investment_funds", "foreign", "other")
COMPILED = {
    "Banks": "banks", "Individuals": "individuals", "Dealers": "dealers",
    "Pensions & insurers": "pensions_insurers", "Investment funds": "investment_funds",
    "Foreign": "foreign", "Other": "other",
}
# official header (normalised: lower case, letters only) -> class
OFFICIAL = {
    "depositoryinstitutions": "banks", "individuals": "individuals", "dealersandbrokers": "dealers",
    "pensionandretirementfundsandinsco": "pensions_insurers", "investmentfunds": "investment_funds",
    "foreignandinternational": "foreign", "other": "other",
}
_UNITS = {"thousands": 1e-6, "millions": 1e-3, "billions": 1.0}
COLUMNS = ["cusip", "issue_date", "tenor", "public_bn", *(f"{c}_pct" for c in CLASSES), "source"]
KEY = ("cusip", "issue_date")
_SHARES = tuple(f"{c}_pct" for c in CLASSES)
RULES = Rules(
    bounds=(Bound(_SHARES, 0.0, 100.0, "a share in percent"), Bound(("public_bn",), 0.0, 1000.0, "$ billions")),
    spans=(Span(("issue_date",), "2000-01-01"),),  # the investor-class series begins in 2000
    totals=(Total(_SHARES, 100.0, 0.05),),  # the compiled shares sum to 100 within 0.020 at worst
    cusips=("cusip",), key=KEY,
)


def _norm(label: object) -> str:
    return re.sub(r"[^a-z]", "", str(label).lower())


def _parse_compiled(text: str, location: str) -> pd.DataFrame:
    frame = read_csv(text, source=SOURCE, location=location, required=("issue_date", "tenor", "cusip", *COMPILED))
    kw = {"source": SOURCE, "location": location}
    out = pd.DataFrame(index=frame.index)
    out["cusip"] = frame["cusip"].str.strip().str.upper()
    out["issue_date"] = dates(frame, "issue_date", fmt="%Y-%m-%d", **kw)
    out["tenor"] = [canonical_tenor("nominal", t.strip()) for t in frame["tenor"]]
    out["public_bn"] = number_columns(frame, ["public_size_bn"], **kw)[:, 0] if "public_size_bn" in frame else np.nan
    out[[f"{cls}_pct" for cls in COMPILED.values()]] = number_columns(frame, list(COMPILED), **kw)
    out["source"] = "compiled"
    check(out, RULES, lines=frame[LINE], **kw)
    return out


def tidy_official(sheet: pd.DataFrame, location: str) -> pd.DataFrame:
    """The official spreadsheet's cells (no header, as read) -> ``allotments`` rows (coupons only)."""
    header_row = next(
        (i for i in range(min(len(sheet), 40))
         if {"issuedate", "cusip"} <= {_norm(v) for v in sheet.iloc[i].tolist()}),
        None,
    )
    if header_row is None:
        raise DataFormatError(SOURCE, location, "no header row with 'Issue Date' and 'CUSIP'; expected the IC-Coupons spreadsheet")
    title = " ".join(str(v) for v in sheet.iloc[:header_row].to_numpy().ravel() if isinstance(v, str)).lower()
    scale = next((f for unit, f in _UNITS.items() if unit in title), np.nan)
    header = [_norm(v) for v in sheet.iloc[header_row].tolist()]
    body = sheet.iloc[header_row + 1:].reset_index(drop=True)
    body.columns = header
    missing = [c for c in ("issuedate", "cusip", "totalissue", "federalreservebanks", *OFFICIAL) if c not in header]
    if missing:
        raise DataFormatError(SOURCE, f"{location} row {header_row + 1}", f"missing column(s) {', '.join(missing)}")
    body = body[body["cusip"].astype(str).str.strip().str.len() == 9].reset_index(drop=True)
    lines = pd.Series(body.index + header_row + 2)
    strings = body.astype(str).apply(lambda col: col.str.strip())
    strings["_line"] = lines
    kw = {"source": SOURCE, "location": location}
    issue = pd.to_datetime(body["issuedate"], errors="coerce")
    if issue.isna().any():
        i = int(issue.isna().to_numpy().nonzero()[0][0])
        raise DataFormatError(SOURCE, f"{location} row {lines.iloc[i]}", f"Issue Date {body['issuedate'].iloc[i]!r}: expected a date")
    total, reserve_banks = number_columns(strings, ["totalissue", "federalreservebanks"], **kw).T
    public = pd.Series(total - np.nan_to_num(reserve_banks), index=strings.index)
    out = pd.DataFrame({"cusip": strings["cusip"].str.upper(), "issue_date": issue})
    out["tenor"] = _official_tenors(strings, issue)
    out["public_bn"] = public * scale
    shares = number_columns(strings, list(OFFICIAL), **kw) / public.where(public > 0).to_numpy()[:, None] * 100.0
    out[[f"{cls}_pct" for cls in OFFICIAL.values()]] = shares
    out["source"] = "treasury"
    check(out, RULES, lines=[f"row {n}" for n in lines], **kw)
    return out


def _official_tenors(strings: pd.DataFrame, issue: pd.Series) -> list[str | None]:
    """Tenor codes: from 'Security Term' when the sheet has it (2000-2009), else the original term
    nearest to maturity minus issue date (a 29-year 11-month reopening is a 30-year bond)."""
    kind = pd.Series("nominal", index=strings.index)
    if "securitytype" in strings:
        security = strings["securitytype"].str.lower()
        kind = kind.mask(security.str.contains("tips|inflation"), "tips").mask(security.str.contains("frn|floating"), "frn")
    if "securityterm" in strings:
        return [canonical_tenor(k, re.sub(r"(?i)\s*(note|bond)s?$", "", t)) for k, t in zip(kind, strings["securityterm"])]
    maturity = pd.to_datetime(strings.get("maturitydate"), errors="coerce")
    years = (maturity - issue).dt.days / 365.25
    standard = np.array([2, 3, 5, 7, 10, 20, 30])
    nearest = standard[np.abs(years.to_numpy()[:, None] - standard[None, :]).argmin(axis=1)]
    return [canonical_tenor(k, f"{n}-Year") if y == y else None for k, n, y in zip(kind, nearest, years)]


def parse(data: bytes, location: str) -> Parsed:
    """Parse the official spreadsheet or the compiled CSV into ``allotments`` rows."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or data[:4] == b"PK\x03\x04":
        frame = tidy_official(read_workbook(data, source=SOURCE, location=location), location)
    else:
        text = decode(data, source=SOURCE, location=location, expected="the IC-Coupons spreadsheet or the compiled CSV")
        frame = _parse_compiled(text, location)
    if frame.empty:
        raise DataFormatError(SOURCE, location, "no allotment rows")
    vintage = f"allotments through issue date {frame['issue_date'].max():%Y-%m-%d}"
    return Parsed("allotments", frame[COLUMNS], KEY, vintage)


def fetch(client: httpx.Client) -> list[Fetched]:
    """The current coupon spreadsheet, found from its link on the Investor Class page."""
    page = http.get(PAGE_URL, source=SOURCE, client=client)
    match = re.search(r'href="([^"]*IC-Coupons\.xls[x]?)"', page.text, re.I)
    if not match:
        raise DataFormatError(SOURCE, PAGE_URL, "no link to an ...IC-Coupons.xls spreadsheet on the page")
    url = match.group(1) if match.group(1).startswith("http") else SITE + match.group(1)
    response = http.get(url, source=SOURCE, client=client)
    return [Fetched(str(response.url), response.content, datetime.now(timezone.utc))]
