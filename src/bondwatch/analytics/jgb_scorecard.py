"""The JGB auction scorecard (pure computation on frames; no I/O).

For every 2- to 40-year JGB auction: bid-to-cover; the price tail in yen (weighted average minus
lowest accepted price, per 100 yen of face value) where prices are held; the auction yield minus
the previous business day's MOF benchmark yield of the tenor in basis points (a tail proxy, biased
as docs/methods.md says); each against the previous six auctions of the tenor (difference and
z-score, as the Treasury scorecard), its 12-month mean, and its percentile over every earlier
auction of the tenor held; a verdict with reasons. Rules: docs/methods.md ("JGB auction scorecard").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bondwatch.analytics.scorecard import (
    LOOKBACK,
    MIN_FOR_PERCENTILE,
    MIN_FOR_Z,
    Z_CLIP,
    Metric,
    _history_stats,
    _rounded,
    verdict_for,
)
from bondwatch.analytics.scorecard import (
    _fmt as _treasury_fmt,
)
from bondwatch.jgb_tenors import (
    YIELD_BASED_YEARS,
    describe_jgb,
    tenor_code,
    tenor_years,
)

YIELD_BASED_TENORS = frozenset(tenor_code(y) for y in YIELD_BASED_YEARS)
BENCHMARK_MAX_GAP_DAYS = 10  # the previous benchmark must be at most this many days before the auction
TWELVE_MONTHS_DAYS = 365

METRICS: tuple[Metric, ...] = (
    Metric("bid_to_cover", "bid-to-cover", "x", +1, 1.0, 0.05),
    Metric("tail_yen", "price tail", "yen", -1, 1.0, 0.02),
    # the benchmark proxy carries the morning's market move and a level bias: half weight
    Metric("yield_vs_benchmark_bp", "yield minus previous-day benchmark", "bp", -1, 0.5, 0.5),
)
_MEANINGS = {  # metric -> (what a stronger reading means, what a weaker one means)
    "bid_to_cover": ("more bids per yen sold", "fewer bids per yen sold"),
    "tail_yen": ("accepted prices tightly clustered", "the lowest accepted price far below the average"),
    "yield_vs_benchmark_bp": ("sold at or through the previous day's market", "sold cheap to the previous day's market"),
}


def auction_yields(auctions: pd.DataFrame) -> pd.Series:
    """The auction's yield in percent: the highest accepted yield for yield-based auctions (the
    40-year), else the yield at the lowest accepted price."""
    yield_based = auctions["tenor"].isin(YIELD_BASED_TENORS)
    return auctions["highest_yield"].where(yield_based, auctions["lowest_price_yield"])


def benchmark_before(auctions: pd.DataFrame, curve: pd.DataFrame) -> pd.DataFrame:
    """The MOF benchmark yield of each auction's tenor on the last curve date before the auction
    (the previous business day), if at most BENCHMARK_MAX_GAP_DAYS earlier.

    ``auctions``: tenor, auction_date; ``curve``: the long 'jp_mof' curve (date, tenor_years,
    yield_pct). Returns benchmark_date and benchmark_yield (percent), aligned to ``auctions``.
    """
    probes = pd.DataFrame({
        "auction_date": pd.to_datetime(auctions["auction_date"]).astype("datetime64[ns]").to_numpy(),
        "tenor_years": auctions["tenor"].map(tenor_years).to_numpy(float),
        "_row": np.arange(len(auctions)),
    }).sort_values("auction_date")
    quotes = pd.DataFrame({
        "benchmark_date": pd.to_datetime(curve["date"]).astype("datetime64[ns]").to_numpy(),
        "tenor_years": curve["tenor_years"].to_numpy(float),
        "benchmark_yield": curve["yield_pct"].to_numpy(float),
    }).sort_values("benchmark_date")
    joined = pd.merge_asof(
        probes, quotes, left_on="auction_date", right_on="benchmark_date", by="tenor_years",
        allow_exact_matches=False, tolerance=pd.Timedelta(days=BENCHMARK_MAX_GAP_DAYS),
    ).sort_values("_row")
    return pd.DataFrame({"benchmark_date": joined["benchmark_date"].to_numpy(),
                         "benchmark_yield": joined["benchmark_yield"].to_numpy()}, index=auctions.index)


def _tail_missing(tenors: pd.Series, tails: pd.Series) -> list[str | None]:
    return [
        None if not np.isnan(tail)
        else "yield-based auction: MOF publishes no accepted prices, so there is no price tail" if tenor in YIELD_BASED_TENORS
        else "no accepted prices held for this auction: the compiled table has none, MOF's workbook and result page have them"
        for tenor, tail in zip(tenors.tolist(), tails.tolist())
    ]


def _all_history(values: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    """Per auction, against every earlier auction of the tenor held (``days`` ascending): the
    12-month mean and count, the percentile rank and how many earlier values it is ranked among,
    and whether the value is below (-1) or above (+1) every earlier one (0 otherwise)."""
    ok = ~np.isnan(values)
    earlier = (days[None, :] < days[:, None]) & ok[None, :]
    recent = earlier & (days[None, :] > days[:, None] - TWELVE_MONTHS_DAYS)
    past = np.where(ok, values, 0.0)[None, :]
    n_recent = recent.sum(axis=1)
    n_all = earlier.sum(axis=1)
    less = ((past < values[:, None]) & earlier).sum(axis=1)
    equal = ((past == values[:, None]) & earlier).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_12m = np.where(n_recent > 0, (past * recent).sum(axis=1) / n_recent, np.nan)
        rank = 100.0 * (less + 0.5 * equal) / n_all
    enough = (n_all >= MIN_FOR_PERCENTILE) & ok
    record = np.where(enough & (less == n_all), 1, np.where(enough & (less + equal == 0), -1, 0))
    return {"mean_12m": mean_12m, "n_12m": n_recent, "pct": np.where(enough, rank, np.nan),
            "n_history": n_all, "record": record}


def score_jgb_auctions(auctions: pd.DataFrame, curve: pd.DataFrame) -> list[dict]:
    """Scorecards for every auction in ``auctions`` (merged rows, one per tenor and date, columns
    of ``jgb_auction_results``) against the MOF benchmark ``curve`` (date, tenor_years, yield_pct).

    Returns one dict per auction: the results, ``auction_yield`` (percent), ``tail_yen`` (yen per
    100 yen) or ``tail_yen_missing`` (why), ``benchmark_yield`` (percent) and
    ``yield_vs_benchmark_bp`` (basis points), and per metric ``vs_last6``, ``mean_12m`` and
    ``percentile_history``; ``score``, ``verdict`` and ``reasons`` (see docs/methods.md).
    """
    frame = auctions.sort_values(["tenor", "auction_date"]).reset_index(drop=True)
    frame["auction_yield"] = auction_yields(frame)
    frame["tail_yen"] = frame["average_price"] - frame["lowest_price"]
    frame = frame.join(benchmark_before(frame, curve))
    frame["yield_vs_benchmark_bp"] = (frame["auction_yield"] - frame["benchmark_yield"]) * 100.0
    frame["tail_yen_missing"] = _tail_missing(frame["tenor"], frame["tail_yen"])
    cards: list[dict] = []
    for tenor, group in frame.groupby("tenor", sort=False):
        cards.extend(_tenor_cards(str(tenor), group))
    return cards


SHOWN = {  # card field -> digits it is rounded to (None: as held)
    "issue_number": None, "offering_bn_jpy": 1, "competitive_bids_bn_jpy": 1, "accepted_bn_jpy": 1,
    "lowest_price": 3, "lowest_price_yield": 3, "average_price": 3, "average_yield": 3, "highest_yield": 3,
    "auction_yield": 3, "bid_to_cover": 2, "tail_yen": 3, "benchmark_yield": 3, "yield_vs_benchmark_bp": 1,
}


def _tenor_cards(tenor: str, group: pd.DataFrame) -> list[dict]:
    """The scorecards of one tenor's auctions (``group`` sorted by auction date)."""
    dates = pd.to_datetime(group["auction_date"]).to_numpy()
    days = dates.astype("datetime64[D]").astype(np.int64)
    usable = np.ones(len(group), dtype=bool)
    stats: dict[str, dict[str, list]] = {}
    for m in METRICS:
        values = group[m.column].to_numpy(float)
        last6 = _history_stats(values, dates, usable, m.sd_floor)
        held = _all_history(values, days)
        diff = values - last6["mean"]
        stats[m.column] = {
            "mean": _rounded(last6["mean"], 4), "diff": _rounded(diff, 4), "sd": _rounded(last6["sd"], 4),
            "z": _rounded(diff / last6["sd"], 2), "n": last6["n"].astype(int).tolist(),
            "mean_12m": _rounded(held["mean_12m"], 4), "n_12m": held["n_12m"].tolist(),
            "pct": _rounded(held["pct"], 1), "n_history": held["n_history"].tolist(), "record": held["record"].tolist(),
        }
    shown = {name: _rounded(group[name].to_numpy(float), digits) for name, digits in SHOWN.items()}
    raw = {m.column: group[m.column].to_numpy(float).tolist() for m in METRICS}
    auction_days = np.datetime_as_string(dates.astype("datetime64[D]")).tolist()
    benchmark_days = [None if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in group["benchmark_date"]]
    first_day = auction_days[0]
    tail_missing = [v if isinstance(v, str) else None for v in group["tail_yen_missing"].tolist()]
    cards = []
    for i in range(len(group)):
        metrics = {c: {k: s[k][i] for k in ("mean", "diff", "sd", "z", "n")} for c, s in stats.items()}
        score, verdict, reasons = _verdict(
            metrics, {c: raw[c][i] for c in raw}, {c: (s["record"][i], s["n_history"][i]) for c, s in stats.items()},
            tenor, first_day, tail_missing[i],
        )
        issue = shown["issue_number"][i]
        cards.append({
            "market": "jp",
            "tenor": tenor,
            "auction_date": auction_days[i],
            **{name: values[i] for name, values in shown.items()},
            "issue_number": None if issue is None else int(issue),
            "auction_yield_basis": "highest accepted yield" if tenor in YIELD_BASED_TENORS
            else "yield at the lowest accepted price",
            "tail_yen_missing": tail_missing[i],
            "benchmark_date": benchmark_days[i],
            "vs_last6": metrics,
            "mean_12m": {c: {"mean": s["mean_12m"][i], "n": s["n_12m"][i]} for c, s in stats.items()},
            "percentile_history": {c: s["pct"][i] for c, s in stats.items()},
            "score": score,
            "verdict": verdict,
            "reasons": reasons,
        })
    return cards


def _fmt(value: float, unit: str) -> str:
    return f"{value:.2f} yen" if unit == "yen" else _treasury_fmt(value, unit)


def _direction(value: float, mean: float) -> str:
    return "above" if value > mean else "below" if value < mean else "at"


def _verdict(
    metrics: dict[str, dict], values: dict[str, float], records: dict[str, tuple[int, int]],
    tenor: str, first_day: str, tail_missing: str | None,
) -> tuple[float | None, str | None, list[str]]:
    """Score (2 dp), verdict and reasons of one auction from its ``vs_last6`` entries."""
    name = describe_jgb(tenor)
    contributions = [
        (m.sign * m.weight * max(-Z_CLIP, min(Z_CLIP, metrics[m.column]["z"])), m)
        for m in METRICS if metrics[m.column]["z"] is not None
    ]
    notes = [
        f"{m.label} {_fmt(values[m.column], m.unit)} is the {'lowest' if record < 0 else 'highest'} of the "
        f"{count} earlier {name} auctions held (since {first_day})"
        for m in METRICS for record, count in [records[m.column]] if record
    ]
    unscored = [
        f"{m.label}, {tail_missing}" if m.column == "tail_yen" and tail_missing else m.label
        for m in METRICS if metrics[m.column]["z"] is None
    ]
    unscored_note = [f"not scored for want of data: {'; '.join(unscored)}"] if unscored else []
    if not contributions:
        return None, None, [f"fewer than {MIN_FOR_Z} previous {name} auctions: no verdict", *unscored_note, *notes]
    reasons = [
        f"{m.label} {_fmt(values[m.column], m.unit)} {_direction(values[m.column], metrics[m.column]['mean'])} the "
        f"{_fmt(metrics[m.column]['mean'], m.unit)} average of the previous {LOOKBACK} {name} auctions "
        f"({metrics[m.column]['z']:+.1f} sd): {_MEANINGS[m.column][0 if contribution > 0 else 1]}"
        for contribution, m in sorted(contributions, key=lambda c: -abs(c[0]))
        if abs(contribution) >= 0.5
    ]
    if not reasons:
        reasons.append(f"every metric within half a standard deviation of the previous {LOOKBACK} auctions")
    score = sum(c for c, _ in contributions)
    return round(score, 2), verdict_for(score), reasons + unscored_note + notes
