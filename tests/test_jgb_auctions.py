"""JGB auctions: MOF's workbook and result page replayed from files built in the official layout,
the compiled table of the mirror, the scorecard rules, bad input, and the interfaces.

Published figures used (MOF results as reported):
* 20-year of 2025-10-15 (issue 194, coupon 2.7%): competitive bids 2,137.0bn yen, accepted
  600.3bn, lowest accepted price 100.20 (2.684%), weighted average 100.33 (2.674%),
  bid-to-cover 3.56 (MOF result as quoted by nakagawa-mpo.com);
* 20-year of 2025-08-19: lowest 98.80 (2.591%), average 98.93 (2.581%), tail 0.13 yen, cover
  3.09; 20-year of 2025-11-19: lowest 98.30 (2.833%), average 98.61 (2.809%), tail 0.31, cover
  3.28, "below the 12-month average of 3.30"; 20-year of 2026-01-20: lowest 99.10 (3.274%),
  average 99.35 (3.253%), tail 0.25, cover 3.19; 2-year of 2025-08-28 (issue 476): lowest
  100.050 (0.874%), average 100.072 (0.863%), tail 0.022, cover 2.84 (MINKABU PRESS);
* 40-year of 2025-05-28: highest accepted yield 3.135%, bids 1,106.6bn yen, accepted 499.9bn,
  cover 2.21 (MOF result as reported);
* 30-year of 2025-06-05: cover 2.92, yield at the lowest accepted price 2.938%, 12-month
  average cover 3.39; 20-year of 2025-05-20: cover 2.50, the lowest for the tenor in years.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import datetime

import pandas as pd
import pytest

from bondwatch import store
from bondwatch.analytics.jgb_scorecard import benchmark_before, score_jgb_auctions
from bondwatch.errors import DataFormatError, NotFoundError, UsageError
from bondwatch.jgb_tenors import parse_jgb_tenor
from bondwatch.service.jgb_auctions import (
    find_jgb_cards,
    list_jgb_cards,
    merged_jgb_results,
)
from bondwatch.sources import mof_auctions
from tests.conftest import need_mirror, run_cli

PRICE_HEADER = ["Auction Date", "Issue Number", "Offering Amount", "Amounts of Competitive Bids",
                "Amounts of Bids Accepted", "Lowest Accepted Price", "Yield at the Lowest Accepted Price",
                "Weighted Average Price", "Yield at the Average Price"]
PRICE_UNITS = [None, None, "(100 million yen)", "(100 million yen)", "(100 million yen)", "(yen)", "(%)", "(yen)", "(%)"]
YIELD_HEADER = ["Auction Date", "Issue Number", "Offering Amount", "Amounts of Competitive Bids",
                "Amounts of Bids Accepted", "Highest Accepted Yield", "Weighted Average Yield"]
YIELD_UNITS = [None, None, "(100 million yen)", "(100 million yen)", "(100 million yen)", "(%)", "(%)"]
# amounts in 100 million yen, as the workbook gives them
ROWS_20Y = [[datetime(2025, 10, 15), 194, 8000, 21370, 6003, 100.20, 2.684, 100.33, 2.674]]
# bids and accepted of the 2-year: the only amounts (tenths of a billion, 50-100% of the offering)
# whose ratio reproduces the compiled bid-to-cover 2.840900176505197 exactly; prices as published
ROWS_2Y = [[datetime(2025, 8, 28), 476, 26000, 57943, 20396, 100.050, 0.874, 100.072, 0.863]]
ROWS_40Y = [[datetime(2025, 5, 28), 18, 5000, 11066, 4999, 3.135, None]]


def workbook(sheets: dict[str, tuple[list, list, list[list]]]) -> bytes:
    """A BIFF .xls in the layout of MOF's Auction_Results_for_JGBs.xls: per sheet a title row,
    the header, a unit row, then one row per auction (dates as Excel dates)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="YYYY/M/D")
    for name, (header, units, rows) in sheets.items():
        sheet = book.add_sheet(name)
        sheet.write(0, 0, f"Auction Results for JGBs ({name})")
        for r, cells in enumerate([header, units, *rows], start=2):
            for c, value in enumerate(cells):
                if isinstance(value, datetime):
                    sheet.write(r, c, value, day)
                elif value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def official_sheets(**replace) -> dict[str, tuple[list, list, list[list]]]:
    sheets = {f"{y}年債": (PRICE_HEADER, PRICE_UNITS, []) for y in (2, 5, 10, 20, 30)}
    sheets["2年債"] = (PRICE_HEADER, PRICE_UNITS, ROWS_2Y)
    sheets["20年債"] = (PRICE_HEADER, PRICE_UNITS, ROWS_20Y)
    sheets["40年債"] = (YIELD_HEADER, YIELD_UNITS, ROWS_40Y)
    sheets.update(replace)
    return sheets


RESULT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Auction Results of 20-year JGBs (Oct. 15, 2025) : Ministry of Finance</title></head>
<body><h1>Auction Results of 20-year JGBs</h1>
<table>
<tr><th>Security</th><th>Issue Number</th><th>Auction Date</th><th>Issue Date</th><th>Maturity Date</th>
<th>Nominal Coupon</th><th>Amounts of Competitive Bids (billion yen)</th><th>Amounts of Bids Accepted (billion yen)</th>
<th>Lowest Accepted Price (per 100 yen)</th><th>Yield at the<br>Lowest Accepted Price</th></tr>
<tr><th>Allotment for Bids at the Lowest Accepted Price</th><th>Weighted Average Price (per 100 yen)</th>
<th>Yield at the Average Price</th><th>Amounts of Bids Accepted at the Non-price-competitive Auction &#8545; for JGB Market Special Participants (billion yen)</th></tr>
<tr><td>20-year</td><td>194</td><td>10/15/2025</td><td>10/16/2025</td><td>9/20/2045</td><td>2.7%</td>
<td>2,137.0</td><td>600.3</td><td>100.20</td><td>2.684%</td><td>%</td><td>100.33</td><td>2.674%</td><td>199.1</td></tr>
</table></body></html>"""

COMPILED = (
    "date,tenor,size_bn_jpy,yield,bid_to_cover\n"  # rows of the compiled table of the mirror
    "2025-05-20,20-Year,1000.0,2.54,2.500732454388068\n"
    "2025-05-28,40-Year,500.0,3.135,2.213642728545709\n"
    "2025-10-15,20-Year,800.0,2.684,3.559886723305014\n"
)


# ----------------------------------------------------------------------------- parsers (always run)
def test_workbook_replays_published_results_of_three_tenors():
    parsed = mof_auctions.parse(workbook(official_sheets()), "Auction_Results_for_JGBs.xls")
    frame = parsed.frame.set_index("tenor")
    assert parsed.table == "jgb_auction_results" and parsed.vintage == "JGB auctions through 2025-10-15"
    twenty = frame.loc["jgb-20y"]
    assert twenty["auction_date"] == pd.Timestamp("2025-10-15") and twenty["issue_number"] == 194
    assert (twenty["offering_bn_jpy"], twenty["competitive_bids_bn_jpy"], twenty["accepted_bn_jpy"]) == pytest.approx((800.0, 2137.0, 600.3))
    assert round(twenty["bid_to_cover"], 2) == 3.56
    assert round(twenty["average_price"] - twenty["lowest_price"], 3) == 0.13
    assert (twenty["lowest_price_yield"], twenty["average_yield"]) == (2.684, 2.674)
    two = frame.loc["jgb-2y"]
    assert two["bid_to_cover"] == 2.840900176505197  # the compiled table's ratio, to the last bit
    assert round(two["average_price"] - two["lowest_price"], 3) == 0.022
    forty = frame.loc["jgb-40y"]
    assert forty["highest_yield"] == 3.135 and pd.isna(forty["lowest_price"])
    assert round(forty["bid_to_cover"], 2) == 2.21 and forty["accepted_bn_jpy"] == pytest.approx(499.9)
    assert set(frame["source"]) == {"mof_workbook"}


def test_result_page_replays_the_20_year_of_2025_10_15():
    frame = mof_auctions.parse(RESULT_PAGE.encode(), "eresul20251015.htm").frame
    (row,) = frame.to_dict("records")
    assert row["source"] == "mof_page" and row["tenor"] == "jgb-20y" and row["issue_number"] == 194
    assert row["auction_date"] == pd.Timestamp("2025-10-15")
    assert (row["competitive_bids_bn_jpy"], row["accepted_bn_jpy"]) == (2137.0, 600.3)
    assert round(row["bid_to_cover"], 2) == 3.56
    assert (row["lowest_price"], row["lowest_price_yield"], row["average_price"], row["average_yield"]) == (100.2, 2.684, 100.33, 2.674)
    assert pd.isna(row["offering_bn_jpy"])  # the result page does not repeat the offering


def test_result_page_of_a_yield_based_40_year_auction():
    page = ("<html><head><title>Auction Results of 40-year JGBs</title></head><body><table>"
            "<tr><td>Security</td><td>Issue Number</td><td>Auction Date</td><td>Amounts of Competitive Bids (billion yen)</td>"
            "<td>Amounts of Bids Accepted (billion yen)</td><td>Highest Accepted Yield</td>"
            "<td>Allotment for Bids at the Highest Accepted Yield</td></tr>"
            "<tr><td>40-year</td><td>18</td><td>5/28/2025</td><td>1,106.6</td><td>499.9</td><td>3.135%</td><td>%</td></tr>"
            "</table></body></html>")
    (row,) = mof_auctions.parse(page.encode(), "eresul20250528.htm").frame.to_dict("records")
    assert row["tenor"] == "jgb-40y" and row["highest_yield"] == 3.135 and round(row["bid_to_cover"], 2) == 2.21


def test_workbook_dates_as_text_or_japanese_era_and_dashes_for_none():
    rows = [["R7.10.15", 194, 8000, 21370, 6003, 100.20, 2.684, 100.33, 2.674],
            ["2025/8/28", 476, "–", 57943, 20396, 100.050, 0.874, 100.072, 0.863]]
    frame = mof_auctions.parse(workbook(official_sheets(**{"20年債": (PRICE_HEADER, PRICE_UNITS, rows)})), "x.xls").frame
    twenty = frame[frame["tenor"] == "jgb-20y"]
    assert list(twenty["auction_date"].dt.strftime("%Y-%m-%d")) == ["2025-10-15", "2025-08-28"]
    assert twenty["offering_bn_jpy"].isna().tolist() == [False, True]


def test_compiled_table_rows_and_the_40_year_yield_rule():
    frame = mof_auctions.parse(COMPILED.encode(), "jgb_auctions_2022_2026.csv").frame
    assert list(frame["tenor"]) == ["jgb-20y", "jgb-40y", "jgb-20y"]
    assert list(frame["source"].unique()) == ["compiled"]
    twenty, forty = frame.iloc[0], frame.iloc[1]
    assert twenty["lowest_price_yield"] == 2.54 and pd.isna(twenty["highest_yield"])
    assert forty["highest_yield"] == 3.135 and pd.isna(forty["lowest_price_yield"])  # yield-based
    assert round(twenty["bid_to_cover"], 2) == 2.50


@pytest.mark.parametrize(
    "data, where, message",
    [
        (lambda: workbook({k: v for k, v in official_sheets().items() if k != "30年債"}), "Auction_Results_for_JGBs.xls",
         "no sheet for the 30-year auctions (expected sheets 2年債, 5年債, 10年債, 20年債, 30年債, 40年債)"),
        (lambda: workbook(official_sheets(**{"20年債": (
            [h.replace("Lowest Accepted Price", "Min Price") for h in PRICE_HEADER], PRICE_UNITS, ROWS_20Y)})),
         "Auction_Results_for_JGBs.xls sheet '20年債' row 3",
         "missing column(s) 'Lowest Accepted Price', 'Yield at the Lowest Accepted Price'"),
        (lambda: workbook(official_sheets(**{"20年債": (PRICE_HEADER, PRICE_UNITS, [
            [datetime(2025, 10, 15), 194, 8000, 21370, 6003, 100.20, "2.6B4", 100.33, 2.674]])})),
         "Auction_Results_for_JGBs.xls sheet '20年債' row 5",
         "column 'Yield at the Lowest Accepted Price' = '2.6B4': expected a number"),
        (lambda: workbook(official_sheets(**{"20年債": (PRICE_HEADER, PRICE_UNITS, [
            [datetime(2025, 10, 15), 194, 8000, 21370, 6003, 100.20, 26.84, 100.33, 2.674]])})),
         "Auction_Results_for_JGBs.xls sheet '20年債' row 5",
         "column 'Yield at the Lowest Accepted Price' = 26.84: expected a yield from -1 to 10 percent"),
        (lambda: workbook(official_sheets(**{"20年債": (PRICE_HEADER, PRICE_UNITS, [
            [datetime(2025, 10, 15), 194, 8000, 6003, 21370, 100.20, 2.684, 100.33, 2.674]])})),
         "Auction_Results_for_JGBs.xls sheet '20年債' row 5",
         "bid-to-cover (competitive bids / bids accepted) = 0.280908: expected a bid-to-cover above 1 and below 20"),
        (lambda: workbook(official_sheets(**{"20年債": (PRICE_HEADER, PRICE_UNITS, [
            ["Oct. 15", 194, 8000, 21370, 6003, 100.20, 2.684, 100.33, 2.674]])})),
         "Auction_Results_for_JGBs.xls sheet '20年債' row 5", "column 'Auction Date' = 'Oct. 15': expected a date"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Auction_Results_for_JGBs.xls",
         "not a readable Excel workbook"),
        (lambda: b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><p>The page you requested "
                 b"could not be found.</p></body></html>", "eresul20251015.htm",
         "no table with an 'Auction Date' header; expected MOF's English auction result page"),
        (lambda: RESULT_PAGE.replace("20-year</td>", "10-year Inflation-Indexed</td>").encode(), "eresul20251015.htm line 10",
         "security '10-year Inflation-Indexed': expected a 2-, 5-, 10-, 20-, 30- or 40-year JGB auction"),
        (lambda: RESULT_PAGE.replace("<td>600.3</td>", "").encode(), "eresul20251015.htm line 10",
         "13 cells where the header has 14"),
        (lambda: COMPILED.replace("2.500732454388068", "0.5").encode(), "jgb_auctions.csv line 2",
         "field 'bid_to_cover' = 0.5: expected a bid-to-cover above 1 and below 20"),
        (lambda: COMPILED.replace("2025-05-28,40-Year", "2025-05-28,15-Year").encode(), "jgb_auctions.csv line 3",
         "field 'tenor' = '15-Year': expected 2-Year, 5-Year"),
        (lambda: COMPILED.replace("2025-10-15", "1965-10-15").encode(), "jgb_auctions.csv line 4",
         "field 'date' = 1965-10-15: expected a date from 1966-01-01 to today"),
        (lambda: COMPILED.replace("800.0,2.684", "-800.0,2.684").encode(), "jgb_auctions.csv line 4",
         "field 'size_bn_jpy' = -800: expected a positive amount"),
    ],
)
def test_bad_input_is_refused_with_one_line_naming_file_place_and_value(data, where, message):
    location = where.split(" ")[0]
    with pytest.raises(DataFormatError) as caught:
        mof_auctions.parse(data(), location)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(f"MOF Japan JGB auctions: {where}")
    assert message in text


def test_bad_workbook_in_an_update_leaves_the_warehouse_unchanged(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    folder = tmp_path / "mirror/mof_japan"
    folder.mkdir(parents=True)
    (folder / "jgb_auctions_2022_2026.csv").write_text(COMPILED)
    code, out, _ = run_cli(capsys, "update", "--from", str(tmp_path / "mirror"))
    assert code == 0 and "mof_japan.compiled_jgb_auctions" in out
    warehouse = tmp_path / "home/bondwatch.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    (folder / "Auction_Results_for_JGBs.xls").write_bytes(workbook({"20年債": (PRICE_HEADER, PRICE_UNITS, ROWS_20Y)}))
    code, _, err = run_cli(capsys, "update", "--from", str(tmp_path / "mirror"))
    (error,) = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 2 and error == err.splitlines()[-1]
    assert "Auction_Results_for_JGBs.xls: no sheet for the 2-year, 5-year, 10-year, 30-year, 40-year auctions" in error
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_official_rows_win_field_by_field_and_cards_cite_every_source(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    folder = tmp_path / "mirror/mof_japan"
    folder.mkdir(parents=True)
    (folder / "jgb_auctions_2022_2026.csv").write_text(COMPILED)
    (folder / "eresul20251015.htm").write_text(RESULT_PAGE)
    (folder / "Auction_Results_for_JGBs.xls").write_bytes(workbook(official_sheets()))
    assert run_cli(capsys, "update", "--from", str(tmp_path / "mirror"))[0] == 0
    (card,) = find_jgb_cards("jgb-20y", date="2025-10-15")
    assert card["offering_bn_jpy"] == 800.0  # the result page lacks it: the workbook fills it
    assert card["competitive_bids_bn_jpy"] == 2137.0 and card["bid_to_cover"] == 3.56
    assert card["tail_yen"] == 0.13 and card["tail_yen_missing"] is None
    assert [s["source"] for s in card["sources"]] == ["mof_page", "mof_workbook", "compiled"]
    assert {s["dataset"] for s in card["sources"]} == {"mof_japan.jgb_auctions", "mof_japan.compiled_jgb_auctions"}
    (forty,) = find_jgb_cards("jgb-40y")
    assert forty["auction_yield"] == 3.135 and forty["auction_yield_basis"] == "highest accepted yield"
    assert forty["tail_yen"] is None and forty["tail_yen_missing"].startswith("yield-based auction")
    with store.Warehouse(tmp_path / "home/bondwatch.duckdb") as wh:
        assert wh.rows("SELECT count(*) FROM jgb_auction_results")[0][0] == 3 + 1 + 3


def test_live_fetch_gets_the_official_workbook():
    import httpx

    def handler(request):
        assert str(request.url) == mof_auctions.WORKBOOK_URL
        return httpx.Response(200, content=workbook(official_sheets()))

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        (fetched,) = mof_auctions.fetch(client)
    assert fetched.location == mof_auctions.WORKBOOK_URL
    assert len(mof_auctions.parse(fetched.data, fetched.location).frame) == 3


# ----------------------------------------------------------------------------- the scorecard (always run)
# the 20-year auctions 2024-05-16 .. 2025-05-20 of the compiled table and MOF's 20Y benchmark on
# the previous business day
TWENTY = [
    ("2024-05-16", 1.742, 3.646724023825281, "2024-05-15", 1.744),
    ("2024-06-25", 1.849, 3.273388910943496, "2024-06-24", 1.811),
    ("2024-07-11", 1.917, 3.8015883520847122, "2024-07-10", 1.924),
    ("2024-08-20", 1.717, 3.422277748553393, "2024-08-19", 1.75),
    ("2024-09-12", 1.703, 3.4749412685982772, "2024-09-11", 1.704),
    ("2024-10-24", 1.82, 3.036908436213992, "2024-10-23", 1.818),
    ("2024-11-21", 1.907, 3.5232865837523155, "2024-11-20", 1.885),
    ("2024-12-17", 1.883, 3.3785572468563867, "2024-12-16", 1.884),
    ("2025-01-16", 1.985, 3.789105776839884, "2025-01-15", 2.002),
    ("2025-02-18", 2.067, 3.055708480796959, "2025-02-17", 2.011),
    ("2025-03-12", 2.294, 3.459355010660981, "2025-03-11", 2.241),
    ("2025-04-15", 2.374, 2.9639099746970303, "2025-04-14", 2.389),
    ("2025-05-20", 2.54, 2.500732454388068, "2025-05-19", 2.412),
]


def twenty_year_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    auctions = pd.DataFrame({c: [float("nan")] * len(TWENTY) for c in mof_auctions.COLUMNS})
    auctions["tenor"] = "jgb-20y"
    auctions["auction_date"] = pd.to_datetime([t[0] for t in TWENTY])
    auctions["lowest_price_yield"] = [t[1] for t in TWENTY]
    auctions["bid_to_cover"] = [t[2] for t in TWENTY]
    curve = pd.DataFrame({"date": pd.to_datetime([t[3] for t in TWENTY]), "tenor_years": 20.0,
                          "yield_pct": [t[4] for t in TWENTY]})
    return auctions.drop(columns=["source"]), curve


def test_six_auction_mean_z_12_month_mean_and_percentile_of_2025_05_20():
    auctions, curve = twenty_year_inputs()
    card = score_jgb_auctions(auctions, curve)[-1]
    previous = pd.Series([t[2] for t in TWENTY[-7:-1]])
    stats = card["vs_last6"]["bid_to_cover"]
    assert stats["n"] == 6 and stats["mean"] == pytest.approx(previous.mean(), abs=1e-4)
    assert stats["z"] == pytest.approx((TWENTY[-1][2] - previous.mean()) / previous.std(), abs=0.01)
    in_12_months = [t[2] for t in TWENTY if "2024-05-20" < t[0] < "2025-05-20"]
    assert card["mean_12m"]["bid_to_cover"] == {"mean": pytest.approx(sum(in_12_months) / 11, abs=1e-4), "n": 11}
    assert card["percentile_history"]["bid_to_cover"] == 0.0  # below all 12 earlier auctions
    assert card["bid_to_cover"] == 2.5 and card["auction_yield"] == 2.54
    assert card["benchmark_date"] == "2025-05-19" and card["yield_vs_benchmark_bp"] == 12.8
    assert card["verdict"] in ("weak", "very weak")
    assert any("bid-to-cover 2.50 is the lowest of the 12 earlier 20-year JGB auctions held" in r for r in card["reasons"])
    # 2025-04-15: the share of its 11 earlier auctions with a lower cover (no ties), counted directly
    april = score_jgb_auctions(auctions, curve)[-2]
    earlier = [t[2] for t in TWENTY[:-2]]
    assert april["percentile_history"]["bid_to_cover"] == round(100 * sum(v < TWENTY[-2][2] for v in earlier) / len(earlier), 1)


def test_benchmark_is_the_previous_business_day_never_the_auction_day():
    auctions = pd.DataFrame({"tenor": ["jgb-10y", "jgb-10y"], "auction_date": pd.to_datetime(["2025-05-20", "2025-06-02"])})
    curve = pd.DataFrame({"date": pd.to_datetime(["2025-05-16", "2025-05-20", "2025-05-30", "2025-06-02"]),
                          "tenor_years": 10.0, "yield_pct": [1.45, 1.52, 1.505, 1.515]})
    found = benchmark_before(auctions, curve)
    assert list(found["benchmark_date"].dt.strftime("%Y-%m-%d")) == ["2025-05-16", "2025-05-30"]  # Friday before
    assert list(found["benchmark_yield"]) == [1.45, 1.505]
    stale = benchmark_before(auctions.iloc[[0]], curve.iloc[[0]].assign(date=pd.Timestamp("2025-05-01")))
    assert stale["benchmark_yield"].isna().all()  # more than 10 days old: no proxy


def test_forty_year_uses_the_highest_accepted_yield_and_has_no_price_tail():
    auctions, curve = twenty_year_inputs()
    forty = auctions.iloc[[0]].assign(tenor="jgb-40y", highest_yield=3.135, lowest_price_yield=float("nan"),
                                      lowest_price=float("nan"), average_price=float("nan"))
    (card,) = score_jgb_auctions(forty, curve.assign(tenor_years=40.0))
    assert card["auction_yield"] == 3.135 and card["auction_yield_basis"] == "highest accepted yield"
    assert card["tail_yen"] is None and "yield-based auction" in card["tail_yen_missing"]
    assert card["verdict"] is None and card["reasons"][0].startswith("fewer than 3 previous 40-year JGB auctions")


def test_merge_prefers_the_result_page_then_the_workbook_then_the_compiled_table():
    rows = pd.DataFrame({
        "source": ["compiled", "mof_page", "mof_workbook"], "tenor": "jgb-20y",
        "auction_date": pd.Timestamp("2025-10-15"), "offering_bn_jpy": [800.0, None, 800.0],
        "bid_to_cover": [3.559886723305014, 3.56, 3.5598], "provenance_id": [1, 2, 3],
    })
    (merged,) = merged_jgb_results(rows).to_dict("records")
    assert merged["bid_to_cover"] == 3.56 and merged["offering_bn_jpy"] == 800.0


def test_tenor_input():
    assert [parse_jgb_tenor(t) for t in ("jgb-20y", "JGB20Y", "20y", "jgb 40-year")] == ["jgb-20y", "jgb-20y", "jgb-20y", "jgb-40y"]
    with pytest.raises(UsageError, match="unknown JGB tenor 'jgb-7y': expected one of jgb-2y"):
        parse_jgb_tenor("jgb-7y")


# ----------------------------------------------------------------------------- on the mirror
@pytest.fixture(scope="module")
def jgb_warehouse(tmp_path_factory):
    mirror = need_mirror()
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("jgb-wh") / "bondwatch.duckdb"
    update(from_dir=mirror, only=["mof_japan", "treasury", "fiscaldata"], warehouse=path)
    return path


@pytest.fixture
def home_with_jgb(jgb_warehouse, tmp_path, monkeypatch):
    from tests.conftest import home_holding

    return home_holding(jgb_warehouse, tmp_path, monkeypatch)


@pytest.mark.mirror
def test_20_year_of_2025_05_20_json(home_with_jgb, capsys):
    code, out, _ = run_cli(capsys, "auction", "jgb-20y", "--date", "2025-05-20", "--json")
    assert code == 0
    document = json.loads(out)
    [card] = document["data"]
    assert {s["dataset"] for s in document["sources"]} == {"mof_japan.compiled_jgb_auctions", "mof_japan.jgb_yields"}
    assert card["bid_to_cover"] == 2.5 and card["auction_yield"] == 2.54 and card["offering_bn_jpy"] == 1000.0
    everything = pd.read_csv(need_mirror() / "mof_japan/jgb_auctions_2022_2026.csv")
    twenty = everything[everything["tenor"] == "20-Year"]
    assert twenty["bid_to_cover"].idxmin() == twenty.index[twenty["date"] == "2025-05-20"][0]  # lowest in the data held
    assert card["percentile_history"]["bid_to_cover"] == 0.0
    assert card["verdict"] in ("weak", "very weak") and card["score"] < -3
    assert card["reasons"][0].startswith("bid-to-cover 2.50 below the 3.36 average of the previous 6 20-year JGB auctions")
    assert "bid-to-cover 2.50 is the lowest of the 39 earlier 20-year JGB auctions held (since 2022-02-17)" in card["reasons"]
    assert card["tail_yen"] is None and "no accepted prices" in card["tail_yen_missing"]
    assert card["benchmark_date"] == "2025-05-19" and card["benchmark_yield"] == 2.412
    assert {s["dataset"] for s in card["sources"]} == {"mof_japan.compiled_jgb_auctions", "mof_japan.jgb_yields"}


@pytest.mark.mirror
@pytest.mark.parametrize(
    "tenor, day, auction_yield, cover",
    [
        ("jgb-20y", "2025-10-15", 2.684, 3.56),
        ("jgb-20y", "2025-08-19", 2.591, 3.09),
        ("jgb-20y", "2025-11-19", 2.833, 3.28),
        ("jgb-20y", "2026-01-20", 3.274, 3.19),
        ("jgb-2y", "2025-08-28", 0.874, 2.84),
        ("jgb-30y", "2025-06-05", 2.938, 2.92),
        ("jgb-40y", "2025-05-28", 3.135, 2.21),
    ],
)
def test_published_figures_across_tenors(home_with_jgb, tenor, day, auction_yield, cover):
    (card,) = find_jgb_cards(tenor, date=day)
    assert (card["auction_yield"], card["bid_to_cover"]) == (auction_yield, cover)


@pytest.mark.mirror
@pytest.mark.parametrize("tenor, day, mean_12m", [("jgb-20y", "2025-11-19", 3.30), ("jgb-30y", "2025-06-05", 3.39)])
def test_12_month_mean_matches_the_published_average(home_with_jgb, tenor, day, mean_12m):
    (card,) = find_jgb_cards(tenor, date=day)
    assert round(card["mean_12m"]["bid_to_cover"]["mean"], 2) == mean_12m


@pytest.mark.mirror
def test_listing_text_csv_chart_snapshot_and_api(home_with_jgb, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "auctions", "--market", "jp", "--tenor", "20y", "--since", "2025-05-01", "--until", "2025-06-30")
    assert code == 0 and "2025-05-20  jgb-20y" in out and "very weak" in out
    code, out, _ = run_cli(capsys, "auctions", "--tenor", "jgb-40y", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("auction_date,tenor,issue_number") and out.count("jgb-40y") == 27
    code, out, _ = run_cli(capsys, "auction", "jgb-20y", "--date", "2025-05-20", "--chart", str(tmp_path / "c.png"))
    assert code == 0 and "verdict: VERY WEAK" in out and (tmp_path / "c.png").stat().st_size > 10000
    code, out, _ = run_cli(capsys, "snapshot", "--date", "2025-05-30", "--json")
    latest = {a["tenor"]: a for a in json.loads(out)["tables"]["auctions"]}
    assert latest["jgb-40y"]["auction_date"] == "2025-05-28" and latest["jgb-20y"]["auction_date"] == "2025-05-20"
    import bondwatch as bw

    frame = bw.jgb_auctions(tenor="jgb-30y", since="2025-01-01", until="2025-12-31")
    assert len(frame) == 12 and frame["auction_date"].is_monotonic_increasing
    assert bw.jgb_auction("jgb-20y", date="2025-05-20")["bid_to_cover"].iloc[0] == 2.5


@pytest.mark.mirror
def test_bad_requests(home_with_jgb, capsys):
    code, _, err = run_cli(capsys, "auction", "jgb-20y", "--date", "2025-05-21")
    assert code == 2 and err == "error: no jgb-20y auction on 2025-05-21; nearest: 2025-05-20, 2025-06-24\n"
    code, _, err = run_cli(capsys, "auction", "jgb-7y")
    assert code == 2 and "unknown JGB tenor" in err


def test_no_jgb_auctions_held_says_how_to_import_them(tmp_path, monkeypatch):
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    with store.writing(tmp_path / "bondwatch.duckdb"):
        pass
    with pytest.raises(NotFoundError, match="no jgb-20y auctions in the warehouse"):
        find_jgb_cards("jgb-20y")
    with pytest.raises(NotFoundError, match="no JGB auctions in the warehouse"):
        list_jgb_cards()


def test_a_workbook_that_crashes_the_reader_is_a_one_line_error(monkeypatch):
    """MOF's workbook goes through the same guarded reader as the allotments spreadsheet: a reader
    process that dies (as calamine does on a damaged file asking for gigabytes) is one line."""
    from bondwatch.sources import spreadsheets

    def dies(data, sheet_name, pipe):
        os._exit(134)  # what calamine's abort looks like from outside

    monkeypatch.setattr(spreadsheets, "_send_cells", dies)
    with pytest.raises(DataFormatError, match=r"^.*Auction_Results_for_JGBs\.xls.*not a readable Excel workbook \(the reader failed"):
        mof_auctions.parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "Auction_Results_for_JGBs.xls")


@pytest.mark.mirror
def test_the_api_and_the_cli_give_the_same_jgb_card(home_with_jgb, capsys):
    from fastapi.testclient import TestClient

    from bondwatch.web.app import create_app

    code, out, _ = run_cli(capsys, "auction", "jgb-20y", "--date", "2025-05-20", "--json")
    assert code == 0
    with TestClient(create_app()) as client:
        body = client.get("/api/v1/auction/jgb-20y?date=2025-05-20").text
        listing = client.get("/api/v1/auctions?market=jp&tenor=20y&last=2").json()
    assert out == body + "\n"
    [card] = json.loads(body)["data"]
    assert (card["bid_to_cover"], card["verdict"]) == (2.5, "very weak")
    assert [c["auction_date"] for c in listing["data"]][-1] >= "2025-05-20" and len(listing["data"]) == 2


@pytest.mark.mirror
def test_the_snapshot_cites_the_jgb_auction_files_behind_its_jgb_verdicts(home_with_jgb, capsys):
    code, out, _ = run_cli(capsys, "snapshot", "--date", "2025-05-30", "--json")
    assert code == 0
    used = {s["used_for"]: s["dataset"] for s in json.loads(out)["sources"]}
    assert used["jgb-20y verdict"] == "mof_japan.compiled_jgb_auctions"
