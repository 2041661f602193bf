"""Trade balance and the real exchange rate: the imperfect-substitutes (elasticities) model.

Pure functions (numpy only, no I/O). Conventions, used throughout:

* ``e`` is the real depreciation of the home currency as a fraction: the rise in the home-currency
  price of foreign currency (``e = 0.25``: the partner's currency buys 25% more home currency).
  The fall in the home currency's own foreign-currency value is ``1 - 1/(1 + e)``.
* Flows are shares of home GDP (fractions: ``0.109`` = 10.9% of GDP).
* Elasticities are positive numbers: ``export_elasticity`` is the fall of foreign demand for home
  exports per 1% rise in their foreign-currency price, ``import_elasticity`` the fall of home import
  volumes per 1% rise in their home-currency price. ``pass_through`` is the share of ``e`` that
  reaches home-currency import prices. Export prices are fixed in home currency (their
  foreign-currency price falls by the whole of ``e``).

With constant elasticities the change of the trade balance, as a share of GDP, is

    dTB(e) = x * ((1+e)^(ex * v) - 1) - m * ((1+e)^(phi * (p - em * v)) - 1)

where ``x, m`` are exports and imports over GDP, ``ex, em`` the elasticities, ``phi`` the
pass-through, and ``v, p`` the shares of the long-run volume and price responses reached so far
(1 and 1 in the long run; the J-curve has ``p`` ahead of ``v``). To first order in ``e``,
``dTB = e * (x*ex + m*phi*(em - 1))``: the Marshall-Lerner condition is that this slope is positive.
References: Krugman, Obstfeld and Melitz, *International Economics*, ch. 19 appendix;
Hooper, Johnson and Marquez (2000), Princeton Studies in International Economics 87.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bondwatch.errors import UsageError

ELASTICITY_RANGE = (0.0, 5.0)
SHARE_RANGE = (0.0, 2.0)  # exports or imports over GDP (Luxembourg-like economies exceed 1)
DEPRECIATION_RANGE = (-0.8, 4.0)  # solver bracket for e: -80% to +400%


def check_range(field: str, value: float, low: float, high: float, *, unit: str = "") -> float:
    """Return ``value`` as float or raise a one-line UsageError naming the field and the range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"{field} = {value!r}: expected a number between {low:g} and {high:g}{unit}"
        ) from None
    if not (low <= number <= high) or number != number:
        raise UsageError(f"{field} = {number:g}: expected a number between {low:g} and {high:g}{unit}")
    return number


@dataclass(frozen=True)
class TradeShares:
    """Exports and imports of goods and services as fractions of home GDP."""

    exports: float
    imports: float

    def __post_init__(self) -> None:
        check_range("exports_share_of_gdp", self.exports, *SHARE_RANGE)
        check_range("imports_share_of_gdp", self.imports, *SHARE_RANGE)
        if self.exports == 0 and self.imports == 0:
            raise UsageError("exports_share_of_gdp and imports_share_of_gdp are both 0: no trade to adjust")

    @property
    def balance(self) -> float:
        """Trade balance as a fraction of GDP (negative: deficit)."""
        return self.exports - self.imports


@dataclass(frozen=True)
class Elasticities:
    """Long-run price elasticities (positive numbers) and import-price pass-through (0-1)."""

    export: float
    import_: float
    pass_through: float = 1.0

    def __post_init__(self) -> None:
        check_range("export_elasticity", self.export, *ELASTICITY_RANGE)
        check_range("import_elasticity", self.import_, *ELASTICITY_RANGE)
        check_range("pass_through", self.pass_through, 0.0, 1.0)


def balance_change(
    e: float | np.ndarray,
    shares: TradeShares,
    elasticities: Elasticities,
    *,
    volume_share: float | np.ndarray = 1.0,
    price_share: float | np.ndarray = 1.0,
) -> float | np.ndarray:
    """Change of the trade balance, fraction of GDP, after a real depreciation ``e`` (fraction).

    ``volume_share`` and ``price_share`` (0-1) are the parts of the long-run volume and price
    responses reached; both 1 gives the long-run effect.
    """
    growth = 1.0 + np.asarray(e, dtype=float)
    export_factor = growth ** (elasticities.export * volume_share)
    import_exponent = elasticities.pass_through * (price_share - elasticities.import_ * volume_share)
    import_factor = growth**import_exponent
    result = shares.exports * (export_factor - 1.0) - shares.imports * (import_factor - 1.0)
    return float(result) if np.ndim(result) == 0 else result


def marshall_lerner_slope(shares: TradeShares, elasticities: Elasticities) -> float:
    """d(dTB)/de at e = 0, fraction of GDP per unit of e: ``x*ex + m*phi*(em - 1)``.

    Positive means a depreciation improves the balance (the generalised Marshall-Lerner condition;
    with balanced trade and full pass-through it reduces to ``ex + em > 1``).
    """
    phi = elasticities.pass_through
    return shares.exports * elasticities.export + shares.imports * phi * (elasticities.import_ - 1.0)


def required_depreciation(
    gap: float, shares: TradeShares, elasticities: Elasticities, *, grid_points: int = 2001
) -> float:
    """The real depreciation ``e`` (fraction) whose long-run effect changes the balance by ``gap``.

    ``gap`` is the wanted change of the balance as a fraction of GDP (target minus current).
    The root nearest to zero inside -80%..+400% is returned. Raises UsageError when no ``e`` in
    that range reaches the gap (for example when the Marshall-Lerner condition fails).
    """
    if gap == 0:
        return 0.0
    low, high = DEPRECIATION_RANGE
    # log-spaced in (1+e) so that small moves are resolved as finely as large ones
    grid = np.expm1(np.linspace(np.log1p(low), np.log1p(high), grid_points))
    grid = np.union1d(grid, [0.0])
    residual = balance_change(grid, shares, elasticities) - gap
    crossings = np.nonzero(np.sign(residual[:-1]) * np.sign(residual[1:]) <= 0)[0]
    if crossings.size:
        nearest = crossings[np.argmin(np.abs(grid[crossings]))]
        return _bisect(grid[nearest], grid[nearest + 1], residual[nearest], gap, shares, elasticities)
    touch = _touching_root(grid, residual, gap, shares, elasticities)
    if touch is not None:
        return touch
    slope = marshall_lerner_slope(shares, elasticities)
    raise UsageError(
        f"export_elasticity = {elasticities.export:g}, import_elasticity = {elasticities.import_:g}: "
        f"no real exchange-rate change between {low:.0%} and {high:.0%} moves the balance by "
        f"{gap:+.2%} of GDP (Marshall-Lerner slope {slope:+.4f}); expected elasticities with "
        "x*ex + m*phi*(em-1) of the sign of the gap"
    )


def _bisect(a: float, b: float, fa: float, gap: float, shares: TradeShares, elasticities: Elasticities) -> float:
    """The root of ``balance_change - gap`` in [a, b] (residual ``fa`` at ``a``), by bisection to
    machine precision."""
    for _ in range(100):
        mid = 0.5 * (a + b)
        fm = balance_change(mid, shares, elasticities) - gap
        if fm == 0 or b - a < 1e-14:
            return float(mid)
        if np.sign(fm) == np.sign(fa):
            a, fa = mid, fm
        else:
            b = mid
    return float(0.5 * (a + b))


def _touching_root(
    grid: np.ndarray, residual: np.ndarray, gap: float, shares: TradeShares, elasticities: Elasticities
) -> float | None:
    """A root the grid steps over: where the balance turns (its extremum) within one grid cell of
    reaching ``gap``, both roots lie between two grid points and no sign change shows. Each grid
    point nearer the gap than its neighbours is refined by golden-section search towards the gap;
    a refined point at or past the gap brackets a root (bisection), or is the root itself (a gap
    equal to the extremum). Nearest to zero first; None if none reaches the gap."""
    size = np.abs(residual)
    inner = np.arange(1, len(grid) - 1)
    local = inner[(size[inner] <= size[inner - 1]) & (size[inner] <= size[inner + 1])]
    for i in local[np.argsort(np.abs(grid[local]))]:
        side = np.sign(residual[i])

        def toward_gap(x: float, side: float = side) -> float:
            return side * (balance_change(x, shares, elasticities) - gap)

        a, b = grid[i - 1], grid[i + 1]
        ratio = (np.sqrt(5.0) - 1.0) / 2.0
        for _ in range(200):  # golden-section minimum of toward_gap on [a, b]
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            if toward_gap(c) < toward_gap(d):
                b = d
            else:
                a = c
            if b - a < 1e-15:
                break
        best = 0.5 * (a + b)
        value = toward_gap(best)
        if value <= 0.0:
            return _bisect(grid[i - 1], best, residual[i - 1], gap, shares, elasticities) if value < 0 else float(best)
        if value <= 1e-13 * max(abs(gap), 1e-12):
            return float(best)
    return None


def j_curve(
    e: float,
    shares: TradeShares,
    elasticities: Elasticities,
    volume_profile: Sequence[float],
    price_profile: Sequence[float],
) -> np.ndarray:
    """Balance change (fraction of GDP) quarter by quarter after a depreciation ``e`` at quarter 0.

    ``volume_profile[t]`` and ``price_profile[t]`` are the cumulative shares (0-1) of the long-run
    volume and price responses reached in quarter ``t + 1``; the two profiles have equal length.
    """
    if len(volume_profile) != len(price_profile):
        raise UsageError(
            f"lag profile: {len(volume_profile)} volume weights and {len(price_profile)} price "
            "weights; expected the same number of quarters"
        )
    volume = np.asarray(volume_profile, dtype=float)
    price = np.asarray(price_profile, dtype=float)
    for name, weights in (("volume_profile", volume), ("price_profile", price)):
        if weights.size == 0 or np.any((weights < 0) | (weights > 1)) or np.any(np.diff(weights) < 0):
            raise UsageError(f"lag profile {name}: expected non-decreasing weights between 0 and 1")
    return np.asarray(
        balance_change(e, shares, elasticities, volume_share=volume, price_share=price), dtype=float
    )


def semi_elasticity_depreciation(gap: float, semi_elasticity: float) -> float:
    """Depreciation (fraction) for a reduced-form semi-elasticity: ``gap / semi_elasticity``.

    ``semi_elasticity`` is the rise of real net exports, fraction of GDP, per unit real effective
    depreciation (IMF WEO October 2015 ch. 3: 0.15 on average, i.e. 1.5% of GDP per 10%).
    """
    check_range("semi_elasticity", semi_elasticity, 1e-6, 5.0)
    return gap / semi_elasticity


def dollar_value_change(e: float) -> float:
    """Change of the home currency's foreign-currency value for a depreciation ``e``: ``1/(1+e) - 1``."""
    return 1.0 / (1.0 + e) - 1.0
