"""Benchmark: fitting every Treasury par curve 1990-2023 and every MOF JGB curve, beside the open
reference nelson-siegel-svensson 0.5.0 (`calibrate_nss_ols`) on the same US days, in the same run.

Run: pip install -e '.[bench]'; python benchmarks/bench_curves.py [--mirror ../shared/data] [--every 1]
Prints, for each model and curve: wall-clock seconds, days, failed fits (an exception, a NaN or
an infinite error) and the median / p95 / max RMSE in basis points; then the reference's figures
and the ratio of the two totals. ``--every N`` runs the reference on every Nth US day only (its
time is then scaled to all days and the line says so). Our RMSE is of fitted par yields against
the quoted par yields; the reference fits the quoted par yields as if they were zero yields,
and its RMSE is in that space (the figure users of that package see). Also: the flagged days of
the US Svensson fits, by flag, with the first dates.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from _timing import ROOT  # benchmarks/ is on sys.path when run as a script

US_FILE = "treasury/par_yield_curve/par-yield-curve-rates-1990-2023.csv"
JP_FILE = "mof_japan/jgbcm_all.csv"


def quotes(path: Path, parser) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates, maturities (years) and par yields (days, n; NaN where not quoted) of a curve file."""
    frame = parser(path.read_bytes(), str(path)).frame
    wide = frame.pivot_table(index="date", columns="tenor_years", values="yield_pct").sort_index(axis=1)
    return wide.index.to_numpy(), wide.columns.to_numpy(float), wide.to_numpy(float)


def describe(rmse: np.ndarray, failed: int) -> str:
    ok = rmse[np.isfinite(rmse)]
    return (f"failed {failed:5d}  RMSE bp median {np.median(ok):5.2f}  p95 {np.percentile(ok, 95):5.2f}  "
            f"max {ok.max():7.2f}")


def reference(tenors: np.ndarray, par: np.ndarray, every: int) -> tuple[float, np.ndarray, int, int]:
    """nelson-siegel-svensson 0.5.0 on every ``every``-th day: seconds, RMSE (bp), failures, days run."""
    from nelson_siegel_svensson.calibrate import calibrate_nss_ols

    rows = par[::every]
    rmse = np.full(len(rows), np.nan)
    failed = 0
    start = time.perf_counter()
    with warnings.catch_warnings(), _lapack_messages_silenced():
        warnings.simplefilter("ignore")
        for i, row in enumerate(rows):
            quoted = np.isfinite(row)
            t, y = tenors[quoted], row[quoted]
            try:
                curve, _ = calibrate_nss_ols(t, y)
                error = (curve(t) - y) * 100.0
                value = float(np.sqrt(np.mean(error**2)))
            except Exception:  # noqa: BLE001 - the reference raises LinAlgError and others: all count as failures
                value = np.nan
            if not np.isfinite(value):
                failed += 1
            rmse[i] = value
    return time.perf_counter() - start, rmse, failed, len(rows)


@contextmanager
def _lapack_messages_silenced() -> Iterator[None]:
    """LAPACK prints '** On entry to DLASCL ...' to the process's stdout when the reference fails."""
    sys.stdout.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with open(os.devnull, "w") as null:
        for fd in saved:
            os.dup2(null.fileno(), fd)
        try:
            yield
        finally:
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--every", type=int, default=1, help="run the reference on every Nth US day")
    args = parser.parse_args()

    from bondwatch.analytics.curve_fit import MODELS, fit_par_curves
    from bondwatch.sources import mof_japan, treasury_yields

    us_dates, us_tenors, us_par = quotes(args.mirror / US_FILE, treasury_yields.parse)
    jp_dates, jp_tenors, jp_par = quotes(args.mirror / JP_FILE, mof_japan.parse)
    fitted = {}
    print("bondwatch fits (par space)           seconds   days")
    for name, tenors, par in (("US 1990-2023", us_tenors, us_par), ("JGB 1974-2026", jp_tenors, jp_par)):
        for model in MODELS:
            start = time.perf_counter()
            result = fit_par_curves(tenors, par, model)
            seconds = time.perf_counter() - start
            failed = int((~np.isfinite(result.rmse_bp)).sum())
            print(f"{name:14s} {model:14s}     {seconds:7.2f}  {len(par):5d}  {describe(result.rmse_bp, failed)}")
            fitted[(name, model)] = (seconds, result)

    ours_seconds, ours = fitted[("US 1990-2023", "svensson")]
    ref_seconds, ref_rmse, ref_failed, ran = reference(us_tenors, us_par, args.every)
    scaled = ref_seconds * len(us_par) / ran
    note = "" if ran == len(us_par) else f" (ran {ran} days in {ref_seconds:.1f} s, scaled to all days)"
    print(f"\nnelson-siegel-svensson 0.5.0, US Svensson: {scaled:7.2f} s{note}, {ran} days, "
          f"{1000 * ref_seconds / ran:.2f} ms per curve  {describe(ref_rmse, ref_failed)} "
          f"({100 * ref_failed / ran:.1f}% failed)")
    print(f"bondwatch, US Svensson:                  {ours_seconds:7.2f} s, {len(us_par)} days, "
          f"{1000 * ours_seconds / len(us_par):.2f} ms per curve  "
          f"{describe(ours.rmse_bp, int((~np.isfinite(ours.rmse_bp)).sum()))}")
    print(f"ratio: bondwatch is {scaled / ours_seconds:.1f}x faster in total")

    print("\nflagged US Svensson days:")
    for flag in ("tau_at_bound", "collinear", "exact"):
        days = [str(d)[:10] for d, f in zip(us_dates, ours.flags) if flag in f]
        print(f"  {flag:13s} {len(days):5d}  {', '.join(days[:8])}{' ...' if len(days) > 8 else ''}")
    _, jp = fitted[("JGB 1974-2026", "svensson")]
    for flag in ("tau_at_bound", "collinear", "exact"):
        days = [str(d)[:10] for d, f in zip(jp_dates, jp.flags) if flag in f]
        print(f"  JGB {flag:9s} {len(days):5d}  {', '.join(days[:8])}{' ...' if len(days) > 8 else ''}")


if __name__ == "__main__":
    main()
