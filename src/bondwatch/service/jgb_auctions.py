"""JGB auctions (MOF Japan): merged results, scorecards, lookups by tenor and date.

Results merge field by field in order of authority: MOF's result page of the auction, then
MOF's workbook, then the compiled table (which has no prices). Scorecards are computed once per
import (:func:`rebuild_jgb_scorecards`) against the MOF benchmark curve ('jp_mof') and stored as
JSON, so lookups need neither pandas nor the models.
"""

from __future__ import annotations

import functools
import json
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError
from bondwatch.jgb_tenors import TENOR_YEARS, parse_jgb_tenor, tenor_years
from bondwatch.service.auctions import _source_entry, parse_date

if TYPE_CHECKING:
    import pandas as pd

SOURCE_PRIORITY = {"mof_page": 0, "mof_workbook": 1, "compiled": 2}
UNITS = {
    "yields": "percent",
    "prices": "yen per 100 yen of face value",
    "tail_yen": "yen per 100 yen of face value (weighted average minus lowest accepted price)",
    "yield_vs_benchmark_bp": "basis points (auction yield minus the previous business day's MOF benchmark yield)",
    "amounts": "billion yen",
}
PROXY_NOTE = (
    "the yield-minus-benchmark proxy compares with MOF's benchmark of the previous business day: the auction "
    "morning's market move leaks in, and the benchmark is a constant-maturity yield, not the auctioned issue"
)
NOTES = (PROXY_NOTE,)
FLAT_COLUMNS = (
    "auction_date", "tenor", "issue_number", "offering_bn_jpy", "competitive_bids_bn_jpy", "accepted_bn_jpy",
    "lowest_price", "average_price", "auction_yield", "auction_yield_basis", "bid_to_cover", "tail_yen",
    "benchmark_date", "benchmark_yield", "yield_vs_benchmark_bp", "score", "verdict",
)


def merged_jgb_results(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (tenor, auction_date): each field from the most authoritative source that has it."""
    frame = frame.assign(_priority=frame["source"].map(SOURCE_PRIORITY).fillna(9))
    frame = frame.sort_values(["tenor", "auction_date", "_priority"])
    merged = frame.groupby(["tenor", "auction_date"], sort=False).first()
    return merged.drop(columns=["source", "provenance_id", "_priority"]).reset_index()


def rebuild_jgb_scorecards(writer: store.Writer) -> int:
    """Recompute every JGB scorecard from the merged results and the MOF curve; returns the count."""
    import pandas as pd

    from bondwatch.analytics.jgb_scorecard import score_jgb_auctions

    results = writer.frame("SELECT * FROM jgb_auction_results")
    if results.empty:
        writer.replace_table("jgb_auction_scorecards", pd.DataFrame())
        return 0
    curve = writer.frame(
        "SELECT date, tenor_years, yield_pct, provenance_id FROM yield_curves WHERE curve = 'jp_mof' "
        f"AND tenor_years IN ({', '.join(str(y) for y in TENOR_YEARS)}) "
        "AND date >= (SELECT min(auction_date) - INTERVAL 15 DAY FROM jgb_auction_results)"
    )
    cards = score_jgb_auctions(merged_jgb_results(results), curve)
    provenance = {int(r["id"]): r for r in writer.frame("SELECT * FROM provenance").to_dict("records")}
    source_entry = functools.cache(functools.partial(_source_entry, provenance))
    origins: dict[tuple[str, str], list[tuple[str, int]]] = {}
    ordered = results.sort_values("source", key=lambda s: s.map(SOURCE_PRIORITY), kind="stable")
    days = pd.to_datetime(ordered["auction_date"]).dt.strftime("%Y-%m-%d")
    for tenor, day, name, pid in zip(ordered["tenor"], days, ordered["source"], ordered["provenance_id"]):
        origins.setdefault((tenor, day), []).append((name, int(pid)))
    curve_provenance = {
        (pd.Timestamp(d).strftime("%Y-%m-%d"), float(y)): int(pid)
        for d, y, pid in zip(curve["date"], curve["tenor_years"], curve["provenance_id"])
    }
    encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    texts = []
    for card in cards:
        card["sources"] = [source_entry(pid, name, "auction results") for name, pid in origins[(card["tenor"], card["auction_date"])]]
        if card["benchmark_date"] is not None:
            pid = curve_provenance[(card["benchmark_date"], float(tenor_years(card["tenor"])))]
            card["sources"].append(source_entry(pid, "jp_mof", "previous-day benchmark for yield_vs_benchmark_bp"))
        texts.append(encode(card))
    writer.replace_table("jgb_auction_scorecards", pd.DataFrame({
        "tenor": [c["tenor"] for c in cards],
        "auction_date": pd.to_datetime([c["auction_date"] for c in cards]),
        "verdict": [c["verdict"] for c in cards],
        "card": texts,
    }))
    return len(cards)


def _cards(rows: list[tuple]) -> list[dict]:
    return [{**json.loads(r[0]), "units": UNITS} for r in rows]


def _held_tenors(wh: store.Warehouse) -> set[str]:
    if not wh.has_table("jgb_auction_scorecards"):
        return set()
    return {r[0] for r in wh.rows("SELECT DISTINCT tenor FROM jgb_auction_scorecards")}


def find_jgb_cards(target: str, *, date: str | Date | None = None, warehouse: str | Path | None = None) -> list[dict]:
    """The scorecard of a JGB tenor's latest auction ('jgb-20y'), or of its auction on ``date``."""
    tenor, when = parse_jgb_tenor(target), parse_date(date)
    with store.Warehouse(warehouse) as wh:
        held = _held_tenors(wh)
        if tenor not in held:
            raise NotFoundError(
                f"no {tenor} auctions in the warehouse (JGB tenors held: {', '.join(sorted(held)) or 'none'}); "
                "run `bondwatch update --from auto` (offline mirror) or `bondwatch update`"
            )
        if when is None:
            return _cards(wh.rows("SELECT card FROM jgb_auction_scorecards WHERE tenor = ? "
                                  "ORDER BY auction_date DESC LIMIT 1", [tenor]))
        rows = wh.rows("SELECT card FROM jgb_auction_scorecards WHERE tenor = ? AND auction_date = ?", [tenor, when])
        if not rows:
            nearest = wh.rows(
                "SELECT auction_date FROM jgb_auction_scorecards WHERE tenor = ? "
                "ORDER BY abs(date_diff('day', auction_date, ?::DATE)), auction_date LIMIT 2", [tenor, when],
            )
            raise NotFoundError(f"no {tenor} auction on {when.isoformat()}; nearest: "
                                f"{', '.join(r[0].isoformat() for r in nearest)}")
        return _cards(rows)


def list_jgb_cards(
    tenor: str | None = None, *, since: str | Date | None = None, until: str | Date | None = None,
    last: int | None = None, warehouse: str | Path | None = None,
) -> list[dict]:
    """Scorecards of every JGB auction (of one tenor, within dates), oldest first; ``last``: only
    the latest ``last`` of them (as :func:`bondwatch.service.auctions.list_cards`)."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    code = parse_jgb_tenor(tenor) if tenor else None
    with store.Warehouse(warehouse) as wh:
        if not _held_tenors(wh):
            raise NotFoundError("no JGB auctions in the warehouse; run `bondwatch update --from auto`")
        cards = _cards(wh.rows(
            "SELECT card FROM jgb_auction_scorecards WHERE (? IS NULL OR tenor = ?) AND (? IS NULL OR auction_date >= ?) "
            "AND (? IS NULL OR auction_date <= ?) ORDER BY auction_date, tenor", [code, code, start, start, end, end],
        ))
    if not cards:
        raise NotFoundError(f"no {code or 'JGB'} auctions in that range")
    if last is not None and last < 1:
        raise UsageError(f"--last {last}: expected a whole number of auctions, 1 or more")
    return cards[-last:] if last else cards


def latest_jgb_verdicts(wh: store.Warehouse, day: Date) -> list[dict[str, Any]]:
    """The latest JGB auction on or before ``day`` per tenor: tenor, auction_date, verdict."""
    if not wh.has_table("jgb_auction_scorecards"):
        return []
    rows = wh.rows(
        "SELECT tenor, auction_date, verdict FROM jgb_auction_scorecards WHERE auction_date <= ? "
        "QUALIFY row_number() OVER (PARTITION BY tenor ORDER BY auction_date DESC) = 1 "
        "ORDER BY CAST(regexp_extract(tenor, '[0-9]+') AS INTEGER)", [day],
    )
    return [{"tenor": t, "auction_date": d.isoformat(), "cusip": None, "verdict": v} for t, d, v in rows]


def jgb_cards_frame(cards: list[dict]) -> pd.DataFrame:
    """JGB scorecards as a flat DataFrame: the results, each metric's last-6 mean, z-score, 12-month
    mean and percentile over the history held, the verdict and its reasons."""
    import pandas as pd

    def flat(card: dict) -> dict[str, Any]:
        history = {
            f"{metric}_{name}": value
            for metric, last6 in card["vs_last6"].items()
            for name, value in (("last6_mean", last6["mean"]), ("z", last6["z"]),
                                ("mean_12m", card["mean_12m"][metric]["mean"]),
                                ("percentile", card["percentile_history"][metric]))
        }
        return {**{c: card.get(c) for c in FLAT_COLUMNS}, **history, "reasons": "; ".join(card["reasons"])}

    frame = pd.DataFrame([flat(card) for card in cards])
    return frame.assign(auction_date=pd.to_datetime(frame["auction_date"])) if len(frame) else frame


def jgb_auction(tenor: str, date: str | None = None, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """Scorecard of a JGB tenor's latest auction (or the one on ``date``) as a one-row DataFrame."""
    return jgb_cards_frame(find_jgb_cards(tenor, date=date, warehouse=warehouse))


def jgb_auctions(
    tenor: str | None = None, since: str | None = None, until: str | None = None, *,
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Scorecards of all JGB auctions (optionally one tenor, within dates), oldest first."""
    return jgb_cards_frame(list_jgb_cards(tenor, since=since, until=until, warehouse=warehouse))
