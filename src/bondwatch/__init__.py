"""bondwatch: sovereign-debt markets from official data.

The Python API returns pandas DataFrames::

    import bondwatch as bw
    bw.update(from_dir="../shared/data")
    bw.auction("30y", date="2025-06-12")      # one scorecard row
    bw.auctions(tenor="10y", since="2024-01-01")
    bw.jgb_auction("jgb-20y", date="2025-05-20") # a JGB auction's scorecard

Names are resolved lazily so that ``import bondwatch`` stays cheap.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (all in the service layer)
_EXPORTS: dict[str, str] = {
    "update": "bondwatch.service.update",
    "status": "bondwatch.service.update",
    "auction": "bondwatch.service.auctions",
    "auctions": "bondwatch.service.auctions",
    "auction_history": "bondwatch.service.auctions",
    "jgb_auction": "bondwatch.service.jgb_auctions",
    "jgb_auctions": "bondwatch.service.jgb_auctions",
    "yield_curve": "bondwatch.service.market",
    "series": "bondwatch.service.market",
    "fx": "bondwatch.service.market",
    "foreign_demand": "bondwatch.service.market",
    "snapshot": "bondwatch.service.market",
    "fitted_curve": "bondwatch.service.curves",
    "fitted_yield": "bondwatch.service.curves",
    "fit_curves": "bondwatch.service.curves",
    "debt_project": "bondwatch.service.debt",
    "debt_stress": "bondwatch.service.debt",
    "debt_compare": "bondwatch.service.debt",
    "fx_gap": "bondwatch.service.trade",
    "tariff_impact": "bondwatch.service.trade",
    "tariff_sensitivity": "bondwatch.service.trade",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bondwatch' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
