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
Choices are scored by the debt ratio each one alone leads to at the horizon
(:func:`choice_scores`); later years are stratified on the scores of the earlier draws, and the
second half of the paths is antithetic to the first (in every year, the choice of opposite score
rank; Hammersley and Morton, 1956). Every path is still a draw from the model (each year's choice
is uniform and independent of that path's other years); the design only spreads the paths evenly,
which takes most of the sampling noise out of the percentiles.

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
MAX_SEED = 2**32 - 1
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


def _balanced_indices(
    rng: np.random.Generator, choices: int, rows: int, paths: int, scores: np.ndarray | None = None
) -> np.ndarray:
    """(rows, paths) indices into ``choices`` items, balanced across paths (a stratified design in
    the spirit of the balanced bootstrap of Davison, Hinkley and Schechtman, 1986).

    The first J rows, with 20 * choices**J <= paths, jointly run through every combination equally
    often (up to one) in random order; later rows are balanced one by one. So each year's marginal,
    and the joint law of the first J years, is the empirical one exactly, which removes the
    sampling noise of a small discrete history from the percentile bands.

    With ``scores`` (rows x choices), each later row is stratified on the past, as in array-RQMC
    (L'Ecuyer, Lecot and Tuffin, 2008): paths are sorted by the sum of the scores of their earlier
    choices and every run of ``choices`` consecutive paths gets each choice once, in random order.
    A path's choice is still uniform and independent of its own past; paths with similar pasts
    get a full spread of next draws.
    """
    joint = 0
    while joint < rows and 20 * choices ** (joint + 1) <= paths:
        joint += 1
    out = np.empty((rows, paths), dtype=np.int64)
    if joint:
        combo = rng.permutation(np.resize(np.arange(choices**joint), paths))
        for t in range(joint):
            out[t] = combo // choices**t % choices
    if scores is None:
        pool = np.resize(np.arange(choices), paths)
        for t in range(joint, rows):
            out[t] = rng.permutation(pool)
        return out
    past = np.zeros(paths)  # sum of the scores of each path's draws so far
    for t in range(rows):
        if t >= joint:
            spread = np.argsort(rng.random((-(-paths // choices), choices)), axis=1).ravel()[:paths]
            out[t, np.argsort(past)] = spread  # any order of ties keeps each draw uniform
        past += scores[t, out[t]]
    return out


def _normal_draws(model: ShockModel, rng: np.random.Generator, paths: int, years: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(model.covariance)
    root = vectors * np.sqrt(np.clip(values, 0, None))  # covariance = root @ root.T
    half = rng.standard_normal((4, years, (paths + 1) // 2))
    z = np.concatenate([half, -half], axis=2)[:, :, :paths]  # antithetic pairs
    return np.einsum("ij,jn->in", root, z.reshape(4, -1)).reshape(4, years, paths)


def _paired_indices(
    rng: np.random.Generator, choices: int, rows: int, paths: int, scores: np.ndarray | None
) -> np.ndarray:
    """Balanced indices; with ``scores`` (rows x choices), stratified on the past, and the second
    half of the paths antithetic to the first (the choice of opposite score rank in every row)."""
    if scores is None:
        return _balanced_indices(rng, choices, rows, paths)
    half = _balanced_indices(rng, choices, rows, (paths + 1) // 2, scores)
    ranked = np.argsort(scores, axis=1, kind="stable")
    partners = np.empty_like(ranked)
    np.put_along_axis(partners, ranked, ranked[:, ::-1], axis=1)
    return np.concatenate([half, np.take_along_axis(partners, half, axis=1)], axis=1)[:, :paths]


def _block_length(model: ShockModel) -> int:
    return min(model.block, len(model.shocks))


def _block_draws(
    model: ShockModel, rng: np.random.Generator, paths: int, years: int, scores: np.ndarray | None
) -> np.ndarray:
    n, block = len(model.shocks), _block_length(model)
    n_blocks = -(-years // block)
    starts = _paired_indices(rng, n - block + 1, n_blocks, paths, scores)[:, None, :]
    index = (starts + np.arange(block)[None, :, None]).reshape(n_blocks * block, paths)[:years]
    return np.take(np.ascontiguousarray(model.shocks.T), index, axis=1)


def _var_propagate(model: ShockModel, u: np.ndarray) -> np.ndarray:
    """Deviations y_t = A y_(t-1) + u_t from residuals ``u`` of shape (4, years, paths), in place."""
    for t in range(1, u.shape[1]):
        # einsum rather than @: a 4x4 by 4xN product is faster without BLAS threading
        u[:, t] += np.einsum("ij,jp->ip", model.var_matrix, u[:, t - 1])
    return u


def draw_deviations(
    model: ShockModel, paths: int, years: int, rng: np.random.Generator, scores: np.ndarray | None = None
) -> np.ndarray:
    """Deviations from the inputs, shape (4, years, paths), variables in the order of :data:`ORDER`
    (percent; the yield deviation in percentage points). ``scores`` (from :func:`choice_scores`)
    stratifies the resampling methods on the past and pairs their paths antithetically."""
    if model.method == "var":
        residuals = np.ascontiguousarray(model.shocks.T)
        index = _paired_indices(rng, len(model.shocks), years, paths, scores)
        return _var_propagate(model, np.take(residuals, index, axis=1))
    if model.method == "normal":
        draws = _normal_draws(model, rng, paths, years)
    else:
        draws = _block_draws(model, rng, paths, years, scores)
    np.cumsum(draws[2], axis=0, out=draws[2])
    return draws


def choice_scores(inputs: DebtInputs, model: ShockModel) -> np.ndarray | None:
    """For the resampling methods, scores of shape (rows, choices): the debt ratio (percent of GDP)
    in the last projection year when that choice alone hits that row's year(s) (rows are years for
    ``var``, whose residual then propagates through the VAR, and blocks for ``bootstrap``). None
    for ``normal``, whose draws are already in antithetic pairs."""
    if model.method == "normal":
        return None
    years = len(inputs.years)
    if model.method == "var":
        rows, choices, width = years, len(model.shocks), 1
    else:
        width = _block_length(model)
        rows, choices = -(-years // width), len(model.shocks) - width + 1
    dev = np.zeros((4, years, rows, choices))
    for row in range(rows):
        for k in range(width):
            if row * width + k < years:
                dev[:, row * width + k, row] = model.shocks[k:k + choices].T
    dev = dev.reshape(4, years, rows * choices)
    if model.method == "var":
        _var_propagate(model, dev)
    else:
        np.cumsum(dev[2], axis=0, out=dev[2])
    run = simulate(
        inputs,
        real_growth=(dev[0] + inputs.real_growth[:, None]).T,
        inflation=(dev[1] + inputs.inflation[:, None]).T,
        primary_balance=(dev[3] + inputs.primary_balance[:, None]).T,
        rate_shock=dev[2].T,
    )
    return run["debt_gdp"][:, -1].reshape(rows, choices)


def check_paths(paths: int) -> None:
    """UsageError unless 1 <= paths <= 1,000,000."""
    if isinstance(paths, bool) or not isinstance(paths, (int, np.integer)) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"paths = {paths}: expected a whole number between 1 and {MAX_PATHS:,}")


def check_seed(seed: int) -> None:
    """UsageError unless ``seed`` is a whole number from 0 to 2**32 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise UsageError(f"seed = {seed}: expected a whole number from 0 to {MAX_SEED:,}")


def simulate_paths(
    inputs: DebtInputs, model: ShockModel, paths: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Debt, interest and gross financing need for ``paths`` stochastic paths, shape (paths, years),
    percent of GDP. Chunks of :data:`CHUNK` paths each get their own child seed of ``seed``."""
    check_paths(paths)
    check_seed(seed)
    n_years = len(inputs.years)
    n_chunks = -(-paths // CHUNK)
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    scores = choice_scores(inputs, model)
    keys = ("debt_gdp", "interest_gdp", "gfn_gdp")
    out = {k: np.empty((n_years, paths)) for k in keys}  # time-major; returned transposed
    for c, child in enumerate(children):
        lo, hi = c * CHUNK, min(paths, (c + 1) * CHUNK)
        dev = draw_deviations(model, hi - lo, n_years, np.random.default_rng(child), scores)
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
    "METHODS", "ORDER", "PERCENTILES", "ShockModel", "check_paths", "check_seed", "choice_scores", "draw_deviations",
    "fan_chart", "fit_shocks", "simulate_paths",
]
