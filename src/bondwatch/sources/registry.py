"""The datasets bondwatch can import, where the offline mirror keeps them, and what they feed."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    """One importable dataset."""

    name: str  # provenance key, e.g. 'fiscaldata.auctions'
    source: str  # publisher as shown to users
    parser: str  # 'module:function' -> parse(data: bytes, location: str) -> Parsed
    mirror_globs: tuple[str, ...]  # file patterns relative to the mirror root
    fetcher: str | None = None  # 'module:function' -> fetch(client) -> list[Fetched]
    licence: str = "public domain (US government work)"

    def parse_function(self) -> Callable:
        return _resolve(self.parser)

    def fetch_function(self) -> Callable | None:
        return _resolve(self.fetcher) if self.fetcher else None


def _resolve(target: str) -> Callable:
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


DATASETS: list[Dataset] = [
    Dataset(
        name="fiscaldata.auctions",
        source="US Treasury, Fiscal Data (auctions_query)",
        parser="bondwatch.sources.fiscaldata:parse",
        fetcher="bondwatch.sources.fiscaldata:fetch",
        mirror_globs=("treasury/auctions/fiscaldata_auctions_*.csv",),
    ),
    Dataset(
        name="compiled.coupon_auctions",
        source="TreasuryDirect auction results, compiled table (smileys21/Global-Bond-Holdings)",
        parser="bondwatch.sources.compiled:parse",
        mirror_globs=("treasury/auctions/coupon_auctions_compiled_*.csv",),
        licence="compiled from public-domain TreasuryDirect results",
    ),
    Dataset(
        name="treasury.par_yield_curve",
        source="US Treasury, Daily Treasury Par Yield Curve Rates",
        parser="bondwatch.sources.treasury_yields:parse",
        fetcher="bondwatch.sources.treasury_yields:fetch",
        mirror_globs=(
            "treasury/par_yield_curve/*-daily-treasury-rates.csv",
            "treasury/par_yield_curve/par-yield-curve-rates-*.csv",
        ),
    ),
]

# derived tables: (table, 'module:function' rebuilding it from a Writer, tables it reads)
DERIVED: list[tuple[str, str, frozenset[str]]] = [
    (
        "auction_scorecards",
        "bondwatch.service.auctions:rebuild_scorecards",
        frozenset({"auction_results", "yield_curves"}),
    ),
]


def by_name(name: str) -> Dataset:
    """The dataset called ``name`` (raises UsageError listing the known ones)."""
    from bondwatch.errors import UsageError

    for dataset in DATASETS:
        if dataset.name == name or dataset.name.split(".")[0] == name:
            return dataset
    known = ", ".join(d.name for d in DATASETS)
    raise UsageError(f"unknown dataset {name!r}; known datasets: {known}")


def rebuild_function(target: str) -> Callable:
    return _resolve(target)
