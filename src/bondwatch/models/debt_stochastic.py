"""Stochastic debt fan charts: joint shocks to real growth, inflation, the market yield and the primary balance.

Pure computation (NumPy). Shocks are deviations from the deterministic inputs, drawn from annual
history (percent) by one of three methods (IMF 2022 SRDSF guidance note, Annex IV fan charts; Bruegel
DSA stochastic module):

* ``normal``: multivariate normal with the historical covariance of the shock vector
  z_t = (g_t - mean g, pi_t - mean pi, r_t - r_{t-1}, pb_t - mean pb), independent across years
  (drawn in antithetic pairs);
* ``bootstrap``: blocks of consecutive historical z_t (block length ``block``), which keeps their
  serial and cross correlation;
* ``var``: a VAR(1) in levels, x_t = c + A x_{t-1} + u_t, fitted by OLS; deviations follow
  y_t = A y_{t-1} + u*_t with u*_t resampled from the fitted residuals.

Resampling is balanced (see :func:`_balanced_indices`): every historical block or residual is
used equally often across paths, so each year's marginal is the empirical distribution exactly.

For ``normal`` and ``bootstrap`` the yield shock is a change, so its deviation is the running sum;
growth, inflation and primary-balance shocks are deviations in that year. Seeded: the same seed
and number of paths give the same draws, whatever the chunk size used internally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bondwatch.errors import UsageError
from bondwatch.models.debt import DebtInputs, simulate

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("normal", "bootstrap", "var")
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
MAX_PATHS = 1_000_000
CHUNK = 100_000  # paths per chunk: bounds memory (about 60 MB for 11 years)
ORDER = ("real_growth", "inflation", "market_rate", "primary_balance")


@dataclass(frozen=True)
class ShockModel:
    """A fitted shock model: method, shock-vector history, and VAR coefficients if any."""

    method: str
    shocks: np.ndarray  # (n_obs, 4): z_t for normal/bootstrap, VAR residuals for var
    covariance: np.ndarray  # (4, 4) covariance of ``shocks``
    var_matrix: np.ndarray | None = None  # A of the VAR(1)
    block: int = 3


def fit_shocks(history: pd.DataFrame, method: str = "var", block: int = 3) -> ShockModel:
    """Fit a shock model to annual history with columns real_growth, inflation, market_rate,
    primary_balance (percent), one row per consecutive year."""
    if method not in METHODS:
        raise UsageError(f"method = {method!r}: expected one of {', '.join(METHODS)}")
    if not 1 <= block <= 10:
        raise UsageError(f"block = {block}: expected a block length between 1 and 10 years")
    x = history[list(ORDER)].to_numpy(dtype=float)
    if method == "var":
        design = np.column_stack([np.ones(len(x) - 1), x[:-1]])
        coef, *_ = np.linalg.lstsq(design, x[1:], rcond=None)
        resid = x[1:] - design @ coef
        resid = resid - resid.mean(axis=0)
        return ShockModel(method, resid, np.cov(resid, rowvar=False), coef[1:].T, block)
    z = np.column_stack([
        x[1:, 0] - x[:, 0].mean(),
        x[1:, 1] - x[:, 1].mean(),
        np.diff(x[:, 2]),
        x[1:, 3] - x[:, 3].mean(),
    ])
    return ShockModel(method, z, np.cov(z, rowvar=False), None, block)


def _balanced_indices(rng: np.random.Generator, choices: int, rows: int, paths: int) -> np.ndarray:
    """(rows, paths) indices into ``choices`` items, balanced across paths (a stratified design in
    the spirit of the balanced bootstrap of Davison, Hinkley and Schechtman, 1986).

    The first J rows, with 20 * choices**J <= paths, jointly run through every combination equally
    often (up to one) in random order; later rows are balanced one by one. So each year's marginal,
    and the joint law of the first J years, is the empirical one exactly, which removes the
    sampling noise of a small discrete history from the percentile bands.
    """
    joint = 0
    while joint < rows and 20 * choices ** (joint + 1) <= paths:
        joint += 1
    out = np.empty((rows, paths), dtype=np.int64)
    if joint:
        combo = rng.permutation(np.resize(np.arange(choices**joint), paths))
        for t in range(joint):
            out[t] = combo // choices**t % choices
    pool = np.resize(np.arange(choices), paths)
    for t in range(joint, rows):
        out[t] = rng.permutation(pool)
    return out


def _normal_draws(model: ShockModel, rng: np.random.Generator, paths: int, years: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(model.covariance)
    root = vectors * np.sqrt(np.clip(values, 0, None))  # covariance = root @ root.T
    half = rng.standard_normal((4, years, (paths + 1) // 2))
    z = np.concatenate([half, -half], axis=2)[:, :, :paths]  # antithetic pairs
    return np.einsum("ij,jn->in", root, z.reshape(4, -1)).reshape(4, years, paths)


def _block_draws(model: ShockModel, rng: np.random.Generator, paths: int, years: int) -> np.ndarray:
    n = len(model.shocks)
    block = min(model.block, n)
    n_blocks = -(-years // block)
    starts = _balanced_indices(rng, n - block + 1, n_blocks, paths)[:, None, :]
    index = (starts + np.arange(block)[None, :, None]).reshape(n_blocks * block, paths)[:years]
    return np.take(np.ascontiguousarray(model.shocks.T), index, axis=1)


def draw_deviations(
    model: ShockModel, paths: int, years: int, rng: np.random.Generator
) -> np.ndarray:
    """Deviations from the inputs, shape (4, years, paths), variables in the order of :data:`ORDER`
    (percent; the yield deviation in percentage points)."""
    if model.method == "var":
        residuals = np.ascontiguousarray(model.shocks.T)
        u = np.take(residuals, _balanced_indices(rng, len(model.shocks), years, paths), axis=1)
        for t in range(1, years):
            # einsum rather than @: a 4x4 by 4xN product is faster without BLAS threading
            u[:, t] += np.einsum("ij,jp->ip", model.var_matrix, u[:, t - 1])
        return u
    draws = _normal_draws(model, rng, paths, years) if model.method == "normal" else _block_draws(
        model, rng, paths, years)
    np.cumsum(draws[2], axis=0, out=draws[2])
    return draws


def check_paths(paths: int) -> None:
    """UsageError unless 1 <= paths <= 1,000,000."""
    if isinstance(paths, bool) or not isinstance(paths, (int, np.integer)) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"paths = {paths}: expected a whole number between 1 and {MAX_PATHS:,}")


def simulate_paths(
    inputs: DebtInputs, model: ShockModel, paths: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Debt, interest and gross financing need for ``paths`` stochastic paths, shape (paths, years),
    percent of GDP. Chunks of :data:`CHUNK` paths each get their own child seed of ``seed``."""
    check_paths(paths)
    n_years = len(inputs.years)
    n_chunks = -(-paths // CHUNK)
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    keys = ("debt_gdp", "interest_gdp", "gfn_gdp")
    out = {k: np.empty((n_years, paths)) for k in keys}  # time-major; returned transposed
    for c, child in enumerate(children):
        lo, hi = c * CHUNK, min(paths, (c + 1) * CHUNK)
        dev = draw_deviations(model, hi - lo, n_years, np.random.default_rng(child))
        dev[0] += inputs.real_growth[:, None]
        dev[1] += inputs.inflation[:, None]
        dev[3] += inputs.primary_balance[:, None]
        run = simulate(
            inputs, real_growth=dev[0].T, inflation=dev[1].T, primary_balance=dev[3].T, rate_shock=dev[2].T
        )
        for k in keys:
            out[k][:, lo:hi] = run[k].T
    return {k: v.T for k, v in out.items()}


def fan_chart(debt_paths: np.ndarray, initial_debt: float) -> tuple[np.ndarray, dict[str, float]]:
    """Percentiles (:data:`PERCENTILES`, rows) of debt by year (columns), and probabilities.

    ``prob_debt_year5_above_today``: share of paths whose debt ratio in projection year 5 exceeds
    today's (``initial_debt``). ``prob_debt_stabilises``: share of paths whose ratio in year 5 is
    no higher than in year 3 (it has stopped rising by the end of the five-year window). With fewer
    than five projection years the last year stands in for year 5 and the year two before for year 3.
    """
    bands = np.percentile(debt_paths.T, PERCENTILES, axis=1)  # by year: contiguous when time-major
    y5 = min(5, debt_paths.shape[1]) - 1
    y3 = max(y5 - 2, -1)
    year3 = debt_paths[:, y3] if y3 >= 0 else np.full(len(debt_paths), initial_debt)
    probs = {
        "prob_debt_year5_above_today": float(np.mean(debt_paths[:, y5] > initial_debt)),
        "prob_debt_stabilises": float(np.mean(debt_paths[:, y5] <= year3)),
    }
    return bands, probs


__all__ = [
    "METHODS", "ORDER", "PERCENTILES", "ShockModel", "check_paths", "draw_deviations", "fan_chart",
    "fit_shocks", "simulate_paths",
]
