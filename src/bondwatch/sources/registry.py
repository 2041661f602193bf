"""The datasets bondwatch can import, where the offline mirror keeps them, and what they feed."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from bondwatch.errors import UsageError, os_reason


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

    def mirror_files(self, root: Path) -> list[Path]:
        """This dataset's files under the mirror folder ``root``: pattern by pattern, by name.

        A folder a pattern names that is absent holds no files; one that exists but cannot be
        listed (permissions) raises UsageError rather than leaving its files out unnoticed.
        """
        found: list[Path] = []
        for pattern in self.mirror_globs:
            folder, wanted = (root / pattern).parent, Path(pattern).name
            try:
                names = sorted(n for n in os.listdir(folder) if fnmatchcase(n, wanted) and not n.startswith("."))
                found += [folder / n for n in names if (folder / n).is_file()]
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise UsageError(
                    f"{self.name}: cannot read the mirror folder {folder}: {os_reason(exc)}; "
                    "fix its permissions (its files would be missing from the update)"
                ) from None
        return found


def _resolve(target: str) -> Callable:
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


DATASETS: list[Dataset] = [
    Dataset(
        name="treasurydirect.results",
        source="TreasuryDirect auction results XML (R_YYYYMMDD_N.xml)",
        parser="bondwatch.sources.treasurydirect:parse",
        fetcher="bondwatch.sources.treasurydirect:fetch",
        mirror_globs=("treasury/auctions/R_*.xml",),
    ),
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
        mirror_globs=(  # multi-year compilations first: the yearly official downloads win on overlap
            "treasury/par_yield_curve/par-yield-curve-rates-*.csv",
            "treasury/par_yield_curve/*-daily-treasury-rates.csv",
        ),
    ),
    Dataset(
        name="mof_japan.jgb_yields",
        source="Ministry of Finance Japan, JGB interest rates (benchmark yields)",
        parser="bondwatch.sources.mof_japan:parse",
        fetcher="bondwatch.sources.mof_japan:fetch",
        mirror_globs=("mof_japan/jgbcm_all.csv", "mof_japan/jgbcm.csv"),
        licence="MOF Japan: reuse with attribution (Source: Ministry of Finance Japan)",
    ),
    Dataset(
        name="mof_japan.jgb_auctions",
        source="Ministry of Finance Japan, Auction Results (JGBs)",
        parser="bondwatch.sources.mof_auctions:parse",
        fetcher="bondwatch.sources.mof_auctions:fetch",
        mirror_globs=("mof_japan/Auction_Results_for_JGBs.xls", "mof_japan/eresul*.htm"),
        licence="MOF Japan: reuse with attribution (Source: Ministry of Finance Japan)",
    ),
    Dataset(
        name="mof_japan.compiled_jgb_auctions",
        source="MOF JGB auction results, compiled table (smileys21/Global-Bond-Holdings)",
        parser="bondwatch.sources.mof_auctions:parse",
        mirror_globs=("mof_japan/jgb_auctions_*.csv",),
        licence="compiled from MOF Japan results (reuse with attribution)",
    ),
    Dataset(
        name="fred.series",
        source="Federal Reserve Bank of St. Louis, FRED",
        parser="bondwatch.sources.fred:parse",
        fetcher="bondwatch.sources.fred:fetch",
        mirror_globs=("fred/*.csv",),
        licence="public domain for the US-government series fetched here (H.15, H.10, H.4.1, BEA, Census)",
    ),
    Dataset(
        name="tic.major_foreign_holders",
        source="US Treasury, TIC Major Foreign Holders of Treasury Securities",
        parser="bondwatch.sources.tic:parse",
        fetcher="bondwatch.sources.tic:fetch",
        mirror_globs=("tic/mfhhis01.txt", "tic/mfh.txt"),
    ),
    Dataset(
        name="allotments.investor_class",
        source="US Treasury, Investor Class Auction Allotments (coupons)",
        parser="bondwatch.sources.allotments:parse",
        fetcher="bondwatch.sources.allotments:fetch",
        mirror_globs=("treasury/auctions/investor_class_allotments_*.csv", "treasury/auctions/*IC-Coupons.xls"),
    ),
    Dataset(
        name="imf.weo",
        source="IMF, World Economic Outlook",
        parser="bondwatch.sources.imf:parse",
        fetcher="bondwatch.sources.imf:fetch",
        mirror_globs=("imf/weo_*.csv", "imf/WEO*all.xls"),
        licence="(c) IMF, reuse with attribution",
    ),
    Dataset(
        name="boj.timeseries",
        source="Bank of Japan, Time-Series Statistics API",
        parser="bondwatch.sources.boj:parse",
        fetcher="bondwatch.sources.boj:fetch",
        mirror_globs=("boj/*.json",),
        licence="Bank of Japan: reuse with attribution (Source: Bank of Japan)",
    ),
    Dataset(
        name="boj.accounts",
        source="Bank of Japan, Bank of Japan Accounts",
        parser="bondwatch.sources.boj:parse",
        mirror_globs=("boj/boj_accounts_*.csv",),
        licence="Bank of Japan: reuse with attribution (Source: Bank of Japan)",
    ),
    Dataset(
        name="census.trade_goods",
        source="US Census Bureau, U.S. International Trade in Goods by country",
        parser="bondwatch.sources.census:parse",
        fetcher="bondwatch.sources.census:fetch",
        mirror_globs=("census/us_japan_goods_trade_monthly.csv",),
    ),
]

# derived tables: (table, 'module:function' rebuilding it from a Writer, tables it reads)
DERIVED: list[tuple[str, str, frozenset[str]]] = [
    (  # before the scorecards, which may read the fitted curves
        "curve_fits",
        "bondwatch.service.curves:rebuild_curve_fits",
        frozenset({"yield_curves"}),
    ),
    (
        "auction_scorecards",
        "bondwatch.service.auctions:rebuild_scorecards",
        frozenset({"auction_results", "yield_curves"}),
    ),
    (
        "jgb_auction_scorecards",
        "bondwatch.service.jgb_auctions:rebuild_jgb_scorecards",
        frozenset({"jgb_auction_results", "yield_curves"}),
    ),
]


def by_name(name: str) -> Dataset:
    """The dataset called ``name`` (raises UsageError listing the known ones)."""
    for dataset in DATASETS:
        if dataset.name == name or dataset.name.split(".")[0] == name:
            return dataset
    known = ", ".join(d.name for d in DATASETS)
    raise UsageError(f"unknown dataset {name!r}; known datasets: {known}")


def rebuild_function(target: str) -> Callable:
    return _resolve(target)
