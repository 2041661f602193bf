"""What an import tariff does to an exporter's volume, revenue and operating profit.

Pure functions (numpy only, no I/O). For one origin's shipments into one market, per unit:

* ``v``  customs value (the tariff base), ``p`` market price, ``m`` contribution margin at the
  baseline tariff, all in market currency (USD);
* ``t0`` baseline tariff, ``t1`` tariff in force, ``dt = t1 - t0`` (fractions, 0.25 = 25%);
* ``rho`` pass-through: the share of the extra duty per unit ``dt*v`` added to the market price;
* ``eps`` price elasticity of demand (positive number).

Then the market price rises by ``dp = rho*dt*v``, volume falls to ``q1 = q0*(1 + dp/p)^(-eps)``,
and the exporter's operating profit changes by

    dPi = (q1 - q0)*m  -  (1 - rho)*dt*v*q1
          volume effect    extra duty the exporter absorbs

The extra duty ``dt*v*q1`` is split between buyers (``rho`` share, paid through the higher price)
and the exporter (``1 - rho``). With ``rho = 1`` and ``eps = 0`` the profit is unchanged.
Profit is converted to the exporter's currency at ``usdjpy`` (yen per dollar); a move of the rate
from the planning rate adds ``sensitivity * (usdjpy - base) * years``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bondwatch.errors import UsageError
from bondwatch.models.trade_gap import check_range

TARIFF_RANGE = (0.0, 2.0)  # 0-200%
DEMAND_ELASTICITY_RANGE = (0.0, 10.0)
DAYS_PER_YEAR = 365.0
BUCKETS = ("month", "quarter", "year", "period")

Number = float | np.ndarray


@dataclass(frozen=True)
class TariffEffect:
    """Effect of a tariff change on shipments over some period; money in market currency (USD)."""

    units_before: Number
    units_after: Number
    revenue_change: Number  # market revenue q1*(p+dp) - q0*p
    tariff_paid: Number  # all duties at t1 on q1 units
    extra_tariff: Number  # duties above the baseline rate, dt*v*q1
    borne_by_buyers: Number  # rho * extra_tariff
    borne_by_exporter: Number  # (1 - rho) * extra_tariff
    volume_effect: Number  # (q1 - q0) * m
    profit_change: Number  # volume_effect - borne_by_exporter

    @property
    def units_change(self) -> Number:
        return self.units_after - self.units_before


def tariff_effect(
    *,
    units: Number,
    customs_value: Number,
    market_price: Number,
    margin: Number,
    tariff: Number,
    baseline_tariff: Number = 0.0,
    pass_through: Number,
    demand_elasticity: Number,
) -> TariffEffect:
    """Volume, revenue, duty and profit effect of moving from ``baseline_tariff`` to ``tariff``.

    ``units`` are the units that would have been shipped at the baseline (any period); money
    inputs are per unit in market currency; tariffs and ``pass_through`` are fractions.
    Arrays broadcast. Inputs are assumed validated (see :func:`validate_inputs`).
    """
    units = np.asarray(units, dtype=float)
    extra_rate = np.asarray(tariff, dtype=float) - np.asarray(baseline_tariff, dtype=float)
    extra_per_unit = extra_rate * np.asarray(customs_value, dtype=float)
    price_rise = np.asarray(pass_through, dtype=float) * extra_per_unit
    units_after = units * (1.0 + price_rise / np.asarray(market_price, dtype=float)) ** (
        -np.asarray(demand_elasticity, dtype=float)
    )
    extra_tariff = extra_per_unit * units_after
    borne_by_buyers = price_rise * units_after
    borne_by_exporter = extra_tariff - borne_by_buyers
    volume_effect = (units_after - units) * np.asarray(margin, dtype=float)
    return TariffEffect(
        units_before=_plain(units),
        units_after=_plain(units_after),
        revenue_change=_plain(
            units_after * (np.asarray(market_price) + price_rise) - units * np.asarray(market_price)
        ),
        tariff_paid=_plain(np.asarray(tariff, dtype=float) * np.asarray(customs_value) * units_after),
        extra_tariff=_plain(extra_tariff),
        borne_by_buyers=_plain(borne_by_buyers),
        borne_by_exporter=_plain(borne_by_exporter),
        volume_effect=_plain(volume_effect),
        profit_change=_plain(volume_effect - borne_by_exporter),
    )


def _plain(value: np.ndarray) -> Number:
    return float(value) if np.ndim(value) == 0 else value


def validate_inputs(
    *,
    units_per_year: float,
    customs_value: float,
    market_price: float,
    margin: float,
    tariff: float | None = None,
    pass_through: float,
    demand_elasticity: float,
) -> None:
    """Raise a one-line UsageError naming the first field out of its accepted range.

    Money per unit in market currency; ``tariff`` (optional) and ``pass_through`` are fractions,
    the tariff is reported in percent.
    """
    check_range("units_per_year", units_per_year, 0.0, 1e9)
    check_range("customs_value_usd", customs_value, 1e-9, 1e7)
    check_range("market_price_usd", market_price, 1e-9, 1e7)
    check_range("margin_usd", margin, 0.0, market_price)
    if tariff is not None:
        check_range("rate", tariff * 100, TARIFF_RANGE[0] * 100, TARIFF_RANGE[1] * 100, unit=" percent")
    check_range("pass_through", pass_through, 0.0, 1.0)
    check_range("demand_elasticity", demand_elasticity, *DEMAND_ELASTICITY_RANGE)


def effective_tariff_rate(rates: Sequence[float] | np.ndarray, imports: Sequence[float] | np.ndarray) -> float:
    """Import-weighted tariff of a basket: ``sum(tau_i * M_i) / sum(M_i)`` (fraction)."""
    rates = np.asarray(rates, dtype=float)
    imports = np.asarray(imports, dtype=float)
    if rates.shape != imports.shape:
        raise UsageError(f"basket: {rates.size} rates and {imports.size} import values; expected one rate per import value")
    if np.any(imports < 0):
        raise UsageError("basket imports: expected values >= 0")
    if np.any((rates < TARIFF_RANGE[0]) | (rates > TARIFF_RANGE[1])):
        raise UsageError("basket rates: expected fractions between 0 and 2 (0-200%)")
    total = imports.sum()
    if total <= 0:
        raise UsageError("basket imports: expected a positive total")
    return float((rates * imports).sum() / total)


def pass_through_from_price(*, price_change: float, tariff_before: float, tariff_after: float) -> float:
    """Pass-through of a tariff rise into the duty-paid import price, from the change (fraction)
    of the exporter's price in the market currency: the duty-paid price moves by
    ``(1+price) * (1+t1)/(1+t0)``; pass-through is its rise over the rise with an unchanged price."""
    full = (1 + tariff_after) / (1 + tariff_before)
    if full == 1:
        raise UsageError("tariff_before equals tariff_after: no tariff change to measure pass-through from")
    return ((1 + price_change) * full - 1) / (full - 1)


def pass_through_from_unit_values(
    *,
    value_change: float,
    volume_change: float,
    tariff_before: float,
    tariff_after: float,
    fx_before: float,
    fx_after: float,
) -> float:
    """Pass-through of a tariff rise into the duty-paid import price, from export statistics.

    ``value_change`` and ``volume_change`` are year-on-year changes (fractions) of an exporter
    country's shipments, valued in its own currency; ``fx_*`` are its currency per market-currency
    unit (yen per dollar) in the two periods. The market-currency unit value moves by
    ``(1+value)/(1+volume) * fx_before/fx_after``; the rest is :func:`pass_through_from_price`.
    """
    unit_value_usd = (1 + value_change) / (1 + volume_change) * fx_before / fx_after
    return pass_through_from_price(price_change=unit_value_usd - 1, tariff_before=tariff_before, tariff_after=tariff_after)


def fx_effect(sensitivity_per_yen_year: float, usdjpy: float, base_usdjpy: float, days: float) -> float:
    """Profit effect (yen) of the dollar at ``usdjpy`` instead of ``base_usdjpy`` over ``days``."""
    return sensitivity_per_yen_year * (usdjpy - base_usdjpy) * days / DAYS_PER_YEAR


@dataclass(frozen=True)
class TariffSchedule:
    """Dated tariff rates for one kind of goods from one origin, known from ``changes[0]`` to ``valid_to``."""

    name: str
    changes: tuple[tuple[date, float], ...]  # (first day in force, rate as a fraction), ascending
    valid_to: date

    def __post_init__(self) -> None:
        if not self.changes:
            raise UsageError(f"tariff schedule {self.name!r}: no rates")
        days = [d for d, _ in self.changes]
        if days != sorted(days) or len(set(days)) != len(days):
            raise UsageError(f"tariff schedule {self.name!r}: dates must be strictly ascending")
        for day, rate in self.changes:
            check_range(f"{self.name} rate from {day}", rate * 100, 0.0, TARIFF_RANGE[1] * 100, unit=" percent")

    @property
    def valid_from(self) -> date:
        return self.changes[0][0]

    def rate_on(self, day: date) -> float:
        """The rate in force on ``day``."""
        self._check(day, day)
        rate = self.changes[0][1]
        for start, value in self.changes:
            if start <= day:
                rate = value
        return rate

    def pieces(self, start: date, end: date) -> list[tuple[date, date, float]]:
        """``(first, last, rate)`` for each stretch of constant rate in ``start..end`` (inclusive)."""
        self._check(start, end)
        cuts = [d for d, _ in self.changes if start < d <= end]
        bounds = [start, *cuts]
        out = []
        for i, first in enumerate(bounds):
            last = bounds[i + 1] - timedelta(days=1) if i + 1 < len(bounds) else end
            out.append((first, last, self.rate_on(first)))
        return out

    def _check(self, start: date, end: date) -> None:
        if start < self.valid_from or end > self.valid_to:
            raise UsageError(
                f"period {start} to {end}: the {self.name!r} tariff schedule has rates only from "
                f"{self.valid_from} to {self.valid_to}; expected --from/--to inside that range"
            )


def calendar_buckets(start: date, end: date, by: str) -> list[tuple[str, date, date]]:
    """Split ``start..end`` (inclusive) into calendar months, quarters, years or one period."""
    if by not in BUCKETS:
        raise UsageError(f"by = {by!r}: expected one of {', '.join(BUCKETS)}")
    if end < start:
        raise UsageError(f"period {start} to {end}: --to is before --from")
    if by == "period":
        return [(f"{start}..{end}", start, end)]
    out = []
    first = start
    while first <= end:
        if by == "month":
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            label = f"{first:%Y-%m}"
        elif by == "quarter":
            q = (first.month - 1) // 3
            nxt = date(first.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
            label = f"{first.year}Q{q + 1}"
        else:
            nxt = date(first.year + 1, 1, 1)
            label = str(first.year)
        last = min(nxt - timedelta(days=1), end)
        out.append((label, first, last))
        first = nxt
    return out
