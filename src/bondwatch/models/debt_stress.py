"""Standardised stress tests and custom shocks on a deterministic debt projection (pure).

Shocks are changes to the inputs of a :class:`bondwatch.models.debt.DebtInputs`, year by year
(IMF 2013 MAC DSA guidance note, section on standardised stress tests; IMF 2022 SRDSF guidance note,
stress scenarios). Sizes are set by the caller (``presets/debt/stress.yaml``):

* real growth: minus ``sd`` historical standard deviations in the first ``years`` years;
* primary balance: minus ``sd`` historical standard deviations in the first ``years`` years;
* interest rate: market yields ``pp`` percentage points higher from the first year on,
  passing through to the effective rate with the maturity profile;
* exchange rate: a one-off depreciation of ``percent`` in the first year, revaluing the
  foreign-currency share of debt;
* combined: all four at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bondwatch.errors import UsageError
from bondwatch.models.debt import DebtInputs

SHOCKABLE = ("real_growth", "inflation", "primary_balance", "market_rate", "fx_depreciation")
STANDARD = ("growth", "primary_balance", "interest_rate", "exchange_rate", "combined")


def yearly_deltas(spec, years: tuple[int, ...], field: str) -> np.ndarray:
    """Per-year changes from a spec: ``{year: delta, ...}`` or ``{"from": year, "pp": delta}``
    (a permanent change from that year on). Years outside the projection are an error."""
    out = np.zeros(len(years))
    if spec is None:
        return out
    if not isinstance(spec, Mapping):
        raise UsageError(f"{field}: expected {{year: change}} or {{from: year, pp: change}}, got {spec!r}")
    if set(spec) == {"from", "pp"}:
        start, delta = spec["from"], spec["pp"]
        if not isinstance(start, int) or not years[0] <= start <= years[-1]:
            raise UsageError(f"{field}.from = {start!r}: expected a year from {years[0]} to {years[-1]}")
        out[np.asarray(years) >= start] = _number(delta, f"{field}.pp")
        return out
    for year, delta in spec.items():
        try:
            index = years.index(int(year))
        except (TypeError, ValueError):
            raise UsageError(f"{field}: year {year!r} outside the projection {years[0]}-{years[-1]}") from None
        out[index] = _number(delta, f"{field}.{year}")
    return out


def _number(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise UsageError(f"{field} = {value!r}: expected a number")
    if abs(value) > 100:
        raise UsageError(f"{field} = {value}: expected a change between -100 and 100")
    return float(value)


def apply_shocks(inputs: DebtInputs, shocks: Mapping[str, np.ndarray]) -> DebtInputs:
    """Inputs with per-year changes added: ``real_growth``, ``inflation`` (pp), ``primary_balance``
    (pp of GDP), ``market_rate`` (pp on market yields, via the maturity profile), ``fx_depreciation``
    (percent)."""
    unknown = sorted(set(shocks) - set(SHOCKABLE))
    if unknown:
        raise UsageError(f"shock {unknown[0]!r}: expected one of {', '.join(SHOCKABLE)}")
    zero = np.zeros(len(inputs.years))
    return inputs.with_changes(
        real_growth=inputs.real_growth + shocks.get("real_growth", zero),
        inflation=inputs.inflation + shocks.get("inflation", zero),
        primary_balance=inputs.primary_balance + shocks.get("primary_balance", zero),
        rate_shock=inputs.rate_shock + shocks.get("market_rate", zero),
        fx_depreciation=inputs.fx_depreciation + shocks.get("fx_depreciation", zero),
    )


def standard_shocks(
    years: tuple[int, ...], sd_growth: float, sd_primary_balance: float, sizes: Mapping
) -> dict[str, dict[str, np.ndarray]]:
    """The five standard scenarios as shock dictionaries for :func:`apply_shocks`.

    ``sd_growth``, ``sd_primary_balance``: historical standard deviations (pp); ``sizes``: the
    ``growth``, ``primary_balance`` (each ``sd``, ``years``), ``interest_rate`` (``pp``) and
    ``exchange_rate`` (``percent``) entries of the stress preset.
    """
    n = len(years)

    def first(k: int, value: float) -> np.ndarray:
        out = np.zeros(n)
        out[: min(k, n)] = value
        return out

    growth = first(int(sizes["growth"]["years"]), -sizes["growth"]["sd"] * sd_growth)
    balance = first(int(sizes["primary_balance"]["years"]), -sizes["primary_balance"]["sd"] * sd_primary_balance)
    rate = np.full(n, float(sizes["interest_rate"]["pp"]))
    fx = first(1, float(sizes["exchange_rate"]["percent"]))
    return {
        "growth": {"real_growth": growth},
        "primary_balance": {"primary_balance": balance},
        "interest_rate": {"market_rate": rate},
        "exchange_rate": {"fx_depreciation": fx},
        "combined": {"real_growth": growth, "primary_balance": balance, "market_rate": rate, "fx_depreciation": fx},
    }


__all__ = ["SHOCKABLE", "STANDARD", "apply_shocks", "standard_shocks", "yearly_deltas"]
