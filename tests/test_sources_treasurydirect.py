"""TreasuryDirect results XML (R_YYYYMMDD_N.xml): parsing, bad input, fetching a day's files.

The main replay is a FORMAT REPLAY of published figures: the official R_ file layout
(root ``td:AuctionData``, ``AuctionAnnouncement`` + ``AuctionResults``) filled with Treasury's
published results of the 2025-06-12 30-year bond reopening, CUSIP 912810UK2 (results release
R_20250612_3; the same figures are in Fiscal Data auctions_query and ../shared/data/README.md).
Elements whose published value bondwatch cannot check offline (TotalTendered, tendered amounts,
closing times, ...) are left out rather than made up.
"""

from __future__ import annotations

from datetime import date

import httpx
import pandas as pd
import pytest

from bondwatch import http
from bondwatch.errors import DataFormatError, SourceUnavailableError
from bondwatch.sources import treasurydirect
from bondwatch.sources.registry import by_name

DAY = date(2025, 6, 12)
URL = "https://www.treasurydirect.gov/xml/R_20250612_3.xml"

# published figures of the 2025-06-12 30-year reopening (912810UK2)
ANNOUNCEMENT_30Y = {
    "SecurityTermWeekYear": "29-YEAR",
    "SecurityTermDayMonth": "11-MONTH",
    "SecurityType": "BOND",
    "CUSIP": "912810UK2",
    "AnnouncementDate": "2025-06-05",
    "AuctionDate": "2025-06-12",
    "IssueDate": "2025-06-16",
    "MaturityDate": "2055-05-15",
    "OfferingAmount": "22.0",  # billions of dollars, as the XML files state it
    "ReOpeningIndicator": "Y",
    "InflationIndexSecurity": "N",
    "FloatingRate": "N",
}
RESULTS_30Y = {
    "PrimaryDealerAccepted": "2507004000",
    "DirectBidderAccepted": "5145200000",
    "IndirectBidderAccepted": "14313193000",
    "CompetitiveAccepted": "21965397000",
    "SOMAAccepted": "395645000",
    "TotalAccepted": "22395657700",
    "BidToCoverRatio": "2.43",
    "HighYield": "4.844",
    "MedianYield": "4.800",
    "ResultsPDFName": "R_20250612_3.pdf",
}


def results_xml(
    announcement: dict[str, str] | None = None,
    results: dict[str, str] | None = None,
    *,
    root: str = "td:AuctionData",
    prolog: str = "",
) -> bytes:
    """An R_ file in the official layout; defaults to the published 2025-06-12 30-year results."""
    def block(tag: str, fields: dict[str, str] | None) -> str:
        if fields is None:
            return ""
        body = "\n".join(f"    <{k}>{v}</{k}>" if v != "" else f"    <{k}/>" for k, v in fields.items())
        return f"  <{tag}>\n{body}\n  </{tag}>\n"

    announcement = ANNOUNCEMENT_30Y if announcement is None else announcement
    results = RESULTS_30Y if results is None else results
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        f'<{root} xmlns:td="http://www.treasurydirect.gov/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.treasurydirect.gov/ http://www.treasurydirect.gov/xsd/Auction_v1_0_0.xsd">\n'
        + block("AuctionAnnouncement", announcement)
        + block("AuctionResults", results)
        + f"</{root}>\n"
    ).encode()


def replay_client(files: dict[str, bytes], log: list[str] | None = None) -> httpx.Client:
    """A client answering the given URLs with their bytes and anything else with 404."""
    def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(str(request.url))
        content = files.get(str(request.url))
        return httpx.Response(200, content=content) if content is not None else httpx.Response(404, text="Not Found")

    return httpx.Client(transport=httpx.MockTransport(handler))


def one_row(data: bytes) -> pd.Series:
    parsed = treasurydirect.parse(data, URL)
    assert parsed.table == "auction_results" and parsed.key == ("source", "cusip", "auction_date")
    assert len(parsed.frame) == 1
    return parsed.frame.iloc[0]


def test_published_30y_reopening_parses_to_its_published_figures():
    row = one_row(results_xml())
    assert row["source"] == "treasurydirect"
    assert row["cusip"] == "912810UK2"
    assert row["auction_date"] == pd.Timestamp("2025-06-12")
    assert row["issue_date"] == pd.Timestamp("2025-06-16")
    assert row["maturity_date"] == pd.Timestamp("2055-05-15")
    assert (row["kind"], row["security_type"], row["tenor"]) == ("nominal", "Bond", "30y")
    # the file does not say what term a reopened security was first issued with
    assert (row["security_term"], row["original_term"]) == ("29-Year 11-Month", None)
    assert bool(row["reopening"]) is True  # bool(pd.NA) would raise
    assert row["offering_usd"] == 22_000_000_000
    assert row["comp_accepted_usd"] == 21_965_397_000
    assert row["soma_accepted_usd"] == 395_645_000
    assert row["total_accepted_usd"] == 22_395_657_700
    assert (row["high_yield"], row["median_yield"], row["bid_to_cover"]) == (4.844, 4.8, 2.43)
    assert pd.isna(row["low_yield"]) and pd.isna(row["total_tendered_usd"])
    # shares of competitive accepted: 2,507,004,000 / 21,965,397,000 = 11.41% ...
    assert round(row["dealer_pct"], 2) == 11.41
    assert round(row["direct_pct"], 2) == 23.42
    assert round(row["indirect_pct"], 2) == 65.16
    assert row["dealer_pct"] + row["direct_pct"] + row["indirect_pct"] == pytest.approx(100.0)


def test_columns_match_the_auction_results_table():
    from bondwatch.store.schema import TABLES

    parsed = treasurydirect.parse(results_xml(), URL)
    ddl = TABLES["auction_results"]
    assert all(f" {c} " in ddl for c in parsed.frame.columns)
    for column in ("auction_date", "issue_date", "maturity_date"):
        assert pd.api.types.is_datetime64_any_dtype(parsed.frame[column])
    assert parsed.vintage == "results of the 2025-06-12 auction of 912810UK2"


def test_offering_amount_in_dollars_is_read_as_dollars():
    row = one_row(results_xml({**ANNOUNCEMENT_30Y, "OfferingAmount": "22000000000"}))
    assert row["offering_usd"] == 22_000_000_000


def test_new_issue_keeps_its_term_and_date_times_are_accepted():
    fields = {**ANNOUNCEMENT_30Y, "SecurityTermWeekYear": "30-YEAR", "SecurityTermDayMonth": "0-MONTH",
              "ReOpeningIndicator": "N", "AuctionDate": "2025-06-12T00:00:00"}
    row = one_row(results_xml(fields))
    assert (row["security_term"], row["original_term"], row["tenor"]) == ("30-Year", "30-Year", "30y")
    assert row["auction_date"] == pd.Timestamp("2025-06-12")
    assert bool(row["reopening"]) is False


@pytest.mark.parametrize(
    ("week_year", "day_month", "tenor"),
    [("9-YEAR", "10-MONTH", "10y"), ("19-YEAR", "11-MONTH", "20y"), ("29-YEAR", "6-MONTH", "30y"),
     ("1-YEAR", "10-MONTH", "2y"), ("2-YEAR", "0-MONTH", "2y"), ("5-YEAR", "0-MONTH", "5y")],
)
def test_reopening_is_filed_under_the_cycle_of_the_term_auctioned(week_year, day_month, tenor):
    # e.g. 2-YEAR: a 5-year note reopened in a 2-year cycle auction (2026-01-26, 91282CGH8)
    row = one_row(results_xml({**ANNOUNCEMENT_30Y, "SecurityTermWeekYear": week_year, "SecurityTermDayMonth": day_month}))
    assert (row["original_term"], row["tenor"]) == (None, tenor)


def test_flags_give_tips_and_frn_kinds():
    # format check of the flags only (figures are the 30-year's, not a TIPS or FRN auction)
    tips = one_row(results_xml({**ANNOUNCEMENT_30Y, "InflationIndexSecurity": "Y"}))
    frn = one_row(results_xml({**ANNOUNCEMENT_30Y, "FloatingRate": "Y"}))
    assert (tips["kind"], tips["tenor"]) == ("tips", "30y-tips")
    assert (frn["kind"], frn["tenor"]) == ("frn", "30y-frn")


# 13-week bill, 2020-03-16 (CUSIP 912796SV2), figures as quoted from that day's results release in
# public test code. Checked here by arithmetic only: price 100 * (1 - 0.00290 * 91 / 360) = 99.926694,
# investment rate 365 * 0.0029 / (360 - 0.0029 * 91) = 0.294%, and the bidder classes sum to the
# competitive accepted amount. Not in ../shared/data (the mirror holds notes and bonds only).
BILL_ANNOUNCEMENT = {
    "SecurityTermWeekYear": "13-WEEK", "SecurityTermDayMonth": "91-DAY", "SecurityType": "BILL",
    "CUSIP": "912796SV2", "AuctionDate": "2020-03-16", "IssueDate": "2020-03-19", "MaturityDate": "2020-06-18",
}
BILL_RESULTS = {
    "PrimaryDealerAccepted": "20608050000", "DirectBidderAccepted": "1302480000",
    "IndirectBidderAccepted": "18499004000", "CompetitiveAccepted": "40409534000",
    "SOMAAccepted": "1438976400", "TotalTendered": "109614749300", "TotalAccepted": "43439019300",
    "BidToCoverRatio": "2.58", "LowDiscountRate": "0.100", "HighDiscountRate": "0.290",
    "MedianDiscountRate": "0.200", "HighPrice": "99.926694", "InvestmentRate": "0.294",
}


def test_bill_high_yield_is_the_investment_rate_and_discount_medians_are_not_mixed_in():
    row = one_row(results_xml(BILL_ANNOUNCEMENT, BILL_RESULTS))
    assert (row["kind"], row["security_type"], row["security_term"], row["tenor"]) == ("bill", "Bill", "13-Week", "13w")
    assert row["high_yield"] == 0.294
    assert pd.isna(row["median_yield"]) and pd.isna(row["low_yield"])
    assert row["total_tendered_usd"] == 109_614_749_300
    assert round(row["dealer_pct"], 2) == 51.00  # 20,608,050,000 / 40,409,534,000
    assert round(row["indirect_pct"], 2) == 45.78


def test_bill_with_a_term_in_days_only_is_a_cash_management_bill():
    # format check: a 42-day term written the way TreasuryDirect writes CMB terms (0-WEEK)
    row = one_row(results_xml({**BILL_ANNOUNCEMENT, "SecurityTermWeekYear": "0-WEEK", "SecurityTermDayMonth": "42-DAY"}, BILL_RESULTS))
    assert (row["kind"], row["security_type"], row["security_term"], row["tenor"]) == ("cmb", "CMB", "42-Day", "42d-cmb")


BOMB = (
    '<!DOCTYPE AuctionData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (results_xml()[:400], "malformed or truncated XML"),
        (b"<!DOCTYPE html><html><head><title>Page Not Found</title></head><body>Sorry</body></html>",
         "got an HTML page"),
        (results_xml(prolog=BOMB), "refused unsafe XML (EntitiesForbidden"),
        (b"", "the file is empty"),
        (results_xml({k: v for k, v in ANNOUNCEMENT_30Y.items() if k != "CUSIP"}),
         "<AuctionAnnouncement>: missing or empty <CUSIP>"),
        (results_xml({**ANNOUNCEMENT_30Y, "CUSIP": "912810"}), "<CUSIP> = '912810': expected 9 letters or digits"),
        (results_xml({k: v for k, v in ANNOUNCEMENT_30Y.items() if k != "AuctionDate"}), "missing or empty <AuctionDate>"),
        (results_xml({**ANNOUNCEMENT_30Y, "AuctionDate": "06/12/2025"}), "<AuctionDate> = '06/12/2025': expected a date as YYYY-MM-DD"),
        (results_xml(results={**RESULTS_30Y, "HighYield": "4.84x"}), "<AuctionResults>: <HighYield> = '4.84x': expected a rate in percent"),
        (results_xml(results={**RESULTS_30Y, "CompetitiveAccepted": "n/a21"}), "<CompetitiveAccepted> = 'n/a21': expected an amount in dollars"),
        (results_xml({**ANNOUNCEMENT_30Y, "SecurityType": "STOCK"}), "<SecurityType> = 'STOCK': expected BILL, NOTE, BOND"),
        (results_xml({**ANNOUNCEMENT_30Y, "SecurityTermWeekYear": "thirty years"}), "<SecurityTermWeekYear> = 'thirty years': expected a term like"),
        (results_xml({**ANNOUNCEMENT_30Y, "ReOpeningIndicator": "maybe"}), "<ReOpeningIndicator> = 'maybe': expected Y or N"),
        (results_xml(results={}), "neither <BidToCoverRatio> nor <CompetitiveAccepted>"),
        (results_xml().replace(b"<AuctionResults>", b"<Results>").replace(b"</AuctionResults>", b"</Results>"),
         "no <AuctionResults> element (an announcement A_ file, or results not yet released?)"),
        (results_xml(root="td:AuctionCalendar"), "root element <AuctionCalendar>: expected <AuctionData>"),
    ],
)
def test_bad_input_is_a_one_line_data_format_error(data, expected):
    with pytest.raises(DataFormatError) as caught:
        treasurydirect.parse(data, URL)
    message = str(caught.value)
    assert expected in message
    assert message.startswith(f"TreasuryDirect auction results XML: {URL}")
    assert "\n" not in message


def test_fetch_day_reads_files_until_the_first_404():
    files = {
        "https://www.treasurydirect.gov/xml/R_20250612_1.xml": results_xml(BILL_ANNOUNCEMENT, BILL_RESULTS),
        "https://www.treasurydirect.gov/xml/R_20250612_2.xml": results_xml(),
    }
    log: list[str] = []
    with replay_client(files, log) as client:
        fetched = treasurydirect.fetch_day(client, DAY)
    assert [f.location for f in fetched] == list(files)
    assert [f.data for f in fetched] == list(files.values())
    assert log == [*files, "https://www.treasurydirect.gov/xml/R_20250612_3.xml"]
    with replay_client(files, log := []) as client:
        later = treasurydirect.fetch_day(client, DAY, first=2)
    assert [f.location for f in later] == ["https://www.treasurydirect.gov/xml/R_20250612_2.xml"]


def test_a_500_is_retried_then_the_file_is_read(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_MULTIPLIER", 0)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("_1.xml"):
            return httpx.Response(500) if calls.count(request.url.path) == 1 else httpx.Response(200, content=results_xml())
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = treasurydirect.fetch_day(client, DAY)
    assert len(fetched) == 1
    assert calls == ["/xml/R_20250612_1.xml", "/xml/R_20250612_1.xml", "/xml/R_20250612_2.xml"]
    assert treasurydirect.parse(fetched[0].data, fetched[0].location).frame["cusip"].tolist() == ["912810UK2"]


def test_other_http_errors_still_raise(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_MULTIPLIER", 0)
    forbidden = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(403)))
    with forbidden, pytest.raises(SourceUnavailableError, match=r"HTTP 403 from https://www.treasurydirect.gov/xml/R_20250612_1.xml"):
        treasurydirect.fetch_day(forbidden, DAY)
    failing = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    with failing, pytest.raises(SourceUnavailableError, match=r"HTTP 503 .* after 4 attempts"):
        treasurydirect.fetch_day(failing, DAY)


def test_fetch_covers_the_last_seven_days():
    log: list[str] = []
    files = {"https://www.treasurydirect.gov/xml/R_20250612_1.xml": results_xml()}
    with replay_client(files, log) as client:
        fetched = treasurydirect.fetch(client, today=date(2025, 6, 13))
    assert [f.location for f in fetched] == list(files)
    days = sorted({url.split("R_")[1][:8] for url in log})
    assert days == ["20250607", "20250608", "20250609", "20250610", "20250611", "20250612", "20250613"]


def test_registered_and_imported_from_a_mirror_folder(tmp_path, monkeypatch):
    from bondwatch.service.auctions import auction_history
    from bondwatch.service.update import update

    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    dataset = by_name("treasurydirect.results")
    assert dataset.mirror_globs == ("treasury/auctions/R_*.xml",)
    folder = tmp_path / "mirror" / "treasury" / "auctions"
    folder.mkdir(parents=True)
    (folder / "R_20250612_3.xml").write_bytes(results_xml())
    report = update(from_dir=tmp_path / "mirror", only=["treasurydirect"])
    assert report[["dataset", "rows", "status"]].values.tolist() == [["treasurydirect.results", 1, "imported"]]
    history = auction_history()
    assert history["cusip"].tolist() == ["912810UK2"]
    assert history["bid_to_cover"].tolist() == [2.43]
