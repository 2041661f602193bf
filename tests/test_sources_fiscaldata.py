"""Fiscal Data auctions_query: replayed API pages (official JSON layout), CSV exports, failures."""

from __future__ import annotations

import json

import httpx
import pytest

from bondwatch import http
from bondwatch.errors import DataFormatError, SourceUnavailableError
from bondwatch.sources import fiscaldata

# A format replay of the API: the layout of auctions_query JSON (values are strings, "null" for
# missing), carrying the published results of the 2025-06-12 30-year reopening (912810UK2) and,
# on a second page, the 2025-06-11 10-year reopening (91282CNC1).
UK2 = {
    "record_date": "2025-06-12", "cusip": "912810UK2", "security_type": "Bond",
    "security_term": "29-Year 11-Month", "original_security_term": "30-Year", "auction_date": "2025-06-12",
    "issue_date": "2025-06-16", "maturity_date": "2055-05-15", "reopening": "Yes",
    "inflation_index_security": "No", "floating_rate": "No", "cash_management_bill_cmb": "No",
    "offering_amt": "22000000000", "comp_accepted": "21965397000", "primary_dealer_accepted": "2507004000",
    "direct_bidder_accepted": "5145200000", "indirect_bidder_accepted": "14313193000",
    "soma_accepted": "395645000", "total_accepted": "22395657700", "total_tendered": "null",
    "high_yield": "4.844000", "avg_med_yield": "4.800000", "low_yield": "null",
    "high_investment_rate": "null", "bid_to_cover_ratio": "2.430000",
}
CNC1 = {**UK2, "cusip": "91282CNC1", "security_type": "Note", "security_term": "9-Year 11-Month",
        "original_security_term": "10-Year", "auction_date": "2025-06-11", "maturity_date": "2035-05-15",
        "offering_amt": "39000000000", "comp_accepted": "38875284000", "primary_dealer_accepted": "3483480000",
        "direct_bidder_accepted": "7962750000", "indirect_bidder_accepted": "27429054000",
        "soma_accepted": "701370600", "total_accepted": "39701375700", "high_yield": "4.421000",
        "avg_med_yield": "null", "bid_to_cover_ratio": "2.520000"}


def page(rows: list[dict], number: int, total: int) -> dict:
    return {"data": rows, "meta": {"count": len(rows), "total-count": 2, "total-pages": total}, "links": {}}


def client_for(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_fetch_follows_pagination_and_parses_pages():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        seen.append(number)
        assert request.url.params["page[size]"] == str(fiscaldata.PAGE_SIZE)
        return httpx.Response(200, json=page([UK2] if number == 1 else [CNC1], number, 2))

    pages = fiscaldata.fetch(client_for(handler))
    assert seen == [1, 2]
    frames = [fiscaldata.parse(p.data, p.location).frame for p in pages]
    uk2 = frames[0].iloc[0]
    assert (uk2.cusip, uk2.kind, uk2.tenor, bool(uk2.reopening)) == ("912810UK2", "nominal", "30y", True)
    assert uk2.median_yield == 4.8 and uk2.bid_to_cover == 2.43
    assert round(uk2.indirect_pct, 2) == 65.16 and round(uk2.dealer_pct, 2) == 11.41
    cnc1 = frames[1].iloc[0]
    assert cnc1.tenor == "10y" and round(cnc1.dealer_pct, 2) == 8.96 and round(cnc1.indirect_pct, 2) == 70.56


def test_http_500_is_retried_then_reported(monkeypatch):
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(500, text="Internal Server Error")

    with pytest.raises(SourceUnavailableError, match=r"fiscaldata: HTTP 500 from https://api\.fiscaldata.* after 4 attempts"):
        fiscaldata.fetch(client_for(handler))
    assert len(calls) == http.ATTEMPTS


def test_transient_500_then_success():
    answers = iter([httpx.Response(503), httpx.Response(200, json=page([UK2], 1, 1))])
    pages = fiscaldata.fetch(client_for(lambda request: next(answers)))
    assert len(pages) == 1


def test_timeout_is_reported():
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(SourceUnavailableError, match="fiscaldata: timed out from .* after 4 attempts"):
        fiscaldata.fetch(client_for(handler))


def test_truncated_json_page():
    data = json.dumps(page([UK2, CNC1], 1, 1)).encode()[:700]
    with pytest.raises(DataFormatError, match=r"fiscaldata: page-1: invalid or truncated JSON at line 1 column \d+"):
        fiscaldata.parse(data, "page-1")


def test_api_error_payload():
    data = b'{"error": "Invalid Query Param", "message": "Invalid query parameter \'filter\'"}'
    with pytest.raises(DataFormatError, match="the API answered with an error: Invalid query parameter"):
        fiscaldata.parse(data, "page-1")


def test_csv_export_with_display_labels():
    header = "Record Date,CUSIP,Security Type,Security Term,Original Security Term,Auction Date,Reopening,Offering Amount,Competitive Accepted,Primary Dealer Accepted,Direct Bidder Accepted,Indirect Bidder Accepted,High Yield,Average/Median Yield,Bid To Cover Ratio"
    row = "2025-06-12,912810UK2,Bond,29-Year 11-Month,30-Year,2025-06-12,Yes,22000000000,21965397000,2507004000,5145200000,14313193000,4.844,4.800,2.43"
    parsed = fiscaldata.parse(f"{header}\n{row}\n".encode(), "download.csv").frame.iloc[0]
    assert parsed.median_yield == 4.8 and round(parsed.direct_pct, 2) == 23.42 and parsed.tenor == "30y"


def test_csv_without_required_columns():
    with pytest.raises(DataFormatError, match=r"missing column\(s\) auction_date, cusip"):
        fiscaldata.parse(b"date,yield\n2025-01-01,4.5\n", "other.csv")


def test_tips_frn_and_bill_kinds():
    # one row per key (source, CUSIP, auction date): the kinds are told apart on different dates
    tips = {**UK2, "inflation_index_security": "Yes", "security_term": "9-Year 10-Month", "original_security_term": "10-Year"}
    frn = {**UK2, "floating_rate": "Yes", "security_term": "1-Year 10-Month", "original_security_term": "2-Year",
           "auction_date": "2025-06-13"}
    bill = {**UK2, "security_type": "Bill", "security_term": "13-Week", "original_security_term": "26-Week",
            "high_yield": "null", "high_investment_rate": "4.350000", "auction_date": "2025-06-14"}
    frame = fiscaldata.parse(json.dumps(page([tips, frn, bill], 1, 1)).encode(), "p").frame
    # each reopening is filed under the cycle it was auctioned in, keeping its original term
    assert list(frame.tenor) == ["10y-tips", "2y-frn", "13w"]
    assert list(frame.original_term) == ["10-Year", "2-Year", "26-Week"]
    assert frame.high_yield.iloc[2] == 4.35


def test_json_bad_cell_names_its_record_and_nulls_or_absent_fields_are_missing():
    url = "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/accounting/od/auctions_query?page[number]=1"
    bad = {**CNC1, "bid_to_cover_ratio": "2.5x"}
    with pytest.raises(DataFormatError, match=r"auctions_query\?page\[number\]=1 record 2: field 'bid_to_cover_ratio' = '2\.5x'"):
        fiscaldata.parse(json.dumps(page([UK2, bad], 1, 1)).encode(), url)
    # JSON null and an absent key are missing values, like the API's "null" string
    sparse = {k: v for k, v in CNC1.items() if k != "low_yield"} | {"total_tendered": None}
    frame = fiscaldata.parse(json.dumps(page([UK2, sparse], 1, 1)).encode(), url).frame
    assert frame["total_tendered_usd"].isna().all() and frame["low_yield"].isna().all()
    assert frame["bid_to_cover"].tolist() == [2.43, 2.52]
