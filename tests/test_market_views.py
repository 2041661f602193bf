"""Market commands on a warehouse built from the whole offline mirror: curve, series, fx, foreign, snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bondwatch.service import market
from tests.conftest import home_holding, need_mirror, run_cli


@pytest.fixture(scope="module")
def full_warehouse(tmp_path_factory) -> Path:
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("market-wh") / "bondwatch.duckdb"
    update(from_dir=need_mirror(), warehouse=path)
    return path


@pytest.fixture
def home(full_warehouse, tmp_path, monkeypatch) -> Path:
    return home_holding(full_warehouse, tmp_path, monkeypatch)




def test_series_json_t10yie(home, capsys):
    code, out, _ = run_cli(capsys, "series", "T10YIE", "--json")
    doc = json.loads(out)
    assert code == 0
    row = next(r for r in doc["data"] if r["date"] == "2025-05-21")
    assert (row["series_id"], row["value"]) == ("T10YIE", 2.35)
    assert (doc["meta"]["summary"]["max"], doc["meta"]["summary"]["max_date"]) == (3.02, "2022-04-21")
    assert doc["data"][0]["date"] == "2003-01-02"


def test_fx_usdjpy(home, capsys):
    code, out, _ = run_cli(capsys, "fx", "usdjpy", "--json")
    rates = {r["date"]: r["rate"] for r in json.loads(out)["data"]}
    assert (rates["2024-12-31"], rates["2025-06-30"]) == (157.37, 144.17)


def test_jgb_curve_and_interpolation(home, capsys):
    code, out, _ = run_cli(capsys, "curve", "jp", "--date", "2025-05-21", "--at", "7.5y", "--json")
    rows = {r["tenor"]: r for r in json.loads(out)["data"]}
    assert rows["10Y"]["yield_pct"] == 1.53 and rows["30Y"]["yield_pct"] == 2.976
    # 7.5y halfway between 7Y 1.144 and 8Y 1.259: 1.2015, printed to MOF's 3 decimals
    assert rows["7.5y"]["yield_pct"] == 1.202 and rows["7.5y"]["interpolated"]
    exact = market.yield_curve("jp", "2025-05-21", at=["7.5y"]).set_index("tenor").loc["7.5y", "yield_pct"]
    assert exact == pytest.approx((1.144 + 1.259) / 2)
    frame = market.yield_curve("jp", "2025-05-24")  # a Saturday: the Friday curve
    assert str(frame["date"].iloc[0]) == "2025-05-23"


def test_foreign_912810UK2(home, capsys):
    code, out, _ = run_cli(capsys, "foreign", "--tenor", "30y", "--json")
    doc = json.loads(out)
    row = next(r for r in doc["data"] if r["cusip"] == "912810UK2" and r["auction_date"] == "2025-06-12")
    assert round(row["foreign_allotment_pct"], 2) == 11.45
    assert round(row["indirect_pct"], 2) == 65.16
    assert any("Indirect is not foreign" in c for c in doc["meta"]["caveats"])


def test_foreign_japan_holdings_and_changes(home):
    months = market.foreign_demand("japan", "30y", by="month").set_index("month")
    dec = months.loc[__import__("datetime").date(2025, 12, 1)]
    assert dec["holdings_bn"] == 1185.5
    assert dec["chg_12m_bn"] == pytest.approx(1185.5 - 1061.5)
    china = market.foreign_demand("china", "30y", by="month").set_index("month")
    assert china.loc[__import__("datetime").date(2025, 12, 1), "holdings_bn"] == 683.5


def test_snapshot(home, capsys):
    code, out, _ = run_cli(capsys, "snapshot", "--date", "2025-05-21", "--json")
    doc = json.loads(out)
    items = {i["label"]: i for i in doc["data"]}
    assert items["JGB 10y"]["value"] == 1.53 and items["JGB 30y"]["value"] == 2.976
    assert items["10y breakeven"]["value"] == 2.35
    assert items["UST-JGB 10y spread"]["value"] == pytest.approx(items["UST 10y"]["value"] - 1.53)
    jgb_week_ago = market.yield_curve("jp", "2025-05-14").set_index("tenor").loc["10Y", "yield_pct"]
    assert items["JGB 10y"]["chg_1w"] == pytest.approx((1.53 - jgb_week_ago) * 100, abs=0.01)
    assert {a["tenor"] for a in doc["tables"]["auctions"]} >= {"10y", "30y"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("series", "NOSUCH"), "series 'NOSUCH' is not in the warehouse"),
        (("foreign", "--holder", "narnia"), "--holder 'narnia': unknown holder"),
        (("curve", "jp", "--at", "45y"), "outside the published maturities (1-40 years)"),
        (("curve", "us", "--date", "1950-01-03"), "no US Treasury par curve on or within 10 days before 1950-01-03 in the warehouse (it holds 1990-01-02 to 2025-07-11)"),
        (("fx", "eurusd"), "fx pair 'eurusd': expected one of usdjpy, usdcny"),
        (("snapshot", "--date", "2025-13-01"), "--date '2025-13-01': expected a date as YYYY-MM-DD"),
    ],
)
def test_bad_usage_one_line(home, capsys, args, message):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_snapshot_2026_02_27_shows_dgs10_dated_and_mixes_no_dates(home, capsys):
    code, out, err = run_cli(capsys, "snapshot", "--date", "2026-02-27", "--json")
    assert code == 0
    items = {i["label"]: i for i in json.loads(out)["data"]}
    ust = items["UST 10y"]
    # the newer DGS10 (4.14 on 2025-12-30), not the par curve's 4.43 of 2025-07-11, and no 0.0 changes
    assert (ust["value"], ust["as_of"], ust["source"]) == (4.14, "2025-12-30", "DGS10")
    assert ust["chg_1w"] is None and ust["chg_1m"] is None and ust["chg_1y"] is None
    assert (items["JGB 10y"]["value"], items["JGB 10y"]["as_of"]) == (2.132, "2026-02-27")
    assert items["UST-JGB 10y spread"]["value"] is None
    assert "warning: UST-JGB 10y spread: not computed: UST 10y is dated 2025-12-30, JGB 10y 2026-02-27" in err


def test_fred_provenance_rows_equal_the_observations(full_warehouse):
    from bondwatch import store

    with store.Warehouse(full_warehouse) as wh:
        rows = dict(wh.rows(
            "SELECT p.location, p.rows - (SELECT count(*) FROM series s WHERE s.provenance_id = p.id) "
            "FROM provenance p WHERE p.dataset = 'fred.series'"))
        dgs10 = wh.rows("SELECT rows FROM provenance WHERE location LIKE '%/DGS10.csv'")[0][0]
    assert len(rows) == 13 and set(rows.values()) == {0}
    assert dgs10 == 15983  # 16,485 dated lines, 502 of them empty (holidays)


def test_curve_csv_without_float_noise(home, capsys):
    code, out, _ = run_cli(capsys, "curve", "us", "--date", "2025-03-20", "--at", "6y", "--csv")
    assert code == 0 and "us_par,2025-03-20,6y,6.0,4.065,,True" in out  # was 4.0649999999999995
    code, out, _ = run_cli(capsys, "series", "WALCL")
    assert code == 0 and "latest 6,581,231" in out and "e+06" not in out
