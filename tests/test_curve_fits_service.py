"""Fitted curves through the warehouse: `curve fit`, the incremental refit on import, one day's
fitted curve, the scorecard helper, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from bondwatch.analytics.curve_fit import fit_par_curves
from bondwatch.service import curves
from bondwatch.service.update import update
from bondwatch.sources import mof_japan, treasury_yields
from tests.conftest import need_mirror, run_cli

HEADER = "Date,1 Mo,1.5 Mo,2 Mo,3 Mo,4 Mo,6 Mo,1 Yr,2 Yr,3 Yr,5 Yr,7 Yr,10 Yr,20 Yr,30 Yr\n"
# Daily Treasury Par Yield Curve Rates as published (2025 file, newest first)
JUNE_10_TO_12 = (
    "2025-06-12,4.18,4.3,4.49,4.46,4.4,4.29,4.06,3.9,3.85,3.97,4.15,4.36,4.86,4.84\n"
    "2025-06-11,4.3,4.32,4.39,4.45,4.39,4.31,4.08,3.94,3.89,4.02,4.21,4.41,4.93,4.91\n"
    "2025-06-10,4.29,4.31,4.37,4.45,4.38,4.32,4.12,4.01,3.95,4.08,4.27,4.47,4.96,4.93\n"
)
JUNE_13 = "2025-06-13,4.23,4.32,4.48,4.45,4.4,4.3,4.09,3.96,3.9,4.02,4.2,4.41,4.93,4.9\n"


def write_mirror(root: Path, text: str, name: str = "2025-daily-treasury-rates.csv") -> Path:
    folder = root / "treasury" / "par_yield_curve"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(HEADER + text)
    return root


def stored_fits(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "bondwatch.duckdb"), read_only=True) as con:
        return con.execute("SELECT date::VARCHAR, model, provenance_id, rmse_bp FROM curve_fits ORDER BY 1, 2").fetchall()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    update(from_dir=write_mirror(tmp_path / "mirror", JUNE_10_TO_12))
    return tmp_path / "home"


def test_import_leaves_the_first_fit_to_curve_fit_which_fits_every_day_and_model(home):
    assert stored_fits(home) == []
    fits = curves.fit_curves("us")
    assert fits.attrs["fitted_days"] == 3 and list(fits["date"].astype(str)) == ["2025-06-10", "2025-06-11", "2025-06-12"]
    assert len(stored_fits(home)) == 9  # 3 days x 3 models
    summary = {s["model"]: s for s in fits.attrs["summary"]}
    assert set(summary) == {"svensson", "nelson_siegel", "spline"}
    assert all(s["failed"] == 0 for s in summary.values())
    assert summary["svensson"]["max_rmse_bp"] < 10  # Treasury's curve is itself a smooth fit
    assert curves.fit_curves("us").attrs["fitted_days"] == 0  # nothing left to fit


def test_import_of_a_new_day_fits_only_that_day(home, tmp_path):
    curves.fit_curves("us")
    before = stored_fits(home)
    update(from_dir=write_mirror(tmp_path / "next", JUNE_13, "2025-06-13-daily-treasury-rates.csv"))
    after = stored_fits(home)
    assert [r for r in after if r[0] != "2025-06-13"] == before  # untouched, same provenance
    assert [r[1] for r in after if r[0] == "2025-06-13"] == ["nelson_siegel", "spline", "svensson"]


def test_fitted_curve_of_a_day_prices_its_quotes_and_any_maturity(home):
    curves.fit_curves("us")
    frame = curves.fitted_curve("us", "2025-06-12", at=["29.92y"])
    quoted = frame.dropna(subset=["quoted_pct"])
    assert len(quoted) == 14 and frame.attrs["model"] == "svensson"
    assert (quoted["error_bp"].abs() <= frame.attrs["max_error_bp"] + 1e-9).all()
    assert frame.attrs["max_error_bp"] < 15
    assert set(frame.attrs["params"]) == {"beta0", "beta1", "beta2", "beta3", "tau1", "tau2"}
    at = frame[frame["tenor"] == "29.92y"].iloc[0]
    # between the quoted 20-year (4.86) and 30-year (4.84), within the fit's error
    assert 4.84 - 0.15 < at["par_pct"] < 4.86 + 0.15
    assert curves.fitted_yield("2025-06-12", "29.92y") == pytest.approx(at["par_pct"], abs=1e-12)


def test_a_day_not_yet_fitted_is_fitted_on_the_fly_identically(home):
    on_the_fly = curves.fitted_yield("2025-06-12", 7.5)
    curves.fit_curves("us")
    assert curves.fitted_yield("2025-06-12", 7.5) == pytest.approx(on_the_fly, abs=1e-9)


def test_spline_and_nelson_siegel_days_and_zero_and_forward_rates(home):
    spline = curves.fitted_curve("us", "2025-06-12", model="spline", kind="zero")
    assert spline.attrs["params"] == {} and spline.attrs["rmse_bp"] < 5
    ns = curves.fitted_curve("us", "2025-06-12", model="nelson-siegel")
    assert set(ns.attrs["params"]) == {"beta0", "beta1", "beta2", "tau1"}
    # an upward-sloping long end: forward above zero above par at 30 years
    last = ns.iloc[-1]
    assert last["forward_pct"] > last["zero_pct"]


def test_cli_fitted_curve_and_fit_statistics(home, capsys):
    code, out, err = run_cli(capsys, "curve", "us", "--date", "2025-06-12", "--fit", "svensson", "--at", "7.5y")
    assert code == 0, err
    assert "Svensson fit to the par yields" in out and "7.5y" in out and "10 Yr          4.360" in out
    code, out, _ = run_cli(capsys, "curve", "us", "--date", "2025-06-12", "--fit", "svensson", "--forward", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["kind"] == "forward" and len(payload["rows"]) == 14
    code, out, _ = run_cli(capsys, "curve", "fit", "us", "--since", "2025")
    assert code == 0 and "svensson" in out and "fitted 3 new or changed days" in out
    code, out, _ = run_cli(capsys, "curve", "fit", "us", "--since", "2025-06-11", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("date,model,beta0") and len(out.splitlines()) == 3


@pytest.mark.parametrize("args, message", [
    (("curve", "fit"), "curve fit: expected a curve, us or jp"),
    (("curve", "us", "--fit", "svensson", "--date", "1985-01-02"), "no US Treasury par curve on or shortly before 1985-01-02"),
    (("curve", "us", "--fit", "spline", "--at", "99y"), "--at '99y': expected a maturity between 0 and 50 years"),
    (("curve", "us", "jp"), "curve: a second curve name goes only after `fit`, and --chart needs --fit"),
    (("curve", "fit", "us", "--since", "2030"), "no US Treasury par curve between 2030-01-01 and the end"),
])
def test_cli_bad_usage_is_one_line_with_exit_2(home, capsys, args, message):
    code, _, err = run_cli(capsys, *args)
    assert code == 2 and err.startswith(f"error: {message}")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.mirror
def test_every_us_day_1990_2023_fitted_without_failure_and_better_than_the_reference():
    """Svensson on all 8,506 US days: no failed or NaN fit, median RMSE <= 3.37 bp and p95 <= 8.37 bp
    (nelson-siegel-svensson 0.5.0 on the same days; every model and every JGB day: benchmarks/bench_curves.py)."""
    path = need_mirror() / "treasury/par_yield_curve/par-yield-curve-rates-1990-2023.csv"
    tenors, par = quote_matrix(treasury_yields.parse(path.read_bytes(), str(path)).frame)
    result = fit_par_curves(tenors, par, "svensson")
    assert len(par) == 8506 and np.isfinite(result.rmse_bp).all() and np.isfinite(result.params).all()
    assert np.median(result.rmse_bp) <= 3.37 and np.percentile(result.rmse_bp, 95) <= 8.37


@pytest.mark.mirror
def test_every_tenth_jgb_day_fitted_without_failure():
    path = need_mirror() / "mof_japan/jgbcm_all.csv"
    tenors, par = quote_matrix(mof_japan.parse(path.read_bytes(), str(path)).frame)
    result = fit_par_curves(tenors, par[::10], "svensson")
    assert len(result.rmse_bp) == 1317 and np.isfinite(result.rmse_bp).all() and np.isfinite(result.params).all()
    assert np.median(result.rmse_bp) < 5


def quote_matrix(frame) -> tuple[np.ndarray, np.ndarray]:
    wide = frame.pivot_table(index="date", columns="tenor_years", values="yield_pct").sort_index(axis=1)
    return wide.columns.to_numpy(float), wide.to_numpy(float)


def test_import_of_a_revised_day_refits_that_day_only(home, tmp_path):
    curves.fit_curves("us")
    before = {(r[0], r[1]): r for r in stored_fits(home)}
    revised = JUNE_10_TO_12.splitlines()[0].replace(",4.84", ",4.94") + "\n"  # 30-year of 2025-06-12 revised
    update(from_dir=write_mirror(tmp_path / "revised", revised, "2025-06-12-revised-daily-treasury-rates.csv"))
    after = {(r[0], r[1]): r for r in stored_fits(home)}
    changed = sorted(key for key in after if after[key] != before[key])
    assert changed == [("2025-06-12", "nelson_siegel"), ("2025-06-12", "spline"), ("2025-06-12", "svensson")]
    assert after[("2025-06-12", "svensson")][2] > before[("2025-06-12", "svensson")][2]  # newer provenance
