"""Public-debt dynamics: the debt-ratio recursion with maturity repricing and its exact decomposition.

Pure computation (NumPy, pandas only for the result frame), no I/O. Units at the interface:
ratios in percent of GDP, rates and growth in percent per year, shocks to the market yield in
percentage points. The recursion (IMF 2022 SRDSF guidance note, Annex on debt dynamics; Bruegel DSA)::

    d_t = d_{t-1} (1 + i_t)(1 + f e_t) / (1 + gamma_t) - pb_t + sfa_t

with ``gamma`` nominal GDP growth ((1+g)(1+pi) - 1), ``i`` the effective interest rate on the debt
stock, ``f`` the foreign-currency share of debt and ``e`` the depreciation of the home currency.

The effective rate rolls with the maturity profile: debt falling due in year t and new borrowing are
priced at that year's market yield, the rest keeps the rate it was issued at. The debt stock is kept
as amounts due by year (existing debt per its amortisation schedule; new issues: a ``short_share``
of one-year bills, the rest bullets of ``avg_maturity`` years). Two modes:

* market mode (``market_rate`` given): pieces carry their own rate; existing debt carries
  ``initial_rate``; ``i_t`` is the amount-weighted average.
* baseline mode (``effective_rate`` given, e.g. WEO's implied rate): ``i_t`` is the baseline rate
  plus the pass-through of market-yield *deviations* (``rate_shock``, yield feedback, stochastic
  shocks) through the same maturity profile. With no deviation the baseline rate is reproduced exactly.

See docs/methods.md ("Debt dynamics") for the equations, sources and a worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bondwatch.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

MAX_MATURITY_YEARS = 50.0
CONTRIBUTIONS = (
    "contrib_primary_balance",
    "contrib_interest",
    "contrib_real_growth",
    "contrib_inflation",
    "contrib_exchange_rate",
    "contrib_stock_flow",
)


@dataclass(frozen=True)
class DebtInputs:
    """Assumptions for one projection; every array has one value per projection year.

    Units: ``initial_debt`` and ``primary_balance``/``stock_flow`` in percent of GDP (primary balance
    positive = surplus); ``real_growth``, ``inflation`` (GDP deflator), ``effective_rate``,
    ``market_rate``, ``initial_rate`` and ``fx_depreciation`` in percent; ``rate_shock`` in
    percentage points added to market yields; ``yield_feedback_bp_per_pp`` in basis points of yield
    per percentage point of debt/GDP above ``feedback_reference`` (percent of GDP, one per year).
    """

    years: tuple[int, ...]
    initial_debt: float
    real_growth: np.ndarray
    inflation: np.ndarray
    primary_balance: np.ndarray
    stock_flow: np.ndarray
    effective_rate: np.ndarray | None = None
    market_rate: np.ndarray | None = None
    initial_rate: float | None = None
    rate_shock: np.ndarray | None = None
    short_share: float = 0.0
    avg_maturity: float = 1.0
    amortization: tuple[float, ...] | None = None
    fx_share: float = 0.0
    fx_depreciation: np.ndarray | None = None
    yield_feedback_bp_per_pp: float = 0.0
    feedback_reference: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.years)
        for name in ("real_growth", "inflation", "primary_balance", "stock_flow"):
            object.__setattr__(self, name, _vector(name, getattr(self, name), n))
        for name in ("effective_rate", "market_rate", "feedback_reference"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _vector(name, value, n))
        for name in ("rate_shock", "fx_depreciation"):
            value = getattr(self, name)
            object.__setattr__(self, name, np.zeros(n) if value is None else _vector(name, value, n))
        _check_range("initial_debt", self.initial_debt, 0.0, 1e4, "percent of GDP")
        _check_range("short_share", self.short_share, 0.0, 1.0, "a share")
        _check_range("avg_maturity", self.avg_maturity, 1.0, MAX_MATURITY_YEARS, "years")
        _check_range("fx_share", self.fx_share, 0.0, 1.0, "a share")
        _check_range("yield_feedback_bp_per_pp", self.yield_feedback_bp_per_pp, 0.0, 100.0, "bp per pp")
        if (self.effective_rate is None) == (self.market_rate is None):
            raise UsageError("rates: give exactly one of effective_rate (baseline mode) or market_rate")
        if self.market_rate is not None and self.initial_rate is None:
            raise UsageError("initial_rate: required with market_rate (rate on the existing debt, percent)")
        if self.yield_feedback_bp_per_pp and self.feedback_reference is None:
            raise UsageError("feedback_reference: required when yield_feedback_bp_per_pp > 0")
        if np.any((1 + self.real_growth / 100) * (1 + self.inflation / 100) <= 0):
            raise UsageError("real_growth, inflation: nominal GDP growth must stay above -100 percent")
        if self.amortization is not None:
            shares = np.asarray(self.amortization, dtype=float)
            if shares.ndim != 1 or shares.size == 0 or np.any(shares < 0) or abs(shares.sum() - 1) > 1e-6:
                raise UsageError(
                    "amortization: expected non-negative shares of today's debt due in years 1, 2, ... "
                    "that sum to 1"
                )
            if shares.size > MAX_MATURITY_YEARS:
                raise UsageError(f"amortization: at most {MAX_MATURITY_YEARS:.0f} years, got {shares.size}")
            if shares[0] < self.short_share:
                raise UsageError(
                    f"amortization: the year-1 share {shares[0]:g} must be at least short_share "
                    f"{self.short_share:g} (bills fall due in year 1)"
                )

    @property
    def nominal_growth(self) -> np.ndarray:
        """Nominal GDP growth, percent: (1+g)(1+pi) - 1."""
        return ((1 + self.real_growth / 100) * (1 + self.inflation / 100) - 1) * 100

    def with_changes(self, **changes) -> DebtInputs:
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)


def _vector(name: str, value, n: int) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise UsageError(f"{name}: expected {n} yearly values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise UsageError(f"{name}: expected finite numbers, found NaN or infinity")
    return arr


def _check_range(name: str, value, low: float, high: float, unit: str) -> None:
    if value is None or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        raise UsageError(f"{name} = {value}: expected {unit} between {low:g} and {high:g}")


def maturity_profiles(
    short_share: float, avg_maturity: float, amortization: tuple[float, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Long-term debt falling due k = 1, 2, ... years ahead: (today's long-term stock, a new bond).

    Shares of today's *total* debt for the first, shares of the issue for the second (sums to 1).
    Bills (``short_share`` of the stock) are kept apart: they all roll over every year. New
    long-term borrowing is in bullets of ``avg_maturity`` years (non-integer m: floor(m)- and
    ceil(m)-year bullets in the mix that averages m). Today's long-term stock, unless
    ``amortization`` (shares of today's total debt due in years 1, 2, ..., bills included in year
    1) is given, is a ladder of past bullets: (1 - short_share)/m of the stock due in each of years
    1..floor(m) and the remainder in year ceil(m).
    """
    m = float(avg_maturity)
    lo, hi = math.floor(m), math.ceil(m)
    width = max(hi, len(amortization) if amortization else 0)
    bond = np.zeros(width)
    bond[lo - 1] += hi - m if hi != lo else 1.0
    if hi != lo:
        bond[hi - 1] += m - lo
    existing = np.zeros(width)
    if amortization is not None:
        existing[: len(amortization)] = amortization
        existing[0] -= short_share
    else:
        existing[:lo] = (1 - short_share) / m
        existing[hi - 1] += (1 - short_share) * (m - lo) / m
    return existing, bond


def average_remaining_maturity(
    short_share: float, avg_maturity: float, amortization: tuple[float, ...] | None = None
) -> float:
    """Average remaining maturity of today's debt stock as the engine holds it, years.

    Debt falling due in projection year k (repriced at the start of year k, bills in year 1)
    has a remaining maturity between k - 1 and k years; it counts as k - 1/2. For the ladder of
    ``avg_maturity`` = m-year bullets this is ``short_share``/2 + (1 - ``short_share``) m/2 for a
    whole m (see docs/methods.md, "Maturity repricing", for non-integer m).
    """
    existing, _ = maturity_profiles(short_share, avg_maturity, amortization)
    midpoints = np.arange(1, existing.size + 1) - 0.5
    return float(short_share * 0.5 + existing @ midpoints)


def maturity_for_remaining(avg_remaining_maturity: float, short_share: float) -> float:
    """Maturity at issue m of new bonds (years) whose steady-state ladder gives today's stock the
    published average remaining maturity (years, bills included; ``short_share`` of the stock
    in bills).

    Inverts :func:`average_remaining_maturity` without an amortization schedule: with
    B = (remaining - short_share/2) / (1 - short_share) the bonds' own average and
    n = floor(2B), m = n(n + 1) / (2n + 1 - 2B), which lies in [n, n + 1].
    """
    _check_range("short_share", short_share, 0.0, 0.99, "a share")
    low = average_remaining_maturity(short_share, 1.0) - 1e-12  # slack for rounding at the ends
    high = average_remaining_maturity(short_share, MAX_MATURITY_YEARS) + 1e-12
    _check_range("avg_remaining_maturity", avg_remaining_maturity, low, high, "years")
    bonds = (avg_remaining_maturity - short_share / 2) / (1 - short_share)
    whole = min(max(math.floor(2 * bonds), 1), int(MAX_MATURITY_YEARS))
    return min(max(whole * (whole + 1) / (2 * whole + 1 - 2 * bonds), 1.0), MAX_MATURITY_YEARS)


def simulate(
    inputs: DebtInputs,
    real_growth: np.ndarray | None = None,
    inflation: np.ndarray | None = None,
    primary_balance: np.ndarray | None = None,
    rate_shock: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Run the recursion for many paths at once; returns arrays of shape (paths, years).

    The optional arguments (shape (paths, years), units as in :class:`DebtInputs`) replace the
    inputs' real growth, inflation and primary balance, and add to its market-yield shock
    (percentage points). Returned keys: ``debt_gdp``, ``interest_gdp``, ``gfn_gdp``,
    ``amortization_gdp`` (percent of GDP); ``effective_rate``, ``market_shift``, ``real_growth``,
    ``inflation`` (percent / pp); ``primary_balance`` (percent of GDP).
    """
    n_years = len(inputs.years)
    given = [a for a in (real_growth, inflation, primary_balance, rate_shock) if a is not None]
    n_paths = np.shape(given[0])[0] if given else 1

    def time_major(values) -> np.ndarray:
        """(years, paths), contiguous by year: each year's slice is one contiguous vector."""
        return np.ascontiguousarray(np.broadcast_to(np.asarray(values, dtype=float), (n_paths, n_years)).T)

    growth = time_major(inputs.real_growth if real_growth is None else real_growth) / 100
    infl = time_major(inputs.inflation if inflation is None else inflation) / 100
    pb = time_major(inputs.primary_balance if primary_balance is None else primary_balance)
    shock = time_major(inputs.rate_shock + (0 if rate_shock is None else np.asarray(rate_shock))) / 100
    nominal = (1 + growth) * (1 + infl)
    sfa = inputs.stock_flow
    fx = inputs.fx_share * inputs.fx_depreciation / 100
    baseline_mode = inputs.effective_rate is not None
    anchor = inputs.effective_rate / 100 if baseline_mode else np.zeros(n_years)
    market = np.zeros(n_years) if baseline_mode else inputs.market_rate / 100
    existing_rate = 0.0 if baseline_mode else inputs.initial_rate / 100
    feedback = inputs.yield_feedback_bp_per_pp / 1e4  # fraction per pp of debt/GDP
    short = inputs.short_share

    existing, bond = maturity_profiles(short, inputs.avg_maturity, inputs.amortization)
    width = existing.size
    offsets = np.flatnonzero(bond) + 1  # years ahead at which a new bond falls due
    bond_shares = bond[offsets - 1]
    # Bonds: amounts due by absolute year index (rows), in units of base-year GDP (percent),
    # stored divided by a per-path scale factor (pro-rata buybacks, currency revaluation) so that
    # rescaling the whole stock costs one multiplication per path. Bills: one amount per path.
    due = np.zeros((n_years + width + 1, n_paths))
    due[:width] = inputs.initial_debt * existing[:, None]
    due_rate = due * existing_rate  # amount x rate, same scaling
    scale = np.ones(n_paths)
    bills = np.full(n_paths, inputs.initial_debt * short)
    bills_rate = existing_rate
    stock = np.full(n_paths, float(inputs.initial_debt))  # level, percent of base-year GDP
    weighted_rate = stock * existing_rate  # sum of amount x rate over the outstanding stock
    gdp = np.ones(n_paths)
    ratio = stock.copy()

    keys = ("debt_gdp", "interest_gdp", "gfn_gdp", "amortization_gdp", "effective_rate", "market_shift")
    out = {k: np.empty((n_years, n_paths)) for k in keys}
    for t in range(n_years):
        gdp *= nominal[t]
        shift = shock[t]
        if feedback:
            reference = inputs.initial_debt if t == 0 else inputs.feedback_reference[t - 1]
            shift = shift + feedback * (ratio - reference)
        new_rate = shift + market[t]
        # 1. start of year: what falls due rolls over at this year's market yield
        #    (bills into bills, bonds into new bonds)
        bonds_due = due[t] * scale
        maturing = bonds_due + bills
        weighted_rate += maturing * new_rate
        weighted_rate -= due_rate[t] * scale
        weighted_rate -= bills * bills_rate
        bills_rate = new_rate
        rate = weighted_rate / np.where(stock != 0, stock, 1.0)
        rate += anchor[t]
        interest = rate * stock
        # 2. end of year: revaluation, primary balance, stock-flow; net new borrowing or buyback
        revalued = stock * (1 + fx[t]) if fx[t] else stock
        new_stock = (stock + interest) * (1 + fx[t]) if fx[t] else stock + interest
        new_stock -= (pb[t] - sfa[t]) * gdp
        net = new_stock - revalued
        issue = np.maximum(net, 0.0)
        if fx[t] or np.any(net < 0):
            # buyback: every piece shrinks alike; if debt is paid off exactly or turns into net
            # assets (or already is), the pieces are cleared (a zero factor would leave a zero
            # scale to divide by) and the position is held as one-year paper at this year's yield
            shrink = net < 0
            keep = shrink & (new_stock > 0) & (revalued > 0)
            wipe = shrink & ~keep
            factor = np.where(keep, new_stock / np.where(keep, revalued, 1.0), 1.0)
            factor[wipe] = 0.0
            factor *= 1 + fx[t]
            scale *= factor
            weighted_rate *= factor
            bills *= factor
            bonds_due *= factor
            if wipe.any():
                due[:, wipe] = 0.0
                due_rate[:, wipe] = 0.0
                scale[wipe] = 1.0
                bills[wipe] = new_stock[wipe]
                weighted_rate[wipe] = (new_stock * new_rate)[wipe]
        weighted_rate += issue * new_rate
        bills += issue * short
        to_bonds = issue * (1 - short)
        to_bonds += bonds_due
        to_bonds /= scale
        for k, share in zip(offsets, bond_shares):
            due[t + k] += to_bonds * share
            due_rate[t + k] += to_bonds * (share * new_rate)
        stock = new_stock
        ratio = stock / gdp
        out["debt_gdp"][t] = ratio
        np.divide(interest, gdp, out=out["interest_gdp"][t])
        np.divide(maturing, gdp, out=out["amortization_gdp"][t])
        np.subtract(out["interest_gdp"][t] + out["amortization_gdp"][t], pb[t], out=out["gfn_gdp"][t])
        np.multiply(rate, 100, out=out["effective_rate"][t])
        np.multiply(shift, 100, out=out["market_shift"][t])
    out = {k: v.T for k, v in out.items()}
    out["real_growth"] = growth.T * 100
    out["inflation"] = infl.T * 100
    out["primary_balance"] = pb.T
    return out


def decompose(
    prev_debt: np.ndarray,
    effective_rate: np.ndarray,
    real_growth: np.ndarray,
    inflation: np.ndarray,
    primary_balance: np.ndarray,
    stock_flow: np.ndarray,
    fx_share: float = 0.0,
    fx_depreciation: np.ndarray | float = 0.0,
) -> dict[str, np.ndarray]:
    """Contributions to the change in debt, percentage points of GDP (they add up exactly).

    With i, g, pi, e as fractions and 1 + gamma = (1 + g)(1 + pi)::

        interest      =  i d_{t-1} / (1 + gamma)
        real growth   = -g d_{t-1} / (1 + gamma)
        inflation     = -pi (1 + g) d_{t-1} / (1 + gamma)
        exchange rate =  f e (1 + i) d_{t-1} / (1 + gamma)
        primary bal.  = -pb;   stock-flow = sfa
    """
    i, g, pi = effective_rate / 100, real_growth / 100, inflation / 100
    e = fx_share * np.asarray(fx_depreciation, dtype=float) / 100
    growth_factor = (1 + g) * (1 + pi)
    base = prev_debt / growth_factor
    return {
        "contrib_primary_balance": -primary_balance,
        "contrib_interest": i * base,
        "contrib_real_growth": -g * base,
        "contrib_inflation": -pi * (1 + g) * base,
        "contrib_exchange_rate": e * (1 + i) * base,
        "contrib_stock_flow": np.broadcast_to(stock_flow, np.shape(prev_debt)).astype(float),
    }


def project(inputs: DebtInputs) -> pd.DataFrame:
    """Deterministic projection, one row per year.

    Columns: ``year``; ``debt_gdp``, ``interest_gdp``, ``gfn_gdp``, ``amortization_gdp``,
    ``primary_balance``, ``stock_flow`` (percent of GDP); ``effective_rate``, ``market_shift``,
    ``real_growth``, ``inflation``, ``nominal_growth``, ``r_minus_g``,
    ``r_minus_g_stabilising`` (percent / pp); ``change_debt`` and the ``contrib_*`` columns
    (pp of GDP, summing to ``change_debt``); ``debt_stabilising_pb`` (percent of GDP).
    """
    import pandas as pd

    run = {k: v[0] for k, v in simulate(inputs).items()}
    debt = run["debt_gdp"]
    prev = np.concatenate([[inputs.initial_debt], debt[:-1]])
    contrib = decompose(
        prev, run["effective_rate"], run["real_growth"], run["inflation"],
        run["primary_balance"], inputs.stock_flow, inputs.fx_share, inputs.fx_depreciation,
    )
    i = run["effective_rate"] / 100
    g = run["real_growth"] / 100
    pi = run["inflation"] / 100
    e = inputs.fx_share * inputs.fx_depreciation / 100
    gross = (1 + i) * (1 + e)  # growth of the stock before primary balance and sfa
    real_rate = gross / (1 + pi) - 1
    with np.errstate(all="ignore"):
        rg_stable = np.where(prev > 0, (1 + g) * (run["primary_balance"] - inputs.stock_flow) / prev * 100, np.nan)
    frame = pd.DataFrame({
        "year": list(inputs.years),
        "debt_gdp": debt,
        "interest_gdp": run["interest_gdp"],
        "gfn_gdp": run["gfn_gdp"],
        "amortization_gdp": run["amortization_gdp"],
        "primary_balance": run["primary_balance"],
        "stock_flow": inputs.stock_flow,
        "effective_rate": run["effective_rate"],
        "market_shift": run["market_shift"],
        "real_growth": run["real_growth"],
        "inflation": run["inflation"],
        "nominal_growth": inputs.nominal_growth,
        "change_debt": debt - prev,
        **contrib,
        "debt_stabilising_pb": prev * (gross / ((1 + g) * (1 + pi)) - 1) + inputs.stock_flow,
        "r_minus_g": (real_rate - g) * 100,
        "r_minus_g_stabilising": rg_stable,
    })
    return frame


__all__ = [
    "CONTRIBUTIONS", "DebtInputs", "average_remaining_maturity", "decompose", "maturity_for_remaining",
    "maturity_profiles", "project", "simulate",
]
