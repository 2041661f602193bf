"""Debt tables that read right, on a tiny IMF WEO fixture (US rows of WEO April 2025, 2023-2030).

Always runs: the fixture is a few real WEO values in the mirror's WEO layout, imported by the IMF
source module into a fresh warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bondwatch as bw
from bondwatch.errors import UsageError
from tests.conftest import home_holding, run_cli

YEARS = range(2023, 2031)
# IMF, World Economic Outlook database, April 2025, United States (values as published)
US_WEO_2025_04 = {
    ("NGDP_RPCH", "Gross domestic product, constant prices", "Percent change", "Units"):
        [2.89, 2.80, 1.83, 1.74, 1.98, 2.12, 2.12, 2.12],
    ("NGDP", "Gross domestic product, current prices", "National currency", "Billions"):
        [27720.73, 29184.90, 30507.22, 31717.64, 32941.71, 34342.13, 35712.82, 37153.09],
    ("GGXCNL_NGDP", "General government net lending/borrowing", "Percent of GDP", "Units"):
        [-7.16, -7.26, -6.46, -5.49, -5.35, -5.62, -5.49, -5.61],
    ("GGXONLB_NGDP", "General government primary net lending/borrowing", "Percent of GDP", "Units"):
        [-3.94, -3.56, -2.61, -1.48, -1.38, -1.71, -1.59, -1.78],
    ("GGXWDG_NGDP", "General government gross debt", "Percent of GDP", "Units"):
        [119.00, 120.79, 122.46, 123.69, 124.93, 125.91, 127.01, 128.15],
    ("GGXWDG", "General government gross debt", "National currency", "Billions"):
        [32987.13, 35251.18, 37360.42, 39232.05, 41152.55, 43238.70, 45359.70, 47613.31],
}


def imf_warehouse(folder: Path, tmp_path_factory) -> Path:
    """A new warehouse file holding the IMF WEO files of ``folder`` (mirror layout, ``imf/weo_*.csv``),
    imported by the IMF source module."""
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("weo-wh") / "bondwatch.duckdb"
    update(from_dir=folder, only=["imf"], warehouse=path)
    return path


@pytest.fixture(scope="module")
def weo_fixture_warehouse(tmp_path_factory) -> Path:
    """A warehouse holding the fixture rows, imported from a file named like the WEO extract."""
    folder = tmp_path_factory.mktemp("weo-fixture")
    (folder / "imf").mkdir()
    header = ["ISO", "WEO Subject Code", "Subject Descriptor", "Units", "Scale", *map(str, YEARS),
              "Estimates Start After"]
    lines = [",".join(header)]
    for (code, descriptor, units, scale), values in US_WEO_2025_04.items():
        lines.append(",".join(["USA", code, f'"{descriptor}"', units, scale, *(f"{v:.2f}" for v in values), "2024"]))
    (folder / "imf" / "weo_2025-04_usa.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return imf_warehouse(folder, tmp_path_factory)


@pytest.fixture
def home(weo_fixture_warehouse, monkeypatch, tmp_path) -> Path:
    return home_holding(weo_fixture_warehouse, tmp_path, monkeypatch)


def table_row(text: str, year: int) -> dict[str, str]:
    """The row of ``year`` in the projection table of `bondwatch debt project`, keyed by header."""
    lines = text.splitlines()
    head = next(line.split() for line in lines if line.startswith("year "))
    row = next(line.split() for line in lines if line.startswith(f"{year} "))
    return dict(zip(head, row))


def test_text_table_shows_the_primary_balance_in_weo_sign_beside_its_contribution(home, capsys):
    code, out, _ = run_cli(capsys, "debt", "project", "US")
    assert code == 0
    row = table_row(out, 2025)
    # WEO April 2025: US general government primary balance 2025 = -2.61% of GDP (a deficit)
    assert row["pb"] == "-2.61"
    assert row["c:pb"] == "2.61"  # the deficit adds 2.61 pp to the debt ratio
    assert row["debt"] == "122.47"  # WEO: 122.46
    contributions = sum(float(row[k]) for k in ("c:pb", "c:int", "c:growth", "c:infl", "c:fx", "c:sfa"))
    assert contributions == pytest.approx(float(row["chg"]), abs=0.03)
    assert "debt = general government gross debt (IMF WEO), 2024: 120.79% of GDP" in out
    assert "c:pb = -pb" in out and "pb = primary balance (+ = surplus, WEO's sign)" in out
    assert "maturity: bills 21% of the stock, new bonds 14.70 years at issue; average remaining maturity 5.92" in out


def test_json_names_net_interest_as_net_interest(home, capsys):
    code, out, _ = run_cli(capsys, "debt", "project", "US", "--json")
    assert code == 0
    first = json.loads(out)["data"][0]
    assert "effective_rate" not in first and "interest_gdp" not in first
    # WEO: primary balance -2.61 minus overall balance -6.46 = net interest 3.85% of GDP (the
    # recursion gives it back to the rounding of WEO's ratios); over 2024 gross debt:
    # 3.85% x 30,507.22 / 35,251.18 = 3.332%
    assert first["net_interest_gdp"] == pytest.approx(3.85, abs=1e-3)
    assert first["net_interest_rate"] == pytest.approx(3.85 * 30507.22 / 35251.18, abs=1e-9)
    assert first["primary_balance"] == pytest.approx(-2.61)
    assert first["contrib_primary_balance"] == pytest.approx(2.61)
    assert json.loads(out)["meta"]["debt_concept"] == "general government gross debt (IMF WEO)"


def test_projection_reports_the_calibrated_maturity(home):
    frame = bw.debt_project("US")
    assert frame.attrs["avg_remaining_maturity_years"] == pytest.approx(71 / 12, abs=1e-12)
    assert frame.attrs["maturity_at_issue_years"] == pytest.approx(14.6988, abs=1e-4)


def test_compare_and_stress_name_the_debt_concept(home, capsys):
    code, out, _ = run_cli(capsys, "debt", "compare", "US", "us-baseline", "us-deficits-3.4t")
    assert code == 0
    assert "USA: general government gross debt (IMF WEO), % of GDP" in out
    assert "net interest paid (interest expense minus interest revenue, IMF WEO), % of GDP" in out


def test_deficit_blocks_add_cbo_totals_and_one_year_blocks_hit_their_year(home, tmp_path):
    base = bw.debt_project("US").set_index("year")
    ngdp_2024 = 29184.90
    ngdp = ngdp_2024 * (1 + base["nominal_growth"] / 100).cumprod()
    law = bw.debt_project("US", "us-deficits-3.4t").set_index("year")
    added = (base["primary_balance"] - law["primary_balance"]) / 100 * ngdp
    # CBO, P.L. 119-21: $2.1 trillion over 2025-2029, $3.4 trillion over 2025-2034 (federal deficits)
    assert added.loc[2025:2029].sum() == pytest.approx(2100.0, abs=1e-6)
    assert added.loc[2025:2034].sum() == pytest.approx(3400.0, abs=1e-6)
    one_year = tmp_path / "one-year.yaml"
    one_year.write_text(
        "name: one-year\ncountry: US\nextends: us-baseline\nassumptions:\n  primary_deficit_increase_bn:\n"
        "    value: [{years: [2026, 2026], total: 500}]\n    source: a test of a one-year block\n"
    )
    shifted = bw.debt_project("US", str(one_year)).set_index("year")
    change = base["primary_balance"] - shifted["primary_balance"]
    assert change[2026] == pytest.approx(500 / 31717.64 * 100, rel=1e-3)  # WEO NGDP 2026
    assert (change.drop(2026) == 0).all()


def test_custom_stress_scenarios_may_not_reuse_a_standard_name(home):
    with pytest.raises(UsageError, match="custom scenario 'growth': the name of a standard scenario"):
        bw.debt_stress("US", custom={"growth": {"real_growth": {2026: -1.0}}})


def test_a_deficit_block_with_years_that_are_not_years_is_a_one_line_error(home, capsys, tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: x\ncountry: US\nextends: us-baseline\nassumptions:\n  primary_deficit_increase_bn:\n"
                    "    value: [{years: [soon, later], total: 5}]\n    source: a test\n")
    code, _, err = run_cli(capsys, "debt", "project", "US", "--scenario", str(path))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: primary_deficit_increase_bn: expected a list of {years: [first, last], total: bn}")
