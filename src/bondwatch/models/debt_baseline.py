"""Debt-dynamics inputs derived from an IMF World Economic Outlook vintage (pure, no I/O).

From WEO series (general government, percent of GDP unless noted)::

    gamma_t     = NGDP_t / NGDP_{t-1} - 1                       nominal growth (NGDP, national currency bn)
    g_t         = NGDP_RPCH_t / 100                             real growth
    pi_t        = (1 + gamma_t) / (1 + g_t) - 1                 GDP-deflator inflation
    pb_t        = GGXONLB_NGDP_t                                primary balance
    interest_t  = GGXONLB_NGDP_t - GGXCNL_NGDP_t                net interest paid, percent of GDP
    i_t         = interest_t / 100 * NGDP_t / GGXWDG_{t-1}      implied net interest rate on gross debt

WEO's primary balance excludes *net* interest (interest expense minus interest revenue), so
interest_t is net interest paid and i_t is net interest over last year's gross debt, not the
average coupon on the debt (lower wherever the government earns interest on its assets).
    sfa_t       = 100 * (GGXWDG_t - GGXWDG_{t-1} + GGXCNL_NGDP_t / 100 * NGDP_t) / NGDP_t

The stock-flow residual is the part of the change in gross debt (levels, GGXWDG) not explained by
the overall deficit; it closes the recursion given the implied rate. Past WEO's last year every
assumption is held at its final-year value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bondwatch.errors import DataFormatError, UsageError
from bondwatch.models.debt import DebtInputs

if TYPE_CHECKING:
    import pandas as pd

WEO_SUBJECTS = ("NGDP", "NGDP_RPCH", "GGXONLB_NGDP", "GGXCNL_NGDP", "GGXWDG", "GGXWDG_NGDP")
SHOCK_VARIABLES = ("real_growth", "inflation", "market_rate", "primary_balance")


def weo_fiscal_table(weo: pd.DataFrame) -> pd.DataFrame:
    """Derived yearly fiscal table from one country's WEO rows (long: subject_code, year, value).

    Columns (indexed by year): ``nominal_growth``, ``real_growth``, ``inflation``, ``primary_balance``,
    ``overall_balance``, ``net_interest_gdp`` (net interest paid), ``implied_net_interest_rate`` (over
    last year's gross debt), ``stock_flow``, ``debt_gdp`` (general government gross debt), ``ngdp``
    (national currency, billions). Percent / percent of GDP; NaN where WEO has no value.
    """
    missing = sorted(set(WEO_SUBJECTS) - set(weo["subject_code"]))
    if missing:
        raise DataFormatError("IMF WEO", "weo table", f"missing subject codes {', '.join(missing)}")
    wide = weo.pivot_table(index="year", columns="subject_code", values="value", aggfunc="first")
    wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1))
    ngdp, debt = wide["NGDP"], wide["GGXWDG"]
    gamma = ngdp / ngdp.shift(1) - 1
    real = wide["NGDP_RPCH"] / 100
    interest = wide["GGXONLB_NGDP"] - wide["GGXCNL_NGDP"]
    table = wide.assign(
        nominal_growth=gamma * 100,
        real_growth=real * 100,
        inflation=((1 + gamma) / (1 + real) - 1) * 100,
        primary_balance=wide["GGXONLB_NGDP"],
        overall_balance=wide["GGXCNL_NGDP"],
        net_interest_gdp=interest,
        implied_net_interest_rate=interest / 100 * ngdp / debt.shift(1) * 100,
        stock_flow=(debt - debt.shift(1) + wide["GGXCNL_NGDP"] / 100 * ngdp) / ngdp * 100,
        debt_gdp=wide["GGXWDG_NGDP"],
        ngdp=ngdp,
    )
    return table[
        ["nominal_growth", "real_growth", "inflation", "primary_balance", "overall_balance",
         "net_interest_gdp", "implied_net_interest_rate", "stock_flow", "debt_gdp", "ngdp"]
    ]


def baseline_inputs(
    table: pd.DataFrame,
    *,
    start_year: int,
    end_year: int,
    short_share: float,
    avg_maturity: float,
    amortization: tuple[float, ...] | None = None,
    fx_share: float = 0.0,
) -> DebtInputs:
    """Baseline-mode :class:`DebtInputs` for ``start_year..end_year`` from :func:`weo_fiscal_table`.

    The projection starts from WEO's gross debt ratio in ``start_year - 1``; the effective rate is
    WEO's implied net interest rate; years after WEO's last year hold its final-year values.
    """
    columns = ["real_growth", "inflation", "primary_balance", "stock_flow", "implied_net_interest_rate"]
    known = table[columns].dropna()
    if start_year - 1 not in table.index or np.isnan(table.loc[start_year - 1, "debt_gdp"]):
        raise UsageError(f"start year {start_year}: WEO has no gross debt ratio for {start_year - 1}")
    if known.empty or known.index.max() < start_year:
        raise UsageError(f"start year {start_year}: WEO has no complete fiscal data from that year on")
    if end_year < start_year or end_year > start_year + 60:
        raise UsageError(f"end year {end_year}: expected a year from {start_year} to {start_year + 60}")
    years = list(range(start_year, end_year + 1))
    held = known.reindex(years).ffill()
    return DebtInputs(
        years=tuple(years),
        initial_debt=float(table.loc[start_year - 1, "debt_gdp"]),
        real_growth=held["real_growth"].to_numpy(),
        inflation=held["inflation"].to_numpy(),
        primary_balance=held["primary_balance"].to_numpy(),
        stock_flow=held["stock_flow"].to_numpy(),
        effective_rate=held["implied_net_interest_rate"].to_numpy(),
        short_share=short_share,
        avg_maturity=avg_maturity,
        amortization=amortization,
        fx_share=fx_share,
    )


def shock_history(
    table: pd.DataFrame, last_year: int, market_rate: pd.Series | None = None
) -> pd.DataFrame:
    """Annual history of the four shocked variables (percent), years up to ``last_year``.

    Columns ``real_growth``, ``inflation``, ``primary_balance`` from WEO and ``market_rate``: the
    given market-yield series (annual averages, percent, indexed by year) or, if ``None``, WEO's
    implied net interest rate. Only years where all four are known are kept.
    """
    rate = table["implied_net_interest_rate"] if market_rate is None else market_rate.reindex(table.index)
    history = table[["real_growth", "inflation", "primary_balance"]].assign(market_rate=rate)
    history = history[list(SHOCK_VARIABLES)].loc[:last_year].dropna()
    if len(history) < 8:
        raise UsageError(
            f"shock history: {len(history)} complete years up to {last_year}; at least 8 are needed"
        )
    return history


__all__ = ["SHOCK_VARIABLES", "baseline_inputs", "shock_history", "weo_fiscal_table"]
