"""Rendering of `bondwatch curve us --fit svensson` and `bondwatch curve fit us` (fitted curves).

Called by the `curve` command in :mod:`bondwatch.cli.market`; the numbers come from
:mod:`bondwatch.service.curves`.
"""

from __future__ import annotations

import math
from typing import Any

import click

from bondwatch.cli.output import emit_csv, emit_json, fmt, table, warn
from bondwatch.errors import UsageError
from bondwatch.result import frame_records

MODEL_TITLES = {"svensson": "Svensson", "nelson_siegel": "Nelson-Siegel", "spline": "smoothing spline"}
KIND_TITLES = {"par": "par (semiannual)", "zero": "zero (continuous)", "forward": "instantaneous forward"}
FLAGGED_SHOWN = 20


def _emit(frame, as_json: bool, as_csv: bool, readable: str, **extra: Any) -> None:
    """Print ``frame`` as JSON (with ``extra`` and the frame's warnings), CSV or ``readable``
    text; warnings also go to stderr, one line each."""
    warnings = frame.attrs.get("warnings", [])
    if as_json:
        emit_json({**extra, "warnings": warnings, "rows": frame_records(frame)})
    elif as_csv:
        emit_csv(frame_records(frame), list(frame.columns))
    else:
        click.echo(readable)
    warn(warnings)


def fitted_curve(country: str, day: str | None, at: tuple[str, ...], model: str, kind: str, chart: str | None,
                 as_json: bool, as_csv: bool) -> None:
    """One day's fitted curve: quoted par yields beside the fitted par, zero or forward rates."""
    from bondwatch.service import curves
    from bondwatch.service.market import CURVE_NAMES

    frame = curves.fitted_curve(country, day, model=model, kind=kind, at=list(at))
    meta = frame.attrs
    used = meta["date"].isoformat()
    if chart:
        from bondwatch.charts import fitted_curve_chart

        click.echo(f"chart written to {fitted_curve_chart(country, used, model, chart)}", err=True)
    rows = [[t, fmt(q, 3), fmt(v, 3), fmt(e, 1)] for t, q, v, e in
            zip(frame["tenor"], _none(frame["quoted_pct"]), frame[f"{kind}_pct"], _none(frame["error_bp"]))]
    params = "  ".join(f"{k} {v:.4f}" for k, v in meta["params"].items()) or "knots at the quoted maturities"
    readable = (
        f"{CURVE_NAMES[meta['curve']]}, {used}: {MODEL_TITLES[meta['model']]} fit to the par yields, "
        f"{KIND_TITLES[kind]} rates (percent)\n{params}\n"
        f"par RMSE {meta['rmse_bp']:.2f} bp, largest error {meta['max_error_bp']:.2f} bp, flags: {meta['flags'] or 'none'}\n"
        + table(rows, ["tenor", "quoted par %", f"fitted {kind} %", "par error bp"], align_right=[1, 2, 3])
    )
    _emit(frame, as_json, as_csv, readable, curve=meta["curve"], date=used, model=meta["model"], kind=kind,
          params=meta["params"], rmse_bp=meta["rmse_bp"], max_error_bp=meta["max_error_bp"], flags=meta["flags"])


def _none(values) -> list:
    """NaN -> None (shown as '-')."""
    return [None if math.isnan(v) else v for v in values]


def fit_statistics(country: str | None, since: str | None, until: str | None, model: str,
                   as_json: bool, as_csv: bool) -> None:
    """`curve fit us`: fit every day not yet fitted, then the fit statistics and the flagged days."""
    from bondwatch.service import curves

    if country is None:
        raise UsageError("curve fit: expected a curve, us or jp (e.g. `bondwatch curve fit us --since 1990`)")
    frame = curves.fit_curves(country, since, until, model=model)
    meta = frame.attrs
    flagged = frame[frame["flags"] != ""]
    if as_json:
        emit_json({"curve": meta["curve"], "model": meta["model"], "fitted_days": meta["fitted_days"],
                   "fit_seconds": meta["fit_seconds"], "summary": meta["summary"],
                   "flagged": frame_records(flagged[["date", "flags", "rmse_bp"]]), "rows": frame_records(frame)})
        return
    summary_rows = [[s["model"], str(s["days"]), str(s["failed"]), fmt(s["median_rmse_bp"], 2), fmt(s["p95_rmse_bp"], 2),
                     fmt(s["max_rmse_bp"], 2), str(s["flagged_days"]), str(s["tau_at_bound_days"]),
                     str(s["collinear_days"]), str(s["exact_days"])] for s in meta["summary"]]
    lines = [
        (f"{meta['curve']} fits {frame['date'].iloc[0]} to {frame['date'].iloc[-1]}: fitted {meta['fitted_days']} new or "
         f"changed days in {meta['fit_seconds']:.2f} s; errors of fitted against quoted par yields, basis points"),
        table(summary_rows, ["model", "days", "failed", "median RMSE", "p95 RMSE", "max RMSE", "flagged", "tau at bound",
                             "collinear", "exact"], align_right=range(1, 10)),
        "",
        (f"{len(flagged)} {MODEL_TITLES[meta['model']]} days flagged"
         + (f" (first {FLAGGED_SHOWN}; --json or --csv lists all):" if len(flagged) > FLAGGED_SHOWN else ":")),
    ]
    lines += [f"  {d}  {f}  RMSE {r:.2f} bp" for d, f, r in
              zip(flagged["date"][:FLAGGED_SHOWN], flagged["flags"], flagged["rmse_bp"])]
    _emit(frame, False, as_csv, "\n".join(lines))
