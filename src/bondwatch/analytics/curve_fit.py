"""Fitted yield curves (pure NumPy): Nelson-Siegel and Svensson, a smoothing spline, the
conversions between zero, par and forward rates, a par-curve bootstrap, and a fit of many days
at once that always returns a curve.

Units: maturities ``t`` in years; every rate in percent. Zero yields and instantaneous forwards
are continuously compounded, par yields coupon-equivalent with semiannual coupons, one-year
forwards coupon-equivalent (the conventions of the Federal Reserve's Gurkaynak-Sack-Wright
curve, ``feds200628``). Svensson (1994), with x_k = t / tau_k:

    z(t) = b0 + b1 (1 - e^-x1)/x1 + b2 [(1 - e^-x1)/x1 - e^-x1] + b3 [(1 - e^-x2)/x2 - e^-x2]
    f(t) = b0 + b1 e^-x1 + b2 x1 e^-x1 + b3 x2 e^-x2
    D(t) = exp(-t z(t) / 100)

Nelson-Siegel (1987) is Svensson with b3 = 0. Parameters are arrays whose last axis is
``(b0, b1, b2, b3, tau1, tau2)`` (Svensson) or ``(b0, b1, b2, tau)`` (Nelson-Siegel).

The fit works in the space the data is quoted in: it minimises squared errors of *par* yields
(Treasury's and MOF's curves are par curves). See docs/methods.md, "Fitted yield curves".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODELS = ("svensson", "nelson_siegel", "spline")
TAU_BOUNDS = (0.05, 30.0)  # years: every tau is kept inside, tau1 <= tau2
TAU_GRID = np.geomspace(0.1, 25.0, 14)  # years: the grid's taus (log-spaced)
STARTS = 2  # grid starts per day: the best point, and the best whose tau1 differs by DISTINCT_TAU times
DISTINCT_TAU = 3.0
RETRY_RMSE_BP = 4.0  # a day refined from the best start to an RMSE above this is refined from the second too
LM_ITERATIONS = 10  # at most this many Levenberg-Marquardt steps per refinement
CONVERGED_GAIN = 1e-6  # a refinement stops when a step lowers its squared error by less than this fraction
COLLINEAR_CONDITION = 1e4  # condition number of the beta loadings above which betas offset each other
BOUND_TOLERANCE = 1e-3  # a tau within this fraction of a bound sits on it
SPLINE_SMOOTHING = 1e-3  # roughness penalty of the spline (percent^2 per unit of log-maturity^3)
SPLINE_ITERATIONS = 4  # Gauss-Newton steps of the spline fit
COUPONS_PER_YEAR = 2


# ----------------------------------------------------------------------------- model functions
def _svensson(params: np.ndarray) -> np.ndarray:
    """Parameters as Svensson (..., 6): Nelson-Siegel (..., 4) gets beta3 = 0 and tau2 = tau1."""
    params = np.asarray(params, float)
    if params.shape[-1] == 6:
        return params
    if params.shape[-1] != 4:
        raise ValueError(f"expected 4 (Nelson-Siegel) or 6 (Svensson) parameters, got {params.shape[-1]}")
    b0, b1, b2, tau = np.moveaxis(params, -1, 0)
    return np.stack([b0, b1, b2, np.zeros_like(b0), tau, tau], axis=-1)


def _hump_loadings(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """e^-x, the slope loading (1 - e^-x)/x and the curvature loading (1 - e^-x)/x - e^-x, with
    the slope from its series 1 - x/2 + x^2/6 below x = 1e-4 (no cancellation; 1 at x = 0)."""
    decay = np.exp(-x)
    small = x < 1e-4
    slope = np.where(small, 1.0 - x / 2 + x * x / 6, (1.0 - decay) / np.where(small, 1.0, x))
    return decay, slope, slope - decay


def _loadings(t: np.ndarray, params: np.ndarray) -> tuple[np.ndarray, ...]:
    """Loadings of maturities t (m,) for parameters (..., 6), each (..., m): the slope, the two
    curvatures, e^-x1, e^-x2, x1 and x2 (x_k = t / tau_k)."""
    t = np.asarray(t, float)
    x1 = t / params[..., 4:5]
    x2 = t / params[..., 5:6]
    decay1, slope, curve1 = _hump_loadings(x1)
    decay2, _, curve2 = _hump_loadings(x2)
    return slope, curve1, curve2, decay1, decay2, x1, x2


def zero_yield(params: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Zero-coupon yields (percent, continuously compounded) at maturities ``t`` (years).

    ``params`` (..., 6) Svensson or (..., 4) Nelson-Siegel; returns (..., len(t)).
    """
    p = _svensson(params)
    slope, curve1, curve2, *_ = _loadings(np.atleast_1d(t), p)
    return p[..., 0:1] + p[..., 1:2] * slope + p[..., 2:3] * curve1 + p[..., 3:4] * curve2


def forward_rate(params: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Instantaneous forward rates (percent, continuously compounded) at maturities ``t`` (years)."""
    p = _svensson(params)
    _, _, _, e1, e2, x1, x2 = _loadings(np.atleast_1d(t), p)
    return p[..., 0:1] + p[..., 1:2] * e1 + p[..., 2:3] * x1 * e1 + p[..., 3:4] * x2 * e2


def discount_factor(params: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Discount factors (price today of 1 paid at ``t`` years)."""
    return discount_from_zero(zero_yield(params, t), t)


def discount_from_zero(zero_pct: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """D(t) = exp(-t z(t) / 100) for continuously compounded zero yields in percent."""
    return np.exp(-np.atleast_1d(t) * np.asarray(zero_pct, float) / 100.0)


# ----------------------------------------------------------------------------- par yields
@dataclass(frozen=True)
class CouponSchedule:
    """The cash flows of par bonds maturing at ``maturities`` (years), on shared ``times``.

    Coupons fall every half-year counted back from maturity; the first period is short (from
    today to the first coupon date) and accrues only its length. Bonds whose coupon dates fall
    on the same half-year lattice share a running sum of discount factors: ``lattices`` holds,
    per lattice, the indices of its dates in ``times``, its bonds, each bond's last date on the
    lattice and the accrual of the lattice's first period. ``at_maturity`` (n,): each bond's
    maturity in ``times``.
    """

    maturities: np.ndarray
    times: np.ndarray
    at_maturity: np.ndarray
    lattices: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, float], ...]

    def annuity(self, discount: np.ndarray) -> np.ndarray:
        """sum_i a_i D(t_i) per bond (..., n), years, from discount factors (..., m) at ``times``:
        1/2 of the running sum of D on the bond's lattice, less the short first period's shortfall."""
        out = np.empty(discount.shape[:-1] + (len(self.maturities),))
        for dates, bonds, last, first in self.lattices:
            on_lattice = discount[..., dates]
            out[..., bonds] = (0.5 * np.cumsum(on_lattice, axis=-1)[..., last]
                               + (first - 0.5) * on_lattice[..., :1])
        return out


def coupon_schedule(maturities: float | np.ndarray) -> CouponSchedule:
    """The semiannual coupon schedule of par bonds maturing at ``maturities`` (years, > 0)."""
    maturities = np.round(np.atleast_1d(np.asarray(maturities, float)), 9)
    period = 1.0 / COUPONS_PER_YEAR
    first_dates = np.round(maturities - period * (np.ceil(maturities / period - 1e-9) - 1), 9)
    lattices, all_dates = [], []
    for first in np.unique(first_dates):
        bonds = np.flatnonzero(first_dates == first)
        dates = np.round(first + period * np.arange(round((maturities[bonds].max() - first) / period) + 1), 9)
        all_dates.append(dates)
        lattices.append((dates, bonds, np.searchsorted(dates, maturities[bonds]), float(first)))
    times = np.unique(np.concatenate(all_dates))
    lattices = tuple((np.searchsorted(times, dates), bonds, last, first) for dates, bonds, last, first in lattices)
    return CouponSchedule(maturities, times, np.searchsorted(times, maturities), lattices)


def par_from_discount(discount: np.ndarray, schedule: CouponSchedule) -> np.ndarray:
    """Par yields (percent, semiannual coupon-equivalent) of the schedule's bonds from discount
    factors (..., m) at ``schedule.times``: c = 100 (1 - D(T)) / sum_i a_i D(t_i)."""
    return 100.0 * (1.0 - discount[..., schedule.at_maturity]) / schedule.annuity(discount)


def par_yield(params: np.ndarray, maturity_years: float | np.ndarray) -> np.ndarray:
    """Par yields (percent, semiannual coupon-equivalent) of a Svensson or Nelson-Siegel curve at
    ``maturity_years`` (any maturity, e.g. a security's 29.92 years to run); (..., len(maturities))."""
    schedule = coupon_schedule(maturity_years)
    return par_from_discount(discount_factor(params, schedule.times), schedule)


def fitted_par_yield(params: np.ndarray, maturity_years: float) -> float:
    """One par yield (percent) of a fitted curve at one maturity (years): for an auction's tail
    at the security's exact remaining maturity."""
    return float(par_yield(np.asarray(params, float), maturity_years)[0])


def one_year_forward(params: np.ndarray, start_years: float | np.ndarray) -> np.ndarray:
    """One-year forward rates (percent, coupon-equivalent) starting at ``start_years``: the par
    yield of a one-year semiannual bond bought forward at n (GSW's SVEN1F),
    200 (D(n) - D(n+1)) / (D(n+1/2) + D(n+1))."""
    start = np.atleast_1d(np.asarray(start_years, float))
    begin, middle, end = (discount_factor(params, start + shift) for shift in (0.0, 0.5, 1.0))
    return 200.0 * (begin - end) / (middle + end)


# ----------------------------------------------------------------------------- bootstrap
def bootstrap_discount(tenor_years: np.ndarray, par_pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Discount factors implied by one or many par curves quoting the same maturities
    ``tenor_years`` (n,, ascending): ``par_pct`` (..., n), percent, NaN-free. Returns the times
    (the quoted maturities up to half a year, then every half-year to the last quote) and the
    discount factors (..., len(times)).

    Maturities up to half a year are single-payment bills: D = 1 / (1 + c T). Beyond, the par
    yield at each semiannual coupon date is interpolated linearly between quotes (held flat
    before the first and after the last) and the discount factors are solved date by date:
    D(t_k) = (1 - c_k/2 sum_{j<k} D(t_j)) / (1 + c_k/2). Quoted maturities beyond half a year
    must fall on the half-year grid (Treasury's and MOF's do)."""
    tenors = np.asarray(tenor_years, float)
    par = np.asarray(par_pct, float) / 100.0
    period = 1.0 / COUPONS_PER_YEAR
    grid = np.arange(1, int(np.ceil(tenors[-1] / period - 1e-9)) + 1) * period
    rows = par.reshape(-1, len(tenors))
    grid_par = np.stack([np.interp(grid, tenors, row) for row in rows]) if len(rows) else np.empty((0, len(grid)))
    grid_discount = np.empty_like(grid_par)
    paid = np.zeros(len(rows))
    for k in range(len(grid)):
        coupon = grid_par[:, k] * period
        grid_discount[:, k] = (1.0 - coupon * paid) / (1.0 + coupon)
        paid = paid + grid_discount[:, k]
    bills = tenors[tenors < period]
    bill_discount = 1.0 / (1.0 + rows[:, : len(bills)] * bills)
    times = np.concatenate([bills, grid])
    discount = np.concatenate([bill_discount, grid_discount], axis=1)
    return times, discount.reshape(par.shape[:-1] + (len(times),))


def bootstrap_zeros(tenor_years: np.ndarray, par_pct: np.ndarray) -> np.ndarray:
    """Zero yields (percent, continuously compounded) at the quoted maturities of one or many
    par curves (..., n), by :func:`bootstrap_discount`."""
    tenors = np.asarray(tenor_years, float)
    times, discount = bootstrap_discount(tenors, par_pct)
    at = np.searchsorted(times, np.round(tenors, 9))
    return -100.0 * np.log(discount[..., at]) / tenors


# ----------------------------------------------------------------------------- curves as objects
class FittedCurve:
    """A fitted curve of one day: zero, forward, discount and par at any maturity (years, percent)."""

    model: str

    def zero(self, t: float | np.ndarray) -> np.ndarray:
        """Zero yields (percent, continuously compounded) at maturities ``t`` (years)."""
        raise NotImplementedError

    def forward(self, t: float | np.ndarray) -> np.ndarray:
        """Instantaneous forward rates (percent, continuously compounded) at maturities ``t``."""
        raise NotImplementedError

    def par(self, maturity_years: float | np.ndarray) -> np.ndarray:
        """Par yields (percent, semiannual coupon-equivalent) at ``maturity_years``."""
        schedule = coupon_schedule(maturity_years)
        return par_from_discount(discount_from_zero(self.zero(schedule.times), schedule.times), schedule)


@dataclass(frozen=True)
class ParametricCurve(FittedCurve):
    """A Nelson-Siegel (4 parameters) or Svensson (6) curve."""

    model: str
    params: np.ndarray

    def zero(self, t: float | np.ndarray) -> np.ndarray:
        return zero_yield(self.params, t)

    def forward(self, t: float | np.ndarray) -> np.ndarray:
        return forward_rate(self.params, t)

    def par(self, maturity_years: float | np.ndarray) -> np.ndarray:
        return par_yield(self.params, maturity_years)


@dataclass(frozen=True)
class SplineCurve(FittedCurve):
    """A natural cubic spline of zero yields in log maturity through ``zero_at_knots`` (percent)
    at ``knots_years``, extended linearly in log maturity beyond the end knots."""

    knots_years: np.ndarray
    zero_at_knots: np.ndarray
    model: str = "spline"

    def zero(self, t: float | np.ndarray) -> np.ndarray:
        values, _ = _spline_basis(np.log(self.knots_years), np.log(np.atleast_1d(t)))
        return values @ self.zero_at_knots

    def forward(self, t: float | np.ndarray) -> np.ndarray:
        # f = d(t z)/dt = z + dz/d(ln t)
        values, slopes = _spline_basis(np.log(self.knots_years), np.log(np.atleast_1d(t)))
        return (values + slopes) @ self.zero_at_knots


def _second_derivative_operator(knots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q (n, n-2) and R (n-2, n-2) of a natural cubic spline on ``knots`` (Green and Silverman
    1994, 2.1.2): the second derivatives at the knots are R^-1 Q' f, the roughness f' Q R^-1 Q' f."""
    h = np.diff(knots)
    n = len(knots)
    q = np.zeros((n, n - 2))
    r = np.zeros((n - 2, n - 2))
    for j in range(1, n - 1):
        q[j - 1, j - 1], q[j, j - 1], q[j + 1, j - 1] = 1 / h[j - 1], -1 / h[j - 1] - 1 / h[j], 1 / h[j]
        r[j - 1, j - 1] = (h[j - 1] + h[j]) / 3
        if j < n - 2:
            r[j - 1, j] = r[j, j - 1] = h[j] / 6
    return q, r


def _spline_basis(knots: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and slope matrices (len(at), n) of the natural cubic spline through values f at
    ``knots``: spline(at) = values @ f, spline'(at) = slopes @ f; linear beyond the end knots."""
    n = len(knots)
    q, r = _second_derivative_operator(knots)
    gamma = np.zeros((n, n))
    gamma[1:-1] = np.linalg.solve(r, q.T)
    inside = np.clip(at, knots[0], knots[-1])
    i = np.clip(np.searchsorted(knots, inside, side="right") - 1, 0, n - 2)
    h = (knots[i + 1] - knots[i])[:, None]
    a, b = (inside - knots[i])[:, None], (knots[i + 1] - inside)[:, None]
    eye = np.eye(n)
    f0, f1, g0, g1 = eye[i], eye[i + 1], gamma[i], gamma[i + 1]
    values = (b * f0 + a * f1) / h + ((b**3 - h**2 * b) * g0 + (a**3 - h**2 * a) * g1) / (6 * h)
    slopes = (f1 - f0) / h + (-(3 * b**2 - h**2) * g0 + (3 * a**2 - h**2) * g1) / (6 * h)
    return values + (at - inside)[:, None] * slopes, slopes


# ----------------------------------------------------------------------------- fitting many days
@dataclass(frozen=True)
class FitResult:
    """Fits of many days of one curve by one model, row by row.

    ``params`` (days, 6) in the Svensson layout (Nelson-Siegel: beta3 and tau2 NaN; spline:
    all NaN, the curve is rebuilt from the day's quotes); ``rmse_bp`` and ``max_error_bp``: root
    mean square and largest absolute error of the fitted par yields against the quoted ones
    (basis points); ``nodes``: quoted maturities used; ``flags``: comma-separated warnings,
    'tau_at_bound' (a tau sits on TAU_BOUNDS), 'collinear' (the loadings at the quoted
    maturities have a condition number above COLLINEAR_CONDITION: betas offset each other),
    'exact' (no more quotes than parameters), '' otherwise.
    """

    model: str
    params: np.ndarray
    rmse_bp: np.ndarray
    max_error_bp: np.ndarray
    nodes: np.ndarray
    flags: list[str]


def fit_par_curves(tenor_years: np.ndarray, par_pct: np.ndarray, model: str = "svensson") -> FitResult:
    """Fit every day (row) of ``par_pct`` (days, n; percent, NaN where not quoted) at the quoted
    maturities ``tenor_years`` (n,) with ``model`` ('svensson', 'nelson_siegel' or 'spline').

    Parametric models: a grid over the taus with least-squares betas on the bootstrapped zero
    yields (one pseudo-inverse per grid point for all days quoting the same maturities), then a
    bounded Levenberg-Marquardt refinement of all parameters on the par-yield errors from the
    best grid point, and from a second one in another tau1 basin for days still above
    RETRY_RMSE_BP; the better refinement wins. Deterministic; always returns finite
    parameters for days with at least two quotes (days with fewer give NaN and 'too_few_quotes').
    """
    if model not in MODELS:
        raise ValueError(f"model {model!r}: expected one of {', '.join(MODELS)}")
    tenors = np.asarray(tenor_years, float)
    order = np.argsort(tenors)
    tenors, par = tenors[order], np.asarray(par_pct, float).reshape(-1, len(tenors))[:, order]
    quoted = np.isfinite(par)
    days = len(par)
    params = np.full((days, 6), np.nan)
    fitted = np.full(par.shape, np.nan)
    patterns, pattern_of_day = np.unique(quoted, axis=0, return_inverse=True)
    starts = np.full((days, STARTS, 6), np.nan)
    for pattern_index, pattern in enumerate(patterns):
        rows = np.flatnonzero(pattern_of_day.ravel() == pattern_index)
        if pattern.sum() < 2:
            continue
        if model == "spline":
            knots = tenors[pattern]
            schedule = coupon_schedule(knots)
            values, _ = _spline_basis(np.log(knots), np.log(schedule.times))
            knot_zeros = fit_spline_zeros(knots, par[np.ix_(rows, pattern)])
            discount = discount_from_zero(knot_zeros @ values.T, schedule.times)
            fitted[np.ix_(rows, pattern)] = par_from_discount(discount, schedule)
        else:
            times, discount = bootstrap_discount(tenors[pattern], par[np.ix_(rows, pattern)])
            # the quoted maturities, and the coupon dates before the first (else unconstrained)
            held = (np.abs(times[:, None] - tenors[pattern]) < 1e-9).any(axis=1) | (times < tenors[pattern][0])
            starts[rows] = _grid_starts(times[held], -100.0 * np.log(discount[:, held]) / times[held], model)
    if model != "spline":
        ready = np.isfinite(starts[:, 0, 0])
        params[ready], fitted[ready] = _refine(tenors, par[ready], starts[ready], model)
    return _summarise(model, tenors, par, params, fitted)


def _grid_points(model: str) -> np.ndarray:
    """The grid's (tau1, tau2): every pair tau1 < tau2 of TAU_GRID (Svensson), or tau1 = tau2."""
    if model == "svensson":
        first, second = np.triu_indices(len(TAU_GRID), k=1)
        return np.stack([TAU_GRID[first], TAU_GRID[second]], axis=1)
    return np.stack([TAU_GRID, TAU_GRID], axis=1)


def _grid_starts(times: np.ndarray, zeros: np.ndarray, model: str) -> np.ndarray:
    """Grid starts (days, STARTS, 6) for bootstrapped zero yields ``zeros`` (days, m) at ``times``:
    at each (tau1, tau2) the betas are the least-squares fit; the best point, then the best
    whose tau1 is at least DISTINCT_TAU times larger or smaller (another hump)."""
    taus = _grid_points(model)
    grid = np.concatenate([np.zeros((len(taus), 4)), taus], axis=1)
    slope, curve1, curve2, *_ = _loadings(times, grid)
    columns = [np.ones_like(slope), slope, curve1] + ([curve2] if model == "svensson" else [])
    design = np.stack(columns, axis=-1)  # (grid, n, k)
    betas = np.einsum("gkn,dn->gdk", np.linalg.pinv(design), zeros)  # (grid, days, k)
    errors = np.einsum("gnk,gdk->gdn", design, betas) - zeros
    squared = (errors**2).sum(axis=2)  # (grid, days)
    first = np.argmin(squared, axis=0)
    near = np.abs(np.log(taus[:, None, 0] / taus[first, 0])) < np.log(DISTINCT_TAU)
    best = np.stack([first, np.argmin(np.where(near, np.inf, squared), axis=0)])  # (STARTS, days)
    chosen = np.take_along_axis(betas, best[..., None], axis=0)  # (STARTS, days, k)
    out = np.zeros((zeros.shape[0], STARTS, 6))
    out[..., : design.shape[-1]] = chosen.transpose(1, 0, 2)
    out[..., 4:] = taus[best.T]
    return out


def _free_columns(model: str) -> np.ndarray:
    """Indices of the parameters the refinement moves (Nelson-Siegel: not beta3 and tau2)."""
    return np.array([0, 1, 2, 3, 4, 5]) if model == "svensson" else np.array([0, 1, 2, 4])


def _constrain(params: np.ndarray, model: str) -> np.ndarray:
    """Taus clipped to TAU_BOUNDS and projected onto tau1 <= tau2 (a crossed pair moves to its
    mean); Nelson-Siegel's tau2 tied to tau1 (its beta3 is 0)."""
    params = params.copy()
    params[:, 4:] = np.clip(params[:, 4:], *TAU_BOUNDS)
    if model == "svensson":
        crossed = params[:, 4] > params[:, 5]
        params[crossed, 4:] = params[crossed, 4:].mean(axis=1, keepdims=True)
    else:
        params[:, 5] = params[:, 4]
    return params


def _par_errors(params: np.ndarray, schedule: CouponSchedule, quotes: np.ndarray, weights: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fitted par yields (B, n), weighted errors (B, n) and their Jacobian (B, n, 6) for
    parameters (B, 6), by the chain rule through the discount factors at the schedule's times."""
    t = schedule.times
    slope, curve1, curve2, e1, e2, x1, x2 = _loadings(t, params)
    slope2 = curve2 + e2
    d_slope1 = (e1 - slope) / x1  # d/dx of (1 - e^-x)/x
    d_slope2 = (e2 - slope2) / x2
    b1, b2, b3 = params[:, 1:2], params[:, 2:3], params[:, 3:4]
    zero = params[:, 0:1] + b1 * slope + b2 * curve1 + b3 * curve2
    d_zero = (  # d zero / d parameter, each (B, m)
        None, slope, curve1, curve2,
        -(b1 * d_slope1 + b2 * (d_slope1 + e1)) * x1 / params[:, 4:5],
        -b3 * (d_slope2 + e2) * x2 / params[:, 5:6],
    )
    par, d_par = _par_and_jacobian(zero, d_zero, schedule)
    return par, (par - quotes) * weights, d_par * weights[..., None]


def _par_and_jacobian(zero: np.ndarray, d_zero: tuple, schedule: CouponSchedule) -> tuple[np.ndarray, np.ndarray]:
    """Par yields (B, n) from zero yields (B, m) at the schedule's times, and their derivatives
    (B, n, k) given d zero / d parameter per parameter (each (B, m) or (m,); None for 1), by the
    chain rule through the discount factors."""
    t = schedule.times
    discount = np.exp(-t * zero / 100.0)
    annuity = schedule.annuity(discount)  # (B, n)
    par = 100.0 * (1.0 - discount[:, schedule.at_maturity]) / annuity
    sensitivity = -t / 100.0 * discount  # d discount / d zero
    d_par = np.empty(par.shape + (len(d_zero),))
    for column, d_column in enumerate(d_zero):  # one (B, m) product per parameter: no (B, k, m) array
        d_discount = sensitivity if d_column is None else sensitivity * d_column
        d_annuity = schedule.annuity(d_discount)
        d_par[..., column] = -(100.0 * d_discount[:, schedule.at_maturity] + par * d_annuity) / annuity
    return par, d_par


def fit_spline_zeros(tenor_years: np.ndarray, par_pct: np.ndarray, smoothing: float = SPLINE_SMOOTHING) -> np.ndarray:
    """Knot zero yields (days, n; percent) of the penalised spline (:class:`SplineCurve`) fitted to
    par curves ``par_pct`` (days, n; NaN-free) quoted at ``tenor_years`` (n,, ascending): they
    minimise sum (fitted par - quoted par)^2 + smoothing * integral z''(ln t)^2 d(ln t), by
    Gauss-Newton from the bootstrapped zeros (SPLINE_ITERATIONS steps)."""
    tenors = np.asarray(tenor_years, float)
    quotes = np.atleast_2d(np.asarray(par_pct, float))
    knots = np.log(tenors)
    schedule = coupon_schedule(tenors)
    values, _ = _spline_basis(knots, np.log(schedule.times))  # (m, n)
    q, r = _second_derivative_operator(knots)
    penalty = smoothing * q @ np.linalg.solve(r, q.T)
    zeros = bootstrap_zeros(tenors, quotes)
    columns = tuple(values.T)
    for _ in range(SPLINE_ITERATIONS):
        par, jacobian = _par_and_jacobian(zeros @ values.T, columns, schedule)
        normal = jacobian.transpose(0, 2, 1) @ jacobian + penalty
        gradient = (jacobian.transpose(0, 2, 1) @ (par - quotes)[..., None])[..., 0] + zeros @ penalty
        zeros = zeros - np.linalg.solve(normal, gradient[..., None])[..., 0]
    return zeros


def _refine(tenors: np.ndarray, par: np.ndarray, starts: np.ndarray, model: str) -> tuple[np.ndarray, np.ndarray]:
    """Refine each day from its best start (days, STARTS, 6) on the par errors, and the days
    still above RETRY_RMSE_BP from the next start too; the better result per day: parameters
    (days, 6) and fitted par yields at the quoted maturities (days, n; NaN where not quoted)."""
    schedule = coupon_schedule(tenors)
    weights = np.isfinite(par).astype(float)
    quotes = np.nan_to_num(par)
    params = np.empty((len(par), 6))
    squared = np.full(len(par), np.inf)
    retry = np.ones(len(par), bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # wild trial steps are rejected
        for start in range(starts.shape[1]):
            rows = np.flatnonzero(retry)
            trial = _levenberg_marquardt(_constrain(starts[rows, start], model), schedule, quotes[rows], weights[rows],
                                         model)
            _, errors, _ = _par_errors(trial, schedule, quotes[rows], weights[rows])
            trial_squared = (errors**2).sum(axis=1)
            better = trial_squared < squared[rows]
            params[rows[better]], squared[rows[better]] = trial[better], trial_squared[better]
            retry = squared > (RETRY_RMSE_BP / 100.0) ** 2 * weights.sum(axis=1)
        fitted, _, _ = _par_errors(params, schedule, quotes, weights)
    return params, np.where(np.isfinite(par), fitted, np.nan)


def _levenberg_marquardt(params: np.ndarray, schedule: CouponSchedule, quotes: np.ndarray, weights: np.ndarray,
                         model: str) -> np.ndarray:
    """Bounded Levenberg-Marquardt (Marquardt's diagonal scaling, steps projected by
    :func:`_constrain`) on the weighted par errors, all rows at once; a step is kept only if it
    lowers that row's squared error, so no row ever ends worse than it started. A row stops when
    a kept step gains less than 1e-10 of its squared error or its damping passes 1e8."""
    free = _free_columns(model)
    is_tau = free >= 4  # taus move in logs: d/d(ln tau) = tau d/d(tau)
    identity = np.eye(len(free))
    damping = np.full(len(params), 1e-2)
    _, errors, jacobian = _par_errors(params, schedule, quotes, weights)
    squared = (errors**2).sum(axis=1)
    active = np.arange(len(params))
    for _ in range(LM_ITERATIONS):
        scale = np.where(is_tau, params[:, free], 1.0)
        if not len(active):
            break
        jac = jacobian[active][:, :, free] * scale[active][:, None, :]
        normal = jac.transpose(0, 2, 1) @ jac
        gradient = (jac.transpose(0, 2, 1) @ errors[active][..., None])[..., 0]
        diagonal = np.diagonal(normal, axis1=1, axis2=2)
        system = normal + (damping[active, None] * diagonal + 1e-12)[:, :, None] * identity
        trial = params[active].copy()
        step = np.linalg.solve(system, gradient[..., None])[..., 0]
        trial[:, free] -= np.where(is_tau, 0.0, step)
        trial[:, free] *= np.exp(-np.clip(np.where(is_tau, step, 0.0), -1.0, 1.0))
        trial = _constrain(trial, model)
        _, trial_errors, trial_jacobian = _par_errors(trial, schedule, quotes[active], weights[active])
        trial_squared = (trial_errors**2).sum(axis=1)
        better = np.isfinite(trial_squared) & (trial_squared < squared[active])
        kept = active[better]
        converged = np.zeros(len(active), bool)
        converged[better] = squared[kept] - trial_squared[better] <= CONVERGED_GAIN * squared[kept]
        params[kept], errors[kept], jacobian[kept] = trial[better], trial_errors[better], trial_jacobian[better]
        squared[kept] = trial_squared[better]
        damping[active] = np.where(better, damping[active] / 3, damping[active] * 10)
        active = active[~converged & (damping[active] <= 1e6)]

    return params


def _summarise(model: str, tenors: np.ndarray, par: np.ndarray, params: np.ndarray, fitted: np.ndarray) -> FitResult:
    """Errors in basis points and the flags of each day's fit."""
    quoted = np.isfinite(par)
    nodes = quoted.sum(axis=1)
    errors = np.where(quoted, (fitted - par) * 100.0, np.nan)
    fitted_any = np.isfinite(errors).any(axis=1)
    squared = np.where(quoted, errors**2, 0.0)
    rmse = np.where(fitted_any, np.sqrt(squared.sum(axis=1) / np.maximum(nodes, 1)), np.nan)
    worst = np.where(fitted_any, np.abs(np.where(quoted, errors, 0.0)).max(axis=1), np.nan)
    flags: list[list[str]] = [[] if ok else ["too_few_quotes"] for ok in fitted_any]
    if model != "spline":
        count = len(_free_columns(model))
        free_taus = params[:, 4:] if model == "svensson" else params[:, 4:5]
        low, high = TAU_BOUNDS
        on_bound = ((free_taus <= low * (1 + BOUND_TOLERANCE)) | (free_taus >= high * (1 - BOUND_TOLERANCE))).any(axis=1)
        condition = _loading_condition(tenors, params, quoted, model)
        for day in np.flatnonzero(fitted_any):
            flags[day] += [name for name, hit in (("tau_at_bound", on_bound[day]),
                                                  ("collinear", condition[day] > COLLINEAR_CONDITION),
                                                  ("exact", nodes[day] <= count)) if hit]
        if model == "nelson_siegel":
            params = params.copy()
            params[:, [3, 5]] = np.nan
    return FitResult(model, params, rmse, worst, nodes, [",".join(f) for f in flags])


def _loading_condition(tenors: np.ndarray, params: np.ndarray, quoted: np.ndarray, model: str) -> np.ndarray:
    """Condition number (days,) of each day's beta loadings at its quoted maturities."""
    condition = np.full(len(params), np.inf)
    ok = np.isfinite(params[:, 4])
    slope, curve1, curve2, *_ = _loadings(tenors, params[ok])
    columns = [np.ones_like(slope), slope, curve1] + ([curve2] if model == "svensson" else [])
    design = np.stack(columns, axis=-1) * quoted[ok][..., None]
    singular = np.linalg.svd(design, compute_uv=False)
    condition[ok] = singular[:, 0] / np.maximum(singular[:, -1], 1e-300)
    return condition
