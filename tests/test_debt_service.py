"""Debt service, API and CLI on a warehouse filled from the mirror's IMF WEO file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bondwatch as bw
from bondwatch.errors import UsageError
from bondwatch.models.debt import maturity_for_remaining
from tests.conftest import home_holding, need_mirror, run_cli
from tests.test_debt_tables import imf_warehouse, table_row


@pytest.fixture(scope="module")
def weo_warehouse(tmp_path_factory) -> Path:
    """A warehouse with the mirror's WEO April 2025 rows."""
    return imf_warehouse(need_mirror(), tmp_path_factory)


@pytest.fixture
def home(weo_warehouse, monkeypatch, tmp_path) -> Path:
    return home_holding(weo_warehouse, tmp_path, monkeypatch)


def by_year(frame, column="debt_gdp"):
    return frame.set_index("year")[column]


@pytest.mark.parametrize("country, debt_2030", [("US", 128.15), ("usa", 128.15), ("JP", 231.68), ("JPN", 231.68)])
def test_baseline_reproduces_weo_2030(home, country, debt_2030):
    frame = bw.debt_project(country)
    assert by_year(frame)[2030] == pytest.approx(debt_2030, abs=0.05)
    assert frame["year"].tolist() == list(range(2025, 2036))
    assert frame.attrs["start_debt_gdp"] == {"US": 120.79, "usa": 120.79}.get(country, 236.66)
    assert all(a["source"] for a in frame.attrs["assumptions"])


def test_jgb_yields_pass_through_as_the_stock_rolls_over(home):
    base = bw.debt_project("JP")
    shifted = bw.debt_project("JP", "jp-yields-100bp")
    # 9 years 5 months of average remaining maturity (MOF, FY2023): bonds of 18.83 years at issue
    m = maturity_for_remaining(9 + 5 / 12, 0.0)
    assert shifted.attrs["maturity_at_issue_years"] == pytest.approx(18.8257, abs=1e-4)
    assert shifted.attrs["avg_remaining_maturity_years"] == pytest.approx(9 + 5 / 12, abs=1e-4)
    extra = by_year(shifted, "net_interest_rate") - by_year(base, "net_interest_rate")
    assert extra[2025] == pytest.approx(0.0, abs=1e-12)
    # 2026: 1/m of the end-2024 stock rolls over; relative to the end-2025 stock (in yen)
    stock_growth = by_year(base)[2025] / 236.66 * (1 + by_year(base, "nominal_growth")[2025] / 100)
    assert extra[2026] == pytest.approx(1 / m / stock_growth, abs=1e-12)
    # after ten years of rolling, about half of the yield rise has reached the stock, not all of it
    assert 0.4 < extra[2035] < 0.7
    extra_200 = by_year(bw.debt_project("JP", "jp-yields-200bp"), "net_interest_rate") - by_year(base, "net_interest_rate")
    assert extra_200[2035] == pytest.approx(2 * extra[2035], rel=0.02)
    assert by_year(shifted)[2035] - by_year(base)[2035] > 5


def test_us_deficit_scenarios_add_the_cbo_totals(home):
    frames = bw.debt_compare("US", "us-baseline", "us-deficits-2.4t", "us-deficits-3.4t", "us-deficits-3.4t-feedback")
    wide = frames.pivot(index="year", columns="scenario", values="primary_balance")
    from bondwatch.models.debt_baseline import weo_fiscal_table
    from bondwatch.store import Warehouse

    with Warehouse() as wh:
        table = weo_fiscal_table(wh.frame("SELECT subject_code, year, value FROM weo WHERE iso = 'USA'"))
    growth = np.r_[table.loc[2025:2030, "nominal_growth"].to_numpy(), np.full(5, table.loc[2030, "nominal_growth"])]
    ngdp = table.loc[2024, "ngdp"] * np.cumprod(1 + growth / 100)
    for name, total in (("us-deficits-2.4t", 2416.0), ("us-deficits-3.4t", 3400.0)):
        added = ((wide["us-baseline"] - wide[name]) / 100 * ngdp).loc[2025:2034]
        assert added.sum() == pytest.approx(total, abs=1e-6)
        assert added[2025] == pytest.approx(added[2029]) and added[2025] > added[2030]
    debt = frames.pivot(index="year", columns="scenario", values="debt_gdp")
    # CBO (4 Aug 2025): P.L. 119-21 raises debt held by the public in 2034 by 9.5 pp of GDP with debt service
    assert debt.loc[2034, "us-deficits-3.4t"] - debt.loc[2034, "us-baseline"] == pytest.approx(9.5, abs=1.0)
    assert np.all(debt["us-deficits-3.4t-feedback"].loc[2026:] > debt["us-deficits-3.4t"].loc[2026:])


def test_yield_feedback_is_two_bp_per_point_of_extra_debt(home):
    plain = bw.debt_project("US", "us-deficits-2.4t")
    fed = bw.debt_project("US", "us-deficits-2.4t-feedback")
    base = bw.debt_project("US")
    # the 2026 market-yield shift responds to the 2025 debt gap, 2 bp per pp
    gap_2025 = by_year(fed)[2025] - by_year(base)[2025]
    assert by_year(fed, "market_shift")[2026] == pytest.approx(0.02 * gap_2025, abs=1e-12)
    assert by_year(plain, "market_shift").abs().max() == 0


def test_fan_chart_bands_and_probabilities(home):
    frame = bw.debt_project("US", paths=20_000, seed=5, method="normal")
    bands = frame[[f"debt_gdp_p{p}" for p in (5, 10, 25, 50, 75, 90, 95)]].to_numpy()
    assert np.all(np.diff(bands, axis=1) >= 0)
    assert np.abs(frame["debt_gdp_p50"] - frame["debt_gdp"]).max() < 2.0
    probs = frame.attrs["probabilities"]
    assert 0.5 < probs["prob_debt_year5_above_today"] < 1.0  # the baseline rises from 120.8 to 127.0
    again = bw.debt_project("US", paths=20_000, seed=5, method="normal")
    assert again.attrs["probabilities"] == probs


def test_stress_tests(home):
    frame = bw.debt_stress("US")
    wide = frame.pivot(index="year", columns="scenario", values="debt_gdp")
    assert set(wide.columns) == {"baseline", "growth", "primary_balance", "interest_rate", "exchange_rate", "combined"}
    assert np.allclose(wide["exchange_rate"], wide["baseline"])  # no foreign-currency debt
    for name in ("growth", "primary_balance", "interest_rate"):
        assert np.all(wide[name] > wide["baseline"])
        assert np.all(wide["combined"] >= wide[name])
    rate = frame[frame["scenario"] == "interest_rate"].set_index("year")["net_interest_rate"]
    base_rate = frame[frame["scenario"] == "baseline"].set_index("year")["net_interest_rate"]
    # bills (21%) and 1/m of the bonds reprice in year 1, m = 14.70 years at issue (71 months remaining)
    assert rate[2025] - base_rate[2025] == pytest.approx(2.0 * (0.21 + 0.79 / maturity_for_remaining(71 / 12, 0.21)),
                                                         abs=1e-9)
    # growth shock: one s.d. of 2002-2024 real growth off 2025 and 2026 only
    growth = frame[frame["scenario"] == "growth"].set_index("year")
    sd = frame.attrs["sd_real_growth"]
    base = bw.debt_project("US").set_index("year")
    assert growth.loc[2025, "debt_gdp"] == pytest.approx(
        base.loc[2025, "debt_gdp"] + 120.79 * (1 + base.loc[2025, "net_interest_rate"] / 100) / (1 + base.loc[2025, "nominal_growth"] / 100)
        * ((1 + base.loc[2025, "real_growth"] / 100) / (1 + (base.loc[2025, "real_growth"] - sd) / 100) - 1), abs=1e-9)


def test_custom_stress_scenarios(home, tmp_path):
    spec = tmp_path / "custom.yaml"
    spec.write_text("scenarios:\n  slump:\n    real_growth: {2026: -3.0}\n    market_rate: {from: 2027, pp: 1.5}\n")
    frame = bw.debt_stress("JP", custom=str(spec))
    slump = frame[frame["scenario"] == "slump"].set_index("year")["debt_gdp_vs_baseline"]
    assert slump[2025] == 0 and slump[2026] > 0 and slump[2035] > slump[2027]
    with pytest.raises(UsageError, match=r"slump.real_growth: year '?2040'? outside the projection 2025-2035"):
        bw.debt_stress("JP", custom={"slump": {"real_growth": {2040: -1}}})


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bw.debt_project("FR"), "country = 'FR': expected one of US, USA, JP, JPN"),
        (lambda: bw.debt_project("US", "us-nothing"), "scenario = 'us-nothing': expected one of"),
        (lambda: bw.debt_project("US", "jp-baseline"), "scenario jp-baseline is for JPN, not USA"),
        (lambda: bw.debt_project("US", paths=0), "paths = 0: expected a whole number between 1 and 1,000,000"),
        (lambda: bw.debt_project("US", paths=1_000_001), "paths = 1000001"),
        (lambda: bw.debt_compare("US"), "scenarios: name at least one scenario"),
    ],
)
def test_bad_requests(home, call, message):
    with pytest.raises(UsageError) as err:
        call()
    assert message in str(err.value)


def test_scenario_files_need_a_source_and_a_valid_maturity(home, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncountry: US\nextends: us-baseline\nassumptions:\n  avg_maturity_years: {value: 3}\n")
    with pytest.raises(UsageError, match="assumption 'avg_maturity_years' needs a 'value' and a 'source'"):
        bw.debt_project("US", str(bad))
    bad.write_text("name: bad\ncountry: US\nextends: us-baseline\nassumptions:\n"
                   "  avg_maturity_years: {value: -4, source: test}\n")
    with pytest.raises(UsageError, match="avg_maturity = -4: expected years between 1 and 50"):
        bw.debt_project("US", str(bad))


def test_every_shipped_preset_cites_its_sources(home):
    from bondwatch.service.debt import load_scenario, preset_names

    names = preset_names()
    assert {"us-baseline", "us-deficits-2.4t", "us-deficits-3.4t", "us-deficits-2.4t-feedback",
            "us-deficits-3.4t-feedback", "jp-baseline", "jp-yields-100bp", "jp-yields-200bp"} <= set(names)
    for name in names:
        scenario = load_scenario(name)
        assert set(scenario["sources"]) == set(scenario["assumptions"])
        assert all(len(s) > 20 for s in scenario["sources"].values())


# --- CLI ----------------------------------------------------------------------------------------



def test_cli_project_json_has_years_contributions_and_bands(home, capsys, tmp_path):
    chart = tmp_path / "jp.svg"
    code, out, _ = run_cli(capsys, "debt", "project", "JP", "--paths", "2000", "--seed", "1", "--json",
                           "--chart", str(chart))
    assert code == 0
    doc = json.loads(out)
    first = doc["data"][0]
    for key in ("year", "debt_gdp", "primary_balance", "net_interest_gdp", "net_interest_rate", "gfn_gdp", "contrib_primary_balance", "contrib_interest",
                "contrib_real_growth", "contrib_inflation", "contrib_exchange_rate", "contrib_stock_flow",
                "debt_gdp_p5", "debt_gdp_p95"):
        assert key in first
    assert first["year"] == 2025 and first["debt_gdp"] == pytest.approx(234.86, abs=0.05)
    assert set(doc["meta"]["probabilities"]) == {"prob_debt_year5_above_today", "prob_debt_stabilises"}
    assert chart.read_text().lstrip().startswith("<?xml")


def test_cli_stress_and_compare_tables(home, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "debt", "stress", "US")
    assert code == 0 and "interest_rate" in out and "combined" in out
    chart = tmp_path / "us.png"
    code, out, _ = run_cli(capsys, "debt", "compare", "US", "us-baseline", "us-deficits-2.4t", "--chart", str(chart))
    assert code == 0 and "us-deficits-2.4t" in out and "128.16" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (("debt", "project", "XX"), "error: country = 'XX': expected one of US, USA, JP, JPN"),
        (("debt", "project", "US", "--paths", "0"), "error: paths = 0: expected a whole number between 1 and 1,000,000"),
        (("debt", "project", "US", "--scenario", "nope"), "error: scenario = 'nope'"),
        (("debt", "project", "US", "--chart", "x.pdf"), "error: chart = x.pdf: expected a file name ending in .png or .svg"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(home, capsys, args, message):
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1


def test_cli_module_imports_no_heavy_libraries():
    probe = "import sys, bondwatch.cli.debt; print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'duckdb') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("country, year, pb, contribution", [("US", 2025, "-2.61", "2.61"), ("JP", 2025, "-2.44", "2.44")])
def test_cli_table_shows_weo_primary_balance_and_its_contribution(home, capsys, country, year, pb, contribution):
    code, out, _ = run_cli(capsys, "debt", "project", country)
    assert code == 0
    row = table_row(out, year)
    assert (row["pb"], row["c:pb"]) == (pb, contribution)  # WEO April 2025 primary balance, % of GDP
