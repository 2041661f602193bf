"""Market views, snapshot, charts and output on a tiny warehouse imported with `bondwatch update --from DIR`.

Every file below is in its publisher's format and every figure is copied from the offline mirror
(so the published values asserted here are the real ones); the mirror itself is not needed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import httpx
import pytest

from bondwatch import store
from bondwatch.service import market
from tests.conftest import run_cli

# Treasury Daily Par Yield Curve Rates, 2025 file layout (ISO dates, newest first)
PAR_CURVE = """\
Date,1 Mo,1.5 Mo,2 Mo,3 Mo,4 Mo,6 Mo,1 Yr,2 Yr,3 Yr,5 Yr,7 Yr,10 Yr,20 Yr,30 Yr
2025-07-11,4.37,4.39,4.47,4.41,4.42,4.31,4.09,3.9,3.86,3.99,4.19,4.43,4.96,4.96
2025-07-10,4.36,4.39,4.47,4.42,4.42,4.31,4.07,3.86,3.82,3.93,4.12,4.35,4.87,4.86
2025-07-03,4.35,4.43,4.5,4.42,4.41,4.34,4.07,3.88,3.84,3.94,4.12,4.35,4.87,4.86
2025-06-12,4.18,4.3,4.49,4.46,4.4,4.29,4.06,3.9,3.85,3.97,4.15,4.36,4.86,4.84
2025-03-20,4.36,4.34,4.34,4.33,4.29,4.27,4.06,3.95,3.93,4.01,4.12,4.24,4.57,4.55
"""
# FRED CSV downloads (observation_date,ID; empty value = no observation)
FRED = {
    "DGS10": "2025-07-03,4.35\n2025-07-04,\n2025-07-10,4.35\n2025-07-11,4.43\n2025-11-28,4.02\n"
             "2025-12-23,4.18\n2025-12-25,\n2025-12-29,4.12\n2025-12-30,4.14\n",
    "DGS30": "2025-07-11,4.96\n2025-11-28,4.67\n2025-12-23,4.83\n2025-12-30,4.81\n",
    "DEXJPUS": "2025-12-23,156.33\n2025-12-30,156.26\n2025-12-31,156.80\n",
    "WALCL": "2025-11-26,6552419.0\n2025-12-17,6556861.0\n2025-12-24,6581231.0\n",
}
# MOF JGB benchmark yields, Japanese file (era dates, '-' = not quoted)
JGB = """\
基準日,1年,2年,3年,4年,5年,6年,7年,8年,9年,10年,15年,20年,25年,30年,40年
R7.7.4,0.583,0.736,0.786,0.9,0.992,1.046,1.124,1.216,1.333,1.444,2.018,2.391,2.677,2.852,3.129
R7.7.11,0.591,0.764,0.816,0.931,1.035,1.094,1.178,1.275,1.395,1.507,2.105,2.503,2.806,2.992,3.278
R7.11.28,0.796,0.992,1.076,1.221,1.326,1.415,1.519,1.622,1.718,1.812,2.394,2.819,3.19,3.3,3.558
R7.12.23,0.858,1.111,1.217,1.386,1.515,1.609,1.719,1.829,1.94,2.039,2.586,2.951,3.322,3.371,3.552
R7.12.30,0.906,1.167,1.282,1.449,1.567,1.657,1.762,1.875,1.973,2.066,2.606,2.952,3.308,3.354,3.475
R8.1.30,0.996,1.251,1.381,1.54,1.666,1.774,1.884,2.004,2.127,2.247,2.848,3.186,3.543,3.577,3.681
R8.2.20,1.033,1.26,1.357,1.501,1.622,1.7,1.79,1.908,2.019,2.125,2.657,2.965,3.267,3.323,3.431
R8.2.27,1.023,1.25,1.335,1.473,1.594,1.68,1.776,1.902,2.019,2.132,2.636,2.979,3.286,3.342,3.44
"""
# Fiscal Data auctions_query CSV (API field names), the 30-year auctions of April-July 2025
AUCTIONS = """\
auction_date,security_type,security_term,original_security_term,reopening,cusip,issue_date,maturity_date,\
offering_amt,comp_accepted,primary_dealer_accepted,direct_bidder_accepted,indirect_bidder_accepted,\
total_accepted,soma_accepted,high_yield,bid_to_cover_ratio
2025-04-10,Bond,29-Year 10-Month,30-Year,Yes,912810UG1,2025-04-15,2055-02-15,22000000000,21962662700,\
2700788000,5671321700,13590553000,25672036400,3672020400,4.8130,2.430000
2025-05-08,Bond,30-Year,30-Year,No,912810UK2,2025-05-15,2055-05-15,25000000000,24916150000,3467657500,\
6778900000,14669592500,33824847300,8824824300,4.8190,2.310000
2025-06-12,Bond,29-Year 11-Month,30-Year,Yes,912810UK2,2025-06-16,2055-05-15,22000000000,21965397000,\
2507004000,5145200000,14313193000,22395657700,395645000,4.8440,2.430000
2025-07-10,Bond,29-Year 10-Month,30-Year,Yes,912810UK2,2025-07-15,2055-05-15,22000000000,21973765000,\
2816850000,6019900000,13137015000,24603117400,2603115300,4.8890,2.380000
"""
# Investor Class Auction Allotments, compiled CSV (shares of the public allotment, percent)
ALLOTMENTS = """\
issue_date,tenor,cusip,Banks,Individuals,Dealers,Pensions & insurers,Investment funds,Foreign,Other,public_size_bn
2025-06-16,30-Year,912810UK2,0.0,0.2772632460928434,14.206839657040105,0.0,74.06848535223979,11.447411744627269,0.0,21.999994899999997
"""
# TIC Major Foreign Holders, current mfh.txt layout
TIC = """\
                    MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES
                              (in billions of dollars)
                            HOLDINGS 1/ AT END OF PERIOD

                       Jun      May      Apr
Country               2025     2025     2025
                    ------   ------   ------

Japan               1147.6   1135.0   1134.5
Grand Total         9132.3   9051.1   9012.9

Department of the Treasury/Federal Reserve Board
August 18, 2025
"""
# Census goods trade with Japan, the mirror's monthly table ($ millions)
CENSUS = """\
month,exports_to_japan_musd,imports_from_japan_musd,balance_musd
2024-01,5638.8,12576.2,-6937.4
"""
NOISE = "4.0649999999999995"  # what `curve us --date 2025-03-20 --at 6y` printed: (4.01 + 4.12) / 2


def write_mirror(root: Path) -> Path:
    files = {
        "treasury/par_yield_curve/2025-daily-treasury-rates.csv": PAR_CURVE,
        "mof_japan/jgbcm_all.csv": JGB,
        "treasury/auctions/fiscaldata_auctions_2025.csv": AUCTIONS,
        "treasury/auctions/investor_class_allotments_2025.csv": ALLOTMENTS,
        "tic/mfh.txt": TIC,
        "census/us_japan_goods_trade_monthly.csv": CENSUS,
        **{f"fred/{sid}.csv": f"observation_date,{sid}\n{rows}" for sid, rows in FRED.items()},
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> tuple[Path, Path]:
    """(mirror folder, warehouse file) after `bondwatch update --from DIR` in a fresh home."""
    root = write_mirror(tmp_path_factory.mktemp("small-mirror"))
    home = tmp_path_factory.mktemp("small-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BONDWATCH_HOME", str(home))
        from bondwatch.cli import main

        main(["update", "--from", str(root)])  # exits (SystemExit) only on failure
    return root, home / "bondwatch.duckdb"


@pytest.fixture
def home(small_warehouse, tmp_path, monkeypatch) -> Path:
    import shutil

    shutil.copyfile(small_warehouse[1], tmp_path / "bondwatch.duckdb")
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    return tmp_path


def _items(capsys, *args: str) -> tuple[dict, dict]:
    code, out, _ = run_cli(capsys, "snapshot", *args, "--json")
    assert code == 0
    doc = json.loads(out)
    return doc["meta"], {i["label"]: i for i in doc["data"]}


# ----------------------------------------------------------------------------- snapshot
def test_snapshot_after_the_us_data_ends_uses_the_newer_dgs10_with_its_date_and_no_changes(home, capsys):
    meta, items = _items(capsys, "--date", "2026-02-27")
    ust = items["UST 10y"]
    # DGS10 4.14 on 2025-12-30 is newer than the par curve's 4.43 on 2025-07-11
    assert (ust["value"], ust["as_of"], ust["source"], ust["stale"]) == (4.14, "2025-12-30", "DGS10", True)
    assert ust["chg_1w"] is ust["chg_1m"] is ust["chg_1y"] is None
    assert (items["JGB 10y"]["value"], items["JGB 10y"]["as_of"]) == (2.132, "2026-02-27")
    assert items["JGB 10y"]["chg_1w"] == pytest.approx((2.132 - 2.125) * 100)  # vs 2026-02-20
    spread = items["UST-JGB 10y spread"]
    assert spread["value"] is None and spread["chg_1m"] is None  # legs 59 days apart: not computed
    assert "UST-JGB 10y spread: not computed: UST 10y is dated 2025-12-30, JGB 10y 2026-02-27 (59 days apart)" \
        in meta["warnings"]
    assert "UST 10y: latest observation 2025-12-30 (DGS10) is 59 days before 2026-02-27; no changes shown" \
        in meta["warnings"]
    assert meta["us_yields_held_to"] == "2025-12-30"


def test_snapshot_text_dates_each_value_and_warns_on_stderr(home, capsys):
    code, out, err = run_cli(capsys, "snapshot", "--date", "2026-02-27")
    assert code == 0
    ust = next(line for line in out.splitlines() if line.startswith("UST 10y"))
    assert ust.split() == ["UST", "10y", "4.140", "%", "2025-12-30", "-", "-", "-", "bp"]
    assert "US yields held to 2025-12-30" in out
    assert "warning: UST-JGB 10y spread: not computed" in err


def test_snapshot_on_the_last_us_day_computes_changes_from_dated_observations(home, capsys):
    _, items = _items(capsys)  # default date: the latest US yield, 2025-12-30
    ust = items["UST 10y"]
    assert (ust["value"], ust["as_of"], ust["stale"]) == (4.14, "2025-12-30", False)
    assert ust["chg_1w"] == pytest.approx(-4.0)  # 4.18 on 2025-12-23
    assert ust["chg_1m"] == pytest.approx(12.0)  # 4.02 on 2025-11-28, the last before 2025-11-30
    assert ust["chg_1y"] is None  # nothing held within 10 days of 2024-12-30
    assert items["UST-JGB 10y spread"]["value"] == pytest.approx(4.14 - 2.066)
    assert items["Fed total assets"]["value"] == pytest.approx(6581.231)
    assert items["Fed total assets"]["chg_1w"] == pytest.approx(6581.231 - 6556.861)


def test_snapshot_prefers_the_par_curve_while_it_is_fresh(home, capsys):
    _, items = _items(capsys, "--date", "2025-07-11")
    assert (items["UST 10y"]["value"], items["UST 10y"]["source"]) == (4.43, "us_par 10y")
    assert items["UST 10y"]["chg_1w"] == pytest.approx(8.0)  # par 10y 4.35 on 2025-07-03


def test_snapshot_change_needs_an_earlier_observation():
    anchor = market.Date(2025, 12, 30)
    assert market._is_recent((market.Date(2025, 12, 20), 1.0), anchor)
    assert not market._is_recent((market.Date(2025, 12, 19), 1.0), anchor)
    assert market._spread((market.Date(2025, 12, 30), 4.14), (market.Date(2026, 2, 27), 2.132)) is None


# ----------------------------------------------------------------------------- provenance
def test_fred_provenance_rows_equal_the_observations_stored(small_warehouse):
    with store.Warehouse(small_warehouse[1]) as wh:
        rows = wh.rows(
            "SELECT p.location, p.rows, (SELECT count(*) FROM series s WHERE s.provenance_id = p.id) "
            "FROM provenance p WHERE p.dataset = 'fred.series'"
        )
    by_id = {Path(loc).stem: (recorded, stored) for loc, recorded, stored in rows}
    assert by_id["DGS10"] == (7, 7)  # 9 dated lines, 2 of them empty (no observation)
    assert all(recorded == stored for recorded, stored in by_id.values())


def test_series_and_curve_frames_carry_the_provenance_id(home):
    with store.Warehouse() as wh:
        ids = {Path(loc).name: pid for pid, loc in wh.rows("SELECT id, location FROM provenance")}
    frame = market.series("DGS10")
    assert set(frame["provenance_id"]) == {ids["DGS10.csv"]}
    assert frame.attrs["title"].startswith("Market Yield on U.S. Treasury Securities at 10-Year")
    curve = market.yield_curve("us", "2025-07-11", at=["7.5y"])
    published = curve[~curve["interpolated"]]
    assert set(published["provenance_id"]) == {ids["2025-daily-treasury-rates.csv"]}
    assert curve.loc[curve["interpolated"], "provenance_id"].isna().all()


def test_census_mirror_checksum_is_sha256_of_the_file(small_warehouse):
    root, warehouse = small_warehouse
    with store.Warehouse(warehouse) as wh:
        (checksum,) = wh.rows("SELECT checksum FROM provenance WHERE dataset = 'census.trade_goods'")[0]
    assert checksum == hashlib.sha256((root / "census/us_japan_goods_trade_monthly.csv").read_bytes()).hexdigest()


def test_census_live_checksum_is_sha256_of_the_answers_as_served(tmp_path):
    """The API's answers, with the publisher's line breaks, are kept byte for byte (not re-serialised)."""
    from bondwatch.service.update import import_batches
    from bondwatch.sources import census
    from bondwatch.sources.registry import by_name

    served = {
        "exports": b'[["CTY_CODE","CTY_NAME","ALL_VAL_MO","time","CTY_CODE"],\n'
                   b'["5880","JAPAN","5638812345","2024-01","5880"]]',
        "imports": b'[["CTY_CODE","CTY_NAME","GEN_VAL_MO","time","CTY_CODE"],\n'
                   b'["5880","JAPAN","12576198765","2024-01","5880"]]',
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=served["exports" if "/exports/" in request.url.path else "imports"])

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = census.fetch(client)
    raw = b'{"exports": ' + served["exports"] + b', "imports": ' + served["imports"] + b'}'
    assert fetched[0].data == raw
    import_batches([(by_name("census.trade_goods"), fetched[0])], warehouse=tmp_path / "w.duckdb")
    with store.Warehouse(tmp_path / "w.duckdb") as wh:
        checksum, rows = wh.rows("SELECT checksum, rows FROM provenance")[0]
        exports, imports = wh.rows("SELECT exports_musd, imports_musd FROM trade_goods")[0]
    assert checksum == hashlib.sha256(raw).hexdigest() and rows == 1
    assert (exports, imports) == pytest.approx((5638.812345, 12576.198765))


# ----------------------------------------------------------------------------- views: dates held, warnings
def test_curve_after_its_end_names_the_dates_held(home, capsys):
    code, _, err = run_cli(capsys, "curve", "us", "--date", "2026-02-27")
    assert code == 2 and err.count("\n") == 1
    assert "no US Treasury par curve on or within 10 days before 2026-02-27 in the warehouse " \
           "(it holds 2025-03-20 to 2025-07-11)" in err
    code, out, err = run_cli(capsys, "curve", "us", "--date", "2025-07-14")
    assert code == 0 and "US Treasury par curve, 2025-07-11" in out and "holds 2025-03-20 to 2025-07-11" in out
    assert "warning: US Treasury par curve ends 2025-07-11 in the warehouse, before 2025-07-14" in err


def test_series_past_its_end_warns(home, capsys):
    code, out, err = run_cli(capsys, "series", "DGS10", "--until", "2026-02-27", "--json")
    meta = json.loads(out)["meta"]
    assert code == 0 and meta["held_to"] == "2025-12-30"
    assert meta["warnings"] == ["DGS10 ends 2025-12-30 in the warehouse, before the 2026-02-27 asked for"]
    assert err == "warning: DGS10 ends 2025-12-30 in the warehouse, before the 2026-02-27 asked for\n"


def test_foreign_says_where_tic_ends(home, capsys):
    code, out, err = run_cli(capsys, "foreign", "--holder", "japan", "--tenor", "30y")
    assert code == 0
    assert "warning: TIC holdings end 2025-06 in the warehouse; the auctions after it, to 2025-07-10, " \
           "have no TIC figures" in err
    assert "2025-06-12  912810UK2            11.45" in out


def test_bills_asked_for_say_none_are_held(home, capsys):
    for args in (("auction", "13w"), ("auctions", "--tenor", "13w")):
        code, _, err = run_cli(capsys, *args)
        assert code == 2 and err.count("\n") == 1
        assert "no bills held: the offline mirror holds coupon auctions only" in err


# ----------------------------------------------------------------------------- auctions --last
def test_auctions_last_3(home, capsys):
    code, out, _ = run_cli(capsys, "auctions", "--last", "3")
    rows = out.splitlines()[2:]
    assert code == 0 and [r.split()[0] for r in rows] == ["2025-05-08", "2025-06-12", "2025-07-10"]
    assert rows[1].split()[5:7] == ["4.844", "2.43"]
    code, out, _ = run_cli(capsys, "auctions", "--tenor", "30y", "--last", "1", "--csv")
    assert out.splitlines()[1].startswith("2025-07-10,912810UK2,30y")


# ----------------------------------------------------------------------------- output
def test_csv_and_json_round_to_the_publishers_precision(home, capsys):
    code, out, _ = run_cli(capsys, "curve", "us", "--date", "2025-03-20", "--at", "6y", "--csv")
    assert code == 0 and "us_par,2025-03-20,6y,6.0,4.065,,True" in out and NOISE not in out
    code, out, _ = run_cli(capsys, "curve", "us", "--date", "2025-03-20", "--at", "6y", "--json")
    six_years = next(r for r in json.loads(out)["data"] if r["tenor"] == "6y")
    assert code == 0 and six_years["yield_pct"] == 4.065 and NOISE not in out
    code, out, _ = run_cli(capsys, "foreign", "--holder", "japan", "--json")
    assert code == 0
    row = next(r for r in json.loads(out)["data"] if r["auction_date"] == "2025-06-12")
    assert row["foreign_allotment_pct"] == 11.45  # published 11.447411744627269 in the compiled file


TABLE_COMMANDS = [
    ("snapshot",), ("snapshot", "--date", "2026-02-27"), ("snapshot", "--date", "2025-07-11"),
    ("curve", "us"), ("curve", "jp", "--at", "7.5y"), ("series", "WALCL"), ("series", "DGS10"),
    ("fx", "usdjpy"), ("foreign", "--holder", "japan"), ("foreign", "--by", "month"),
    ("auctions",), ("auctions", "--last", "3"), ("auction", "30y"), ("auction", "912810UK2"),
]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("form", ["text", "--csv", "--json"])
def test_no_nan_dangling_suffix_exponent_or_float_noise(home, capsys, args, form):
    code, out, err = run_cli(capsys, *args, *(() if form == "text" else (form,)))
    assert code == 0, err
    for bad in (r"\bnan\b", r"\bNaN\b", r"-%", r"\de[+-]\d", r"\binf", r"\.\d*(99999|00000)\d"):
        assert not re.search(bad, out), f"{bad!r} in `bondwatch {' '.join(args)} {form}`"
    if args == ("series", "WALCL") and form == "text":
        assert "latest 6,581,231" in out


# ----------------------------------------------------------------------------- charts
@pytest.mark.parametrize(("args", "suffix", "magic"), [
    (("series", "DGS10"), ".pdf", b"%PDF"), (("series", "DGS10"), ".svg", b"<?xml"),
    (("auction", "30y"), ".pdf", b"%PDF"), (("auction", "30y"), ".png", b"\x89PNG"),
])
def test_every_chart_takes_png_svg_pdf(home, capsys, tmp_path, args, suffix, magic):
    path = tmp_path / f"chart{suffix}"
    code, _, err = run_cli(capsys, *args, "--chart", str(path))
    assert code == 0 and path.read_bytes().startswith(magic) and f"chart written to {path}" in err


@pytest.mark.parametrize("args", [("series", "DGS10"), ("auction", "30y")])
def test_unknown_chart_format_is_one_line(home, capsys, tmp_path, args):
    code, out, err = run_cli(capsys, *args, "--chart", str(tmp_path / "chart.jpg"))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "unknown chart format '.jpg'; expected a file name ending in .png, .svg or .pdf" in err


def test_tables_print_published_figures_with_their_decimals_and_separators(home, capsys):
    code, out, _ = run_cli(capsys, "fx", "usdjpy")
    assert code == 0 and "2025-12-31  156.80" in out and "2025-12-30  156.26" in out  # H.10 prints 2 decimals
    code, out, _ = run_cli(capsys, "series", "WALCL")
    assert code == 0 and "2025-12-24  6,581,231" in out


def test_output_helpers():
    from bondwatch.cli.output import fmt, fmt_published, published_decimals
    from bondwatch.result import jsonable, published

    assert published(4.0649999999999995, "high_yield") == 4.065 and published(4.0649999999999995) == 4.065
    assert published(-24.299999999999955, "chg_3m_bn") == -24.3 and published(float("nan")) is None
    assert jsonable({"chg_3m_bn": [-24.299999999999955], "x": {"yield_pct": 1.2015}}) == {
        "chg_3m_bn": [-24.3], "x": {"yield_pct": 1.202}}
    assert fmt(None, 3, "%") == fmt(float("nan"), 3, "%") == "-" and fmt(6581231.0, 0) == "6,581,231"
    assert fmt_published(6581231.0) == "6,581,231" and fmt_published(1e-7) == "0.0000001"
    assert published_decimals([156.1, 156.26, float("nan")]) == 2
