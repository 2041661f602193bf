"""Fitted yield curves: Svensson, Nelson-Siegel and a smoothing spline fitted to every stored par
curve (US Treasury, MOF JGB), kept in the derived table ``curve_fits``, and one day's zero, par
and forward curves at any maturity.

``curve_fits`` is incremental: a day is fitted again only when its quotes change (the newest
provenance id among them differs from the one its fits were made from). An import refits the
changed days of a curve that has fits already; the first fit of a whole history (about 21,000
days, several seconds) is made by :func:`fit_curves` (``bondwatch curve fit us``), not by the
import, which stays fast. A day not yet in the table is fitted on the fly when asked for.
Units: maturities in years, rates in percent, errors in basis points (docs/methods.md,
"Fitted yield curves").
"""

from __future__ import annotations

import time
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError
from bondwatch.service.market import CURVE_NAMES, CURVES, STALE_DAYS, maturity_years, parse_date

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from bondwatch.analytics.curve_fit import FittedCurve

MODEL_NAMES = {"svensson": "svensson", "nelson-siegel": "nelson_siegel", "nelson_siegel": "nelson_siegel",
               "ns": "nelson_siegel", "spline": "spline"}
KINDS = ("par", "zero", "forward")
FIT_KEY = ("curve", "date", "model")
PARAM_COLUMNS = ("beta0", "beta1", "beta2", "beta3", "tau1", "tau2")  # Svensson; stored for every model
NELSON_SIEGEL_COLUMNS = ("beta0", "beta1", "beta2", "tau1")
FLAG_NAMES = ("tau_at_bound", "collinear", "exact", "too_few_quotes")

# days of a curve whose fits are missing or were made from other quotes, with the quotes' newest provenance id
_STALE_SQL = """
    WITH quoted AS (SELECT date, max(provenance_id) AS provenance_id FROM yield_curves WHERE curve = ? GROUP BY date)
    SELECT q.date, q.provenance_id FROM quoted q
    LEFT JOIN curve_fits f ON f.curve = ? AND f.model = 'svensson' AND f.date = q.date
        AND f.provenance_id = q.provenance_id
    WHERE f.date IS NULL ORDER BY q.date"""


def curve_code(country: str) -> str:
    """'us' -> 'us_par', 'jp' -> 'jp_mof'; UsageError otherwise."""
    code = CURVES.get(str(country).lower())
    if code is None:
        raise UsageError(f"curve {country!r}: expected one of {', '.join(CURVES)}")
    return code


def model_code(model: str) -> str:
    """'svensson', 'nelson-siegel' (or 'ns') or 'spline' -> the stored model name; UsageError otherwise."""
    code = MODEL_NAMES.get(str(model).lower())
    if code is None:
        raise UsageError(f"--fit {model!r}: expected svensson, nelson-siegel or spline")
    return code


def _quote_matrix(quotes: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Long quotes (date, tenor_years, yield_pct) -> dates, maturities (n,) and par yields (days, n; NaN unquoted)."""
    wide = quotes.pivot(index="date", columns="tenor_years", values="yield_pct").sort_index(axis=1)
    return wide.index, wide.columns.to_numpy(float), wide.to_numpy(float)


def fit_frame(curve: str, quotes: pd.DataFrame, provenance: pd.Series | None = None) -> pd.DataFrame:
    """Rows of ``curve_fits`` for the days in ``quotes`` (long form: date, tenor_years, yield_pct),
    every model; ``provenance`` maps date -> the quotes' newest provenance id."""
    import numpy as np
    import pandas as pd

    from bondwatch.analytics.curve_fit import MODELS, fit_par_curves

    dates, tenors, par = _quote_matrix(quotes)
    frames = []
    for model in MODELS:
        result = fit_par_curves(tenors, par, model)
        frame = pd.DataFrame(result.params, columns=list(PARAM_COLUMNS))
        frame.insert(0, "curve", curve)
        frame.insert(1, "date", pd.to_datetime(dates).date)
        frame.insert(2, "model", model)
        frame["quotes"] = result.nodes.astype(np.int32)
        frame["rmse_bp"], frame["max_error_bp"], frame["flags"] = result.rmse_bp, result.max_error_bp, result.flags
        frame["provenance_id"] = provenance.reindex(dates).to_numpy() if provenance is not None else 0
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def refit(writer: store.Writer, curves: list[str] | None = None, *, only_fitted_curves: bool = False) -> dict[str, int]:
    """Fit the days of ``curves`` (default: every stored curve) whose fits are missing or stale and
    upsert them into ``curve_fits``; ``only_fitted_curves`` skips curves with no fits yet (the
    import's hook). Returns the number of days fitted per curve."""
    import pandas as pd

    names = curves or [r[0] for r in writer.con.execute("SELECT DISTINCT curve FROM yield_curves ORDER BY 1").fetchall()]
    fitted: dict[str, int] = {}
    for curve in names:
        if only_fitted_curves and not writer.con.execute(
                "SELECT count(*) FROM curve_fits WHERE curve = ?", [curve]).fetchone()[0]:
            continue
        stale = writer.frame(_STALE_SQL, [curve, curve])
        if stale.empty:
            fitted[curve] = 0
            continue
        writer.con.register("_stale_days", stale)
        try:
            quotes = writer.frame("SELECT y.date, y.tenor_years, y.yield_pct FROM yield_curves y "
                                  "SEMI JOIN _stale_days s ON s.date = y.date WHERE y.curve = ?", [curve])
        finally:
            writer.con.unregister("_stale_days")
        provenance = pd.Series(stale["provenance_id"].to_numpy(), index=pd.DatetimeIndex(stale["date"]))
        quotes["date"] = pd.to_datetime(quotes["date"])
        writer.upsert("curve_fits", fit_frame(curve, quotes, provenance), FIT_KEY)
        fitted[curve] = len(stale)
    return fitted


def rebuild_curve_fits(writer: store.Writer) -> None:
    """Import hook (a derived table of the registry): refit the changed days of every curve that
    has fits already; a curve's first full fit is left to :func:`fit_curves`."""
    refit(writer, only_fitted_curves=True)


def fit_curves(
    country: str = "us", since: str | Date | None = None, until: str | Date | None = None, *,
    model: str = "svensson", warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """``bondwatch curve fit us``: bring ``curve_fits`` up to date for the curve (fitting, in one
    atomic update, every day not yet fitted or whose quotes changed) and return the fits of
    ``model`` from ``since`` to ``until`` (YYYY-MM-DD or a year): one row per day with parameters, quotes, rmse_bp,
    max_error_bp (basis points) and flags. ``.attrs``: 'fitted_days' and 'fit_seconds' of this
    call, and 'summary' (:func:`fit_summary`) of every model over the period."""
    import pandas as pd

    curve, code = curve_code(country), model_code(model)
    start, end = _period_bound(since, "--since", first=True), _period_bound(until, "--until", first=False)
    with store.Warehouse(warehouse) as wh:
        stale = not wh.has_table("curve_fits") or bool(wh.rows(_STALE_SQL, [curve, curve]))
    began = time.perf_counter()
    fitted = 0
    if stale:
        with store.writing(warehouse) as writer:
            fitted = refit(writer, [curve]).get(curve, 0)
            if curve == "us_par" and fitted:  # auction cards price their tails on the US fits
                from bondwatch.service.auctions import rebuild_scorecards

                rebuild_scorecards(writer)
    seconds = time.perf_counter() - began
    with store.Warehouse(warehouse) as wh:
        rows = wh.frame("SELECT * FROM curve_fits WHERE curve = ? AND (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?) "
                        "ORDER BY model, date", [curve, start, start, end, end])
    if rows.empty:
        raise NotFoundError(f"no {CURVE_NAMES[curve]} between {start or 'the start'} and {end or 'the end'}: "
                            "run `bondwatch update` for that period")
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    chosen = rows[rows["model"] == code].drop(columns="curve").reset_index(drop=True)
    chosen.attrs.update(curve=curve, model=code, fitted_days=fitted, fit_seconds=round(seconds, 3),
                        summary=fit_summary(rows))
    return chosen


def _period_bound(text: str | Date | None, what: str, *, first: bool) -> Date | None:
    """YYYY-MM-DD, or a bare year YYYY (its first or last day)."""
    if isinstance(text, str) and text.strip().isdigit() and len(text.strip()) == 4:
        return Date(int(text), 1, 1) if first else Date(int(text), 12, 31)
    return parse_date(text, what)


def fit_summary(fits: pd.DataFrame) -> list[dict]:
    """Per model: days, days without a finite fit, median / p95 / max RMSE (bp), and days per flag."""
    import numpy as np

    out = []
    for model, group in fits.groupby("model", sort=False):
        rmse = group["rmse_bp"].to_numpy(float)
        finite = rmse[np.isfinite(rmse)]
        flags = group["flags"].fillna("")
        out.append({
            "model": model, "days": len(group), "failed": int(len(rmse) - len(finite)),
            "median_rmse_bp": float(np.median(finite)) if len(finite) else None,
            "p95_rmse_bp": float(np.percentile(finite, 95)) if len(finite) else None,
            "max_rmse_bp": float(finite.max()) if len(finite) else None,
            "flagged_days": int((flags != "").sum()),
            **{f"{name}_days": int(flags.str.contains(name).sum()) for name in FLAG_NAMES},
        })
    return out


def _day_quotes(wh: store.Warehouse, curve: str, day: Date | None) -> tuple[Date, pd.DataFrame]:
    """The day's quotes (or the last day before it, within STALE_DAYS)."""
    found = wh.rows("SELECT max(date) FROM yield_curves WHERE curve = ? AND (? IS NULL OR date <= ?)", [curve, day, day])[0][0]
    if found is None or (day is not None and (day - found).days > STALE_DAYS):
        raise NotFoundError(f"no {CURVE_NAMES[curve]} on or shortly before {day or 'any date'}: "
                            "run `bondwatch update` for that period")
    quotes = wh.frame("SELECT date, tenor, tenor_years, yield_pct, provenance_id FROM yield_curves "
                      "WHERE curve = ? AND date = ? ORDER BY tenor_years", [curve, found])
    return found, quotes


def day_curve(country: str, date: str | Date | None, model: str = "svensson", *,
              warehouse: str | Path | None = None) -> tuple[FittedCurve, dict, pd.DataFrame]:
    """One day's fitted curve: (the curve, its fit row as a dict, the day's quotes). The stored fit
    is used when it was made from these quotes; otherwise (and always for the spline, whose
    parameters are not stored) the day is fitted now, identically."""
    import numpy as np

    from bondwatch.analytics.curve_fit import ParametricCurve, SplineCurve, fit_spline_zeros

    curve, code = curve_code(country), model_code(model)
    with store.Warehouse(warehouse) as wh:
        found, quotes = _day_quotes(wh, curve, parse_date(date))
        stored = wh.frame("SELECT * FROM curve_fits WHERE curve = ? AND date = ? AND model = ? AND provenance_id = ?",
                          [curve, found, code, int(quotes["provenance_id"].max())]) \
            if wh.has_table("curve_fits") else None
    if stored is None or stored.empty:
        stored = fit_frame(curve, quotes.assign(date=np.datetime64(found, "D")))
        stored = stored[stored["model"] == code]
    fit = stored.iloc[0].to_dict()
    if code == "spline":
        tenors, par = quotes["tenor_years"].to_numpy(float), quotes["yield_pct"].to_numpy(float)
        fitted: FittedCurve = SplineCurve(tenors, fit_spline_zeros(tenors, par)[0])
    else:
        names = PARAM_COLUMNS if code == "svensson" else NELSON_SIEGEL_COLUMNS
        fitted = ParametricCurve(code, np.array([fit[n] for n in names], float))
    fit["date"] = found
    return fitted, fit, quotes


def fitted_curve(
    country: str = "us", date: str | Date | None = None, *, model: str = "svensson", kind: str = "par",
    at: list[str | float] | None = None, warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """One day's fitted curve beside its quotes: one row per quoted maturity and per ``at``
    maturity (e.g. '7.5y'), columns tenor, tenor_years, quoted_pct (NaN for ``at``), par_pct,
    zero_pct, forward_pct (percent) and error_bp (fitted minus quoted par, basis points);
    ``kind`` ('par', 'zero' or 'forward') names the column shown first by the CLI. ``.attrs``:
    curve, date, model, params, rmse_bp, max_error_bp, flags."""
    import numpy as np
    import pandas as pd

    if kind not in KINDS:
        raise UsageError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    fitted, fit, quotes = day_curve(country, date, model, warehouse=warehouse)
    extra = [maturity_years(a) for a in at or []]
    years = np.concatenate([quotes["tenor_years"].to_numpy(float), extra])
    frame = pd.DataFrame({
        "tenor": list(quotes["tenor"]) + [f"{y:g}y" for y in extra], "tenor_years": years,
        "quoted_pct": np.concatenate([quotes["yield_pct"].to_numpy(float), np.full(len(extra), np.nan)]),
        "par_pct": fitted.par(years), "zero_pct": fitted.zero(years), "forward_pct": fitted.forward(years),
    })
    frame["error_bp"] = (frame["par_pct"] - frame["quoted_pct"]) * 100.0
    frame = frame.sort_values("tenor_years", kind="stable").reset_index(drop=True)
    params = {n: float(fit[n]) for n in PARAM_COLUMNS if fit.get(n) is not None and np.isfinite(fit[n])}
    frame.attrs.update(curve=curve_code(country), date=fit["date"], model=fit["model"], kind=kind, params=params,
                       rmse_bp=float(fit["rmse_bp"]), max_error_bp=float(fit["max_error_bp"]), flags=fit["flags"])
    return frame


def fitted_yield(
    date: str | Date, maturity: str | float, *, country: str = "us", model: str = "svensson", kind: str = "par",
    warehouse: str | Path | None = None,
) -> float:
    """The fitted curve's yield (percent) on ``date`` at ``maturity`` (years, or '29.92y'):
    par (semiannual coupon-equivalent, default), zero or instantaneous forward (continuously
    compounded). For the auction scorecard's tail at a security's exact remaining maturity."""
    if kind not in KINDS:
        raise UsageError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    fitted, _, _ = day_curve(country, date, model, warehouse=warehouse)
    return float(getattr(fitted, kind)(maturity_years(maturity))[0])


__all__ = ["fit_curves", "fitted_curve", "fitted_yield"]
