"""TreasuryDirect auction results XML (``R_YYYYMMDD_N.xml``): each auction's results the minute they are out.

Treasury publishes one XML file per auction at
``https://www.treasurydirect.gov/xml/R_<auction date YYYYMMDD>_<N>.xml``, N = 1, 2, ... in the
order the day's results were released (the number does not encode the security: _1 may be a bill
and _3 a bond). A number that is not published answers HTTP 404, so the day's files are probed
from _1 upwards until the first 404.

Layout (schema ``Auction_v1_0_0.xsd``; the root element is namespaced, its children are not)::

    <td:AuctionData xmlns:td="http://www.treasurydirect.gov/">
      <AuctionAnnouncement>
        <SecurityTermWeekYear>29-YEAR</SecurityTermWeekYear>   years or weeks
        <SecurityTermDayMonth>11-MONTH</SecurityTermDayMonth>  months or days ("0-MONTH" if none)
        <SecurityType>BOND</SecurityType>                      BILL | NOTE | BOND (| CMB)
        <CUSIP>912810UK2</CUSIP>
        <AuctionDate>2025-06-12</AuctionDate>  <IssueDate>..</IssueDate>  <MaturityDate>..</MaturityDate>
        <OfferingAmount>22.0</OfferingAmount>                  billions of dollars (see below)
        <ReOpeningIndicator>Y</ReOpeningIndicator>             Y | N
        <InflationIndexSecurity>N</InflationIndexSecurity>     Y for TIPS
        <FloatingRate>N</FloatingRate>                         Y for FRNs
        ... (closing times, bid limits, SOMA holdings, PDF name, ...)
      </AuctionAnnouncement>
      <AuctionResults>
        <PrimaryDealerAccepted>, <DirectBidderAccepted>, <IndirectBidderAccepted>,
        <CompetitiveAccepted>, <NonCompetitiveAccepted>, <SOMAAccepted>, <FIMAAccepted>,
        <TotalTendered>, <TotalAccepted>                      US dollars
        <BidToCoverRatio>                                      total tendered / total accepted, excl. SOMA
        <HighYield>, <MedianYield>, <LowYield>                 notes and bonds, percent
        <HighDiscountRate>, <MedianDiscountRate>, <LowDiscountRate>, <InvestmentRate>   bills, percent
        <ReleaseTime>, <ResultsPDFName>, ...
      </AuctionResults>
    </td:AuctionData>

Element names were checked against published files quoted in public code (e.g. the 2008-04-07
26-week bill announcement, 2020-03-16 13-week bill results). Units: amounts in US dollars except
``OfferingAmount``, which the files give in billions ("21.0" for $21bn); a value of a million or
more is read as dollars, so both spellings import correctly. Bills carry no ``HighYield``: their
``high_yield`` is the ``InvestmentRate`` (the coupon-equivalent of the high discount rate), as in
Fiscal Data; their median and low rates are published on a discount basis only and are left empty
rather than mixed with investment rates. A reopening's original term is not in the file (a 2-year
cycle auction may reopen a 5-year note): it is left empty, for Fiscal Data or the security's first
auction to fill. The tenor is the auction cycle of the term auctioned (``tenors.auction_cycle``).
A bill whose term is given in days only (``0-WEEK`` / ``42-DAY``) is a cash management bill.

Rows get ``source='treasurydirect'``, the highest priority when sources are merged.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import AUCTIONS, check
from bondwatch.sources.formats import NULL_TOKENS, decode, to_number
from bondwatch.tenors import auction_cycle

SOURCE = "treasurydirect"
PUBLISHER = "TreasuryDirect auction results XML"
URL = "https://www.treasurydirect.gov/xml/R_{day:%Y%m%d}_{number}.xml"
MAX_FILES_PER_DAY = 40  # bound on the probe loop, far above the number of auctions held on one day
RECENT_DAYS = 7
EASTERN = "America/New_York"
OFFERING_BILLIONS_BELOW = 1e6  # OfferingAmount under this is in billions of dollars
KEY = ("source", "cusip", "auction_date")
COLUMNS = (
    "source", "cusip", "auction_date", "kind", "security_type", "security_term", "original_term",
    "tenor", "reopening", "issue_date", "maturity_date", "offering_usd", "total_tendered_usd",
    "total_accepted_usd", "comp_accepted_usd", "dealer_accepted_usd", "direct_accepted_usd",
    "indirect_accepted_usd", "soma_accepted_usd", "high_yield", "median_yield", "low_yield",
    "bid_to_cover", "dealer_pct", "direct_pct", "indirect_pct",
)
AMOUNTS = {  # AuctionResults element -> column, US dollars
    "TotalTendered": "total_tendered_usd",
    "TotalAccepted": "total_accepted_usd",
    "CompetitiveAccepted": "comp_accepted_usd",
    "PrimaryDealerAccepted": "dealer_accepted_usd",
    "DirectBidderAccepted": "direct_accepted_usd",
    "IndirectBidderAccepted": "indirect_accepted_usd",
    "SOMAAccepted": "soma_accepted_usd",
}
ELEMENTS = {  # column -> the element it is read from, where the units agree
    **{column: element for element, column in AMOUNTS.items()}, "cusip": "CUSIP", "auction_date": "AuctionDate",
    "issue_date": "IssueDate", "maturity_date": "MaturityDate", "high_yield": "HighYield",
    "median_yield": "MedianYield", "low_yield": "LowYield", "bid_to_cover": "BidToCoverRatio",
}
SECURITY_TYPES = {"BILL": "Bill", "CMB": "CMB", "NOTE": "Note", "BOND": "Bond", "TIPS": "Note", "FRN": "Note"}
_TERM_TOKEN = re.compile(r"(\d+)-(YEAR|MONTH|WEEK|DAY)S?")
_CUSIP = re.compile(r"[0-9A-Z]{9}")
_TERM_FIELDS = "<SecurityTermWeekYear>/<SecurityTermDayMonth>"


def _fail(location: str, section: str, problem: str) -> DataFormatError:
    return DataFormatError(PUBLISHER, f"{location} <{section}>" if section else location, problem)


def _local(tag: object) -> str:
    """Element name without its namespace: '{http://www.treasurydirect.gov/}AuctionData' -> 'AuctionData'."""
    return str(tag).rsplit("}", 1)[-1]


def _read_root(text: str, location: str):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        return ElementTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        problem = f"refused unsafe XML ({type(exc).__name__}: entities or DTDs are not allowed)"
        raise _fail(location, "", problem) from None
    except (ElementTree.ParseError, LookupError) as exc:  # LookupError: an unknown declared encoding
        problem = f"malformed or truncated XML ({exc}); expected an R_YYYYMMDD_N.xml results file"
        raise _fail(location, "", problem) from None


def _sections(root, location: str) -> tuple[dict[str, str], dict[str, str]]:
    """The text of every child of AuctionAnnouncement and of AuctionResults."""
    if _local(root.tag) != "AuctionData":
        raise _fail(location, "", f"root element <{_local(root.tag)}>: expected <AuctionData>")
    found = {_local(child.tag): child for child in root}
    for name in ("AuctionAnnouncement", "AuctionResults"):
        if name not in found:
            hint = " (an announcement A_ file, or results not yet released?)" if name == "AuctionResults" else ""
            raise _fail(location, "AuctionData", f"no <{name}> element{hint}")
    announcement, results = (
        {_local(e.tag): (e.text or "").strip() for e in found[name]}
        for name in ("AuctionAnnouncement", "AuctionResults")
    )
    return announcement, results


def _text(fields: dict[str, str], name: str) -> str | None:
    value = fields.get(name, "")
    return None if value in NULL_TOKENS else value


def _required(fields: dict[str, str], name: str, section: str, location: str) -> str:
    value = _text(fields, name)
    if value is None:
        raise _fail(location, section, f"missing or empty <{name}>; every results file has one")
    return value


def _number(fields: dict[str, str], name: str, section: str, location: str, what: str) -> float:
    value = _text(fields, name)
    if value is None:
        return np.nan
    try:
        return to_number(value, what)
    except ValueError as exc:
        raise _fail(location, section, f"<{name}> = {value!r}: expected {exc}") from None


def _date(fields: dict[str, str], name: str, section: str, location: str) -> pd.Timestamp | None:
    value = _text(fields, name)
    if value is None:
        return None
    try:
        return pd.Timestamp(date.fromisoformat(value[:10]))
    except ValueError:
        raise _fail(location, section, f"<{name}> = {value!r}: expected a date as YYYY-MM-DD") from None


def _flag(fields: dict[str, str], name: str, section: str, location: str) -> bool | None:
    value = _text(fields, name)
    if value is None:
        return None
    mapped = {"Y": True, "YES": True, "N": False, "NO": False}.get(value.upper())
    if mapped is None:
        raise _fail(location, section, f"<{name}> = {value!r}: expected Y or N")
    return mapped


def _term(announcement: dict[str, str], location: str) -> dict[str, int]:
    """{'YEAR': 29, 'MONTH': 11} from SecurityTermWeekYear='29-YEAR', SecurityTermDayMonth='11-MONTH'."""
    parts: dict[str, int] = {}
    for name in ("SecurityTermWeekYear", "SecurityTermDayMonth"):
        value = _text(announcement, name)
        if value is None:
            continue
        for token in value.upper().split():
            match = _TERM_TOKEN.fullmatch(token)
            if not match:
                raise _fail(
                    location, "AuctionAnnouncement",
                    f"<{name}> = {value!r}: expected a term like '30-YEAR', '11-MONTH', '13-WEEK' or '42-DAY'",
                )
            parts.setdefault(match.group(2), int(match.group(1)))
    return {unit: n for unit, n in parts.items() if n > 0}


def _kind_and_terms(announcement: dict[str, str], location: str) -> tuple[str, str, str, str | None, bool | None]:
    """(kind, security type, term as auctioned, original term (None for a reopening), reopening)."""
    section = "AuctionAnnouncement"
    raw_type = _required(announcement, "SecurityType", section, location).upper()
    if raw_type not in SECURITY_TYPES:
        raise _fail(location, section, f"<SecurityType> = {raw_type!r}: expected BILL, NOTE, BOND, CMB, TIPS or FRN")
    parts = _term(announcement, location)
    reopening = _flag(announcement, "ReOpeningIndicator", section, location)
    if raw_type in ("BILL", "CMB"):
        if "WEEK" in parts:
            term = f"{parts['WEEK']}-Week"
        elif "DAY" in parts:
            term = f"{parts['DAY']}-Day"
        else:
            raise _fail(location, section, f"no bill term in {_TERM_FIELDS} (e.g. 13-WEEK, 42-DAY)")
        kind = "cmb" if raw_type == "CMB" or "WEEK" not in parts else "bill"
        return kind, SECURITY_TYPES["CMB" if kind == "cmb" else "BILL"], term, None if reopening else term, reopening
    years, months = parts.get("YEAR", 0), parts.get("MONTH", 0)
    if not years and not months:
        raise _fail(location, section, f"no term in {_TERM_FIELDS} (e.g. 10-YEAR, 0-MONTH)")
    term = " ".join(p for p in (f"{years}-Year" if years else "", f"{months}-Month" if months else "") if p)
    original = None if reopening else term
    kind = "nominal"
    if raw_type == "TIPS" or _flag(announcement, "InflationIndexSecurity", section, location):
        kind = "tips"
    if raw_type == "FRN" or _flag(announcement, "FloatingRate", section, location):
        kind = "frn"
    return kind, SECURITY_TYPES[raw_type], term, original, reopening


def _offering_usd(announcement: dict[str, str], location: str) -> float:
    value = _number(announcement, "OfferingAmount", "AuctionAnnouncement", location, "an amount (billions of dollars)")
    return value * 1e9 if value < OFFERING_BILLIONS_BELOW else value


def parse(data: bytes, location: str) -> Parsed:
    """Parse one ``R_YYYYMMDD_N.xml`` results file into one ``auction_results`` row (source 'treasurydirect').

    Amounts in US dollars, yields in percent, shares in percent of competitive accepted.
    """
    text = decode(data, source=PUBLISHER, location=location, expected="an auction results XML file")
    announcement, results = _sections(_read_root(text, location), location)
    ann, res = "AuctionAnnouncement", "AuctionResults"
    cusip = _required(announcement, "CUSIP", ann, location).upper()
    if not _CUSIP.fullmatch(cusip):
        raise _fail(location, ann, f"<CUSIP> = {cusip!r}: expected 9 letters or digits")
    auction_date = _date(announcement, "AuctionDate", ann, location)
    if auction_date is None:
        raise _fail(location, ann, "missing or empty <AuctionDate>; every results file has one")
    kind, security_type, term, original, reopening = _kind_and_terms(announcement, location)
    row: dict[str, object] = {
        "source": SOURCE,
        "cusip": cusip,
        "auction_date": auction_date,
        "kind": kind,
        "security_type": security_type,
        "security_term": term,
        "original_term": original,
        "tenor": auction_cycle(kind, term),
        "reopening": reopening,
        "issue_date": _date(announcement, "IssueDate", ann, location),
        "maturity_date": _date(announcement, "MaturityDate", ann, location),
        "offering_usd": _offering_usd(announcement, location),
    }
    for element, column in AMOUNTS.items():
        row[column] = _number(results, element, res, location, "an amount in dollars")
    rate = "a rate in percent"
    row["high_yield"] = _number(results, "HighYield", res, location, rate)
    if np.isnan(row["high_yield"]) and kind in ("bill", "cmb"):
        row["high_yield"] = _number(results, "InvestmentRate", res, location, rate)
    row["median_yield"] = _number(results, "MedianYield", res, location, rate)
    row["low_yield"] = _number(results, "LowYield", res, location, rate)
    row["bid_to_cover"] = _number(results, "BidToCoverRatio", res, location, "a ratio such as 2.43")
    if np.isnan(row["bid_to_cover"]) and np.isnan(row["comp_accepted_usd"]):
        raise _fail(location, res, "neither <BidToCoverRatio> nor <CompetitiveAccepted>: the results are empty")
    comp = row["comp_accepted_usd"]
    for who in ("dealer", "direct", "indirect"):
        accepted = row[f"{who}_accepted_usd"]
        row[f"{who}_pct"] = accepted / comp * 100.0 if comp and comp > 0 else np.nan
    frame = pd.DataFrame([row], columns=list(COLUMNS))
    frame["reopening"] = frame["reopening"].astype("boolean")
    for column in ("auction_date", "issue_date", "maturity_date"):
        frame[column] = pd.to_datetime(frame[column])
    check(frame, AUCTIONS, source=PUBLISHER, location=location, lines=["<AuctionData>"], names=ELEMENTS)
    vintage = f"results of the {auction_date.date().isoformat()} auction of {cusip}"
    return Parsed("auction_results", frame, KEY, vintage)


def today_eastern() -> date:
    """Today's date in US Eastern time, the calendar Treasury auctions run on."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(EASTERN)).date()


def fetch_day(client: httpx.Client, day: date, *, first: int = 1) -> list[Fetched]:
    """The results files published for auctions on ``day``: R_<day>_<first>.xml onwards, until a 404."""
    fetched: list[Fetched] = []
    for number in range(first, MAX_FILES_PER_DAY + 1):
        url = URL.format(day=day, number=number)
        response = http.get(url, source=PUBLISHER, client=client, allow_404=True)
        if response.status_code == 404:
            break
        fetched.append(Fetched(url, response.content, datetime.now(timezone.utc)))
    return fetched


def fetch(client: httpx.Client, *, days: int = RECENT_DAYS, today: date | None = None) -> list[Fetched]:
    """The results files of the last ``days`` days (today, US Eastern, included), oldest first."""
    end = today or today_eastern()
    fetched: list[Fetched] = []
    for back in range(days - 1, -1, -1):
        fetched.extend(fetch_day(client, end - timedelta(days=back)))
    return fetched
