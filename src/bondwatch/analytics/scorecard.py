"""The auction scorecard (pure computation on frames; no I/O).

For every auction: bid-to-cover; dealer, direct and indirect shares of competitive accepted;
three tail proxies (the close and prior-day par curves, high minus median); each metric against
the previous six auctions of the same tenor (difference and z-score) and its percentile over the
previous ten years; a verdict with the reasons that drove it. The rules are written out in
docs/methods.md ("Auction scorecard").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bondwatch.analytics.curve import FLAT_EXTENSION_YEARS
from bondwatch.tenors import canonical_tenor, describe

SMALL_VALUE_TEST_MAX_USD = 100e6  # Treasury's $25M small-value test reopenings (no real auction is this small)
LOOKBACK = 6  # previous auctions of the same tenor
MIN_FOR_Z = 3  # fewer previous auctions than this: no z-score
PERCENTILE_YEARS = 10
MIN_FOR_PERCENTILE = 8
Z_CLIP = 3.0
PRIOR_CURVE_MAX_DAYS = 5  # calendar days back to the last curve before an auction (a long weekend is 4)


@dataclass(frozen=True)
class Metric:
    """One scorecard metric: its column, how it reads, its unit and its weight in the verdict."""

    column: str
    label: str
    unit: str
    sign: int  # +1: higher is stronger; -1: higher is weaker; 0: no direction
    weight: float  # 0: shown, not scored
    sd_floor: float  # smallest standard deviation used for a z-score, in the metric's unit


METRICS: tuple[Metric, ...] = (
    Metric("bid_to_cover", "bid-to-cover", "x", +1, 1.0, 0.05),
    Metric("dealer_pct", "primary-dealer share", "%", -1, 1.0, 1.0),
    Metric("indirect_pct", "indirect share", "%", +1, 0.5, 1.0),
    Metric("direct_pct", "direct share", "%", 0, 0.0, 1.0),
    # tail proxies: weight = 2a - 1 for the share a of 35 published when-issued tails whose sign
    # the proxy's z-score matched (analytics/tail_evaluation.py, docs/methods.md): the close-curve
    # tail matched 46% (no better than a coin: post-auction moves leak in), high minus median 89%,
    # the prior-day curve tail 69%
    Metric("tail_curve_bp", "tail vs par curve", "bp", -1, 0.0, 0.5),
    Metric("tail_median_bp", "high minus median", "bp", -1, 0.75, 0.5),
    Metric("tail_prior_curve_bp", "tail vs prior-day curve", "bp", -1, 0.35, 0.5),
)

VERDICTS = (  # (lowest score, verdict), checked from the top
    (3.0, "strong"),
    (1.0, "solid"),
    (-1.0, "mixed"),
    (-3.0, "weak"),
    (-math.inf, "very weak"),
)


def verdict_for(score: float) -> str:
    """Verdict for a score (sum of weighted, signed, clipped z-scores)."""
    for floor, verdict in VERDICTS:
        if score >= floor:
            return verdict
    raise AssertionError("unreachable")


def curve_tails(auctions: pd.DataFrame, curve: pd.DataFrame) -> pd.DataFrame:
    """Par-curve yields at each auction's remaining maturity, and the two curve tail proxies in bp.

    ``auctions`` needs auction_date, maturity_date, high_yield, kind; ``curve`` the long US par
    curve (date, tenor_years, yield_pct) of the auction dates and of the curve dates before them.
    Remaining maturity = (maturity - auction date) / 365.25 years. ``tail_curve_bp`` prices the
    auction against the curve of its own day (the close, after the auction); ``tail_prior_curve_bp``
    against the last curve published before the auction day, if at most PRIOR_CURVE_MAX_DAYS
    earlier (``prior_curve_date``). TIPS and FRNs get no curve tail (the nominal par curve does not
    price them).
    """
    columns = ["remaining_years", "curve_yield", "prior_curve_yield"]
    out = pd.DataFrame(index=auctions.index, columns=columns, dtype=float)
    remaining = (
        pd.to_datetime(auctions["maturity_date"]) - pd.to_datetime(auctions["auction_date"])
    ).dt.days / 365.25
    out["remaining_years"] = remaining
    out["prior_curve_date"] = pd.Series(pd.NaT, index=auctions.index, dtype="datetime64[ns]")
    if curve.empty:
        out["tail_curve_bp"] = out["tail_prior_curve_bp"] = np.nan
        return out
    curve = curve.sort_values(["date", "tenor_years"], kind="stable")
    curve_days = _day_numbers(curve["date"])
    starts = np.flatnonzero(np.r_[True, curve_days[1:] != curve_days[:-1]])
    held_days = curve_days[starts]
    nodes = (curve["tenor_years"].to_numpy(float), curve["yield_pct"].to_numpy(float), starts)
    days, years = _day_numbers(auctions["auction_date"]), remaining.to_numpy()
    kinds_priced = auctions["kind"].isin(["nominal", "bill", "cmb"]) & auctions["high_yield"].notna()
    priced = kinds_priced.to_numpy() & ~np.isnan(years)
    same = np.searchsorted(held_days, days, side="left")
    prior = same - 1
    same = np.where((same < len(held_days)) & (held_days[np.minimum(same, len(held_days) - 1)] == days), same, -1)
    prior = np.where((prior >= 0) & (days - held_days[np.maximum(prior, 0)] <= PRIOR_CURVE_MAX_DAYS), prior, -1)
    curve_yield = _interpolate_on_days(*nodes, np.where(priced, same, -1), years)
    prior_yield = _interpolate_on_days(*nodes, np.where(priced, prior, -1), years)
    out["curve_yield"] = curve_yield
    out["prior_curve_yield"] = prior_yield
    prior_day = np.where(np.isnan(prior_yield), np.iinfo(np.int64).min, held_days[np.maximum(prior, 0)])
    out["prior_curve_date"] = prior_day.astype("datetime64[D]").astype("datetime64[ns]")
    out["tail_curve_bp"] = (auctions["high_yield"] - out["curve_yield"]) * 100.0
    out["tail_prior_curve_bp"] = (auctions["high_yield"] - out["prior_curve_yield"]) * 100.0
    return out


def _interpolate_on_days(
    tenor_years: np.ndarray, yields: np.ndarray, starts: np.ndarray, day: np.ndarray, at_years: np.ndarray
) -> np.ndarray:
    """:func:`bondwatch.analytics.curve.interpolate` for many curves at once: the yield (percent) of
    curve ``day[i]`` at ``at_years[i]``; NaN where ``day[i]`` is -1.

    Curve k's nodes are ``tenor_years[starts[k]:starts[k + 1]]`` (sorted ascending, NaN-free,
    maturities >= 0) and ``yields`` alike. Held flat beyond its end nodes for FLAT_EXTENSION_YEARS,
    NaN further out; between nodes ``np.interp``'s formula, so the results equal ``interpolate``'s.
    """
    ends = np.r_[starts[1:], len(tenor_years)] - 1
    held = day >= 0
    k = np.where(held, day, 0)
    first, last = tenor_years[starts[k]], tenor_years[ends[k]]
    at = np.clip(at_years, first, last)
    # the node at or below each maturity: one search over all curves laid end to end
    span = tenor_years.max() + 1.0
    curve_of_node = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(tenor_years)]))
    below = np.searchsorted(curve_of_node * span + tenor_years, k * span + at, side="right") - 1
    below = np.clip(below, starts[k], ends[k])
    below -= (tenor_years[below] > at) & (below > starts[k])  # guard the shifted search's rounding
    below += (below < ends[k]) & (tenor_years[np.minimum(below + 1, len(tenor_years) - 1)] <= at)
    j = np.minimum(below, np.maximum(ends[k] - 1, starts[k]))  # left node of the segment
    right = np.minimum(j + 1, ends[k])
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (yields[right] - yields[j]) / (tenor_years[right] - tenor_years[j])
        value = np.where((at == last) | (right == j), yields[np.where(at == last, ends[k], j)], slope * (at - tenor_years[j]) + yields[j])
    outside = (at_years < first - FLAT_EXTENSION_YEARS) | (at_years > last + FLAT_EXTENSION_YEARS)
    return np.where(held & ~outside & ~np.isnan(at_years), value, np.nan)


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as datetime64[D] (NaT kept), whatever the datetime unit they come in."""
    return pd.to_datetime(dates).to_numpy().astype("datetime64[D]")


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return _days(dates).astype(np.int64)


def _history_stats(values: np.ndarray, dates: np.ndarray, usable: np.ndarray, floor: float) -> dict[str, np.ndarray]:
    """Per auction: mean, sd, n of the previous LOOKBACK usable values, and the 10-year percentile.

    ``dates`` must be sorted ascending. "Previous" means an earlier auction date.
    """
    ok = usable & ~np.isnan(values)
    past_values, past_dates = values[ok], dates[ok]
    # previous LOOKBACK usable values of auction i are past_values[start:k], k = number before date i
    k = np.searchsorted(past_dates, dates, side="left")
    start = np.maximum(k - LOOKBACK, 0)
    count = (k - start).astype(float)
    s1 = np.concatenate([[0.0], np.cumsum(past_values)])
    s2 = np.concatenate([[0.0], np.cumsum(past_values**2)])
    with np.errstate(invalid="ignore", divide="ignore"):
        total, squares = s1[k] - s1[start], s2[k] - s2[start]
        mean = np.where(count > 0, total / count, np.nan)
        variance = np.maximum(squares - total * total / count, 0.0) / (count - 1)
        sd = np.where(count >= MIN_FOR_Z, np.maximum(np.sqrt(variance), floor), np.nan)
    # percentile rank among usable auctions of the previous ten years
    earlier = past_dates[None, :] < dates[:, None]
    ten_years = dates[:, None] - np.timedelta64(int(PERCENTILE_YEARS * 365.25), "D")
    window = earlier & (past_dates[None, :] > ten_years)
    less = ((past_values[None, :] < values[:, None]) & window).sum(axis=1)
    equal = ((past_values[None, :] == values[:, None]) & window).sum(axis=1)
    in_window = window.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rank = 100.0 * (less + 0.5 * equal) / in_window
    pct = np.where((in_window >= MIN_FOR_PERCENTILE) & ~np.isnan(values), rank, np.nan)
    return {"mean": mean, "sd": sd, "n": count, "pct": pct}


def _exclusions(frame: pd.DataFrame) -> list[str | None]:
    """Why each auction is left out of every statistic (None: it is not)."""
    offering = frame["offering_usd"].to_numpy(float)
    no_cover = frame["bid_to_cover"].isna().to_numpy()
    off_cycle = _off_cycle(frame).tolist()
    return [
        f"small-value test auction (${amount / 1e6:,.0f}M): left out of every statistic"
        if amount <= SMALL_VALUE_TEST_MAX_USD
        else "off-cycle reopening of an older security, before the first new issue of its cycle: "
        "left out of every statistic" if outside
        else "no bid-to-cover published" if missing else None
        for amount, outside, missing in zip(offering.tolist(), off_cycle, no_cover.tolist())
    ]


def _off_cycle(frame: pd.DataFrame) -> np.ndarray:
    """Reopenings filed under a cycle other than their original term's and auctioned before the
    first new issue of that cycle held, if any is (the October 2008 reopenings of 10-year notes with 6 years 4
    to 10 months left, before the 7-year cycle returned on 2009-02-26)."""
    days = _day_numbers(frame["auction_date"])
    tenor, tenors = pd.factorize(frame["tenor"])
    new_issue = np.array([r is False or r is np.False_ for r in frame["reopening"].tolist()], dtype=bool)
    never = np.iinfo(np.int64).max
    first_new_issue = np.full(len(tenors), never)
    np.minimum.at(first_new_issue, tenor[new_issue], days[new_issue])
    first_new_issue[first_new_issue == never] = np.iinfo(np.int64).min  # no new issue held: no cut-off
    other_cycle = [
        isinstance(term, str) and canonical_tenor(kind, term) != cycle
        for kind, term, cycle in zip(frame["kind"].tolist(), frame["original_term"].tolist(), frame["tenor"].tolist())
    ]
    return np.array(other_cycle, dtype=bool) & (days < first_new_issue[tenor])


def _fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}"
    if unit == "bp":
        return f"{value:+.1f}bp"
    return f"{value:.1f}%"


_MEANINGS = {  # metric -> (what a stronger reading means, what a weaker one means)
    "bid_to_cover": ("more bids per dollar sold", "fewer bids per dollar sold"),
    "dealer_pct": ("dealers were left with less", "dealers had to take more"),
    "indirect_pct": ("more end-investor demand via indirect bids", "less demand via indirect bids"),
    "tail_curve_bp": ("priced richer than the market curve", "priced cheaper than the market curve"),
    "tail_median_bp": ("bids tightly clustered", "bids widely dispersed"),
    "tail_prior_curve_bp": ("priced richer than the previous day's curve", "priced cheaper than the previous day's curve"),
}


def _reason(metric: Metric, value: float, mean: float, z: float, tenor_name: str, contribution: float) -> str:
    direction = "above" if value > mean else "below" if value < mean else "at"
    meaning = _MEANINGS[metric.column][0 if contribution > 0 else 1]
    return (
        f"{metric.label} {_fmt(value, metric.unit)} {direction} the {_fmt(mean, metric.unit)} average "
        f"of the previous {LOOKBACK} {tenor_name} auctions ({z:+.1f} sd): {meaning}"
    )


def score_auctions(auctions: pd.DataFrame, curve: pd.DataFrame) -> list[dict]:
    """Scorecards for every auction in ``auctions`` (merged rows, one per cusip and date).

    Returns one dict per auction with the metrics, ``vs_last6``, ``percentile_10y``, ``score``,
    ``verdict`` and ``reasons`` (see docs/methods.md). Units: yields percent, shares percent of
    competitive accepted (0-100), tails basis points.
    """
    frame = auctions.sort_values(["tenor", "auction_date", "cusip"]).reset_index(drop=True)
    frame = frame.join(curve_tails(frame, curve))
    frame["tail_median_bp"] = (frame["high_yield"] - frame["median_yield"]) * 100.0
    frame["excluded"] = _exclusions(frame)
    cards: list[dict] = []
    for tenor, group in frame.groupby("tenor", sort=False):
        cards.extend(_tenor_cards(str(tenor), group))
    return cards


def _rounded(values: np.ndarray, digits: int | None = None) -> list[float | None]:
    """Python floats rounded to ``digits`` (as :func:`round` does), None for NaN."""
    if digits is None:
        return [None if v != v else v for v in values.tolist()]
    return [None if v != v else round(v, digits) for v in values.tolist()]


def _column(group: pd.DataFrame, name: str, digits: int | None = None) -> list[float | None]:
    if name not in group:
        return [None] * len(group)
    return _rounded(pd.to_numeric(group[name], errors="coerce").to_numpy(float), digits)


def _dates(group: pd.DataFrame, name: str) -> list[str | None]:
    if name not in group:
        return [None] * len(group)
    return [None if t == "NaT" else t for t in np.datetime_as_string(_days(group[name])).tolist()]


def _values(group: pd.DataFrame, name: str) -> list:
    if name not in group:
        return [None] * len(group)
    return [None if _missing(v) else v for v in group[name].tolist()]


def _tenor_cards(tenor: str, group: pd.DataFrame) -> list[dict]:
    """The scorecards of one tenor's auctions (``group`` sorted by auction date)."""
    dates = pd.to_datetime(group["auction_date"]).to_numpy()
    excluded = _values(group, "excluded")
    usable = np.array([e is None for e in excluded], dtype=bool)
    vs_last6: dict[str, dict[str, list]] = {}
    percentile: dict[str, list[float | None]] = {}
    for m in METRICS:
        values = group[m.column].to_numpy(float)
        s = _history_stats(values, dates, usable, m.sd_floor)
        diff = values - s["mean"]
        vs_last6[m.column] = {
            "mean": _rounded(s["mean"], 4),
            "diff": _rounded(diff, 4),
            "sd": _rounded(s["sd"], 4),
            "z": _rounded(diff / s["sd"], 2),
            "n": s["n"].astype(int).tolist(),
        }
        percentile[m.column] = _rounded(s["pct"], 1)
    shown = {
        "high_yield": _column(group, "high_yield", 4),
        "median_yield": _column(group, "median_yield", 4),
        "bid_to_cover": _column(group, "bid_to_cover", 2),
        "indirect_pct": _column(group, "indirect_pct", 2),
        "direct_pct": _column(group, "direct_pct", 2),
        "dealer_pct": _column(group, "dealer_pct", 2),
        "tail_curve_bp": _column(group, "tail_curve_bp", 1),
        "tail_median_bp": _column(group, "tail_median_bp", 1),
        "tail_prior_curve_bp": _column(group, "tail_prior_curve_bp", 1),
        "curve_yield": _column(group, "curve_yield", 4),
        "prior_curve_yield": _column(group, "prior_curve_yield", 4),
        "remaining_years": _column(group, "remaining_years", 3),
    }
    raw = {m.column: _column(group, m.column) for m in METRICS if m.weight}
    scores = _scores(vs_last6)
    tenor_name = describe(tenor)
    auction_dates, issue_dates, maturity_dates, prior_curve_dates = (
        _dates(group, c) for c in ("auction_date", "issue_date", "maturity_date", "prior_curve_date")
    )
    offering = _column(group, "offering_usd")
    cusips, kinds = group["cusip"].tolist(), group["kind"].tolist()
    texts = {c: _values(group, c) for c in ("security_type", "security_term", "original_term", "reopening")}

    cards = []
    for i in range(len(group)):
        metrics = {column: {k: v[i] for k, v in fields.items()} for column, fields in vs_last6.items()}
        score, verdict, reasons = _verdict(scores[i], metrics, {c: v[i] for c, v in raw.items()}, excluded[i], tenor_name)
        reopening = texts["reopening"][i]
        cards.append({
            "auction_date": auction_dates[i],
            "cusip": cusips[i],
            "tenor": tenor,
            "kind": kinds[i],
            "security_type": texts["security_type"][i],
            "security_term": texts["security_term"][i],
            "original_term": texts["original_term"][i],
            "original_tenor": None if texts["original_term"][i] is None else canonical_tenor(kinds[i], texts["original_term"][i]),
            "reopening": None if reopening is None else bool(reopening),
            "issue_date": issue_dates[i],
            "maturity_date": maturity_dates[i],
            "offering_amount": offering[i],
            **{name: values[i] for name, values in shown.items()},
            "prior_curve_date": prior_curve_dates[i],
            "vs_last6": metrics,
            "percentile_10y": {c: v[i] for c, v in percentile.items()},
            "score": score,
            "verdict": verdict,
            "reasons": reasons,
            "excluded": excluded[i],
        })
    return cards


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _scores(vs_last6: dict[str, dict[str, list]]) -> np.ndarray:
    """Per auction, the sum over scored metrics of sign x weight x z clipped to +-Z_CLIP, from the
    rounded z-scores shown on the card; metrics without a z-score add nothing."""
    score: float | np.ndarray = 0.0  # summed in METRICS order from +0.0
    for m in (m for m in METRICS if m.weight):
        z = np.array([np.nan if v is None else v for v in vs_last6[m.column]["z"]], dtype=float)
        score = score + np.nan_to_num(m.sign * m.weight * np.clip(z, -Z_CLIP, Z_CLIP))
    return np.asarray(score)


def _verdict(
    score: float, metrics: dict[str, dict], values: dict[str, float | None], excluded: str | None, tenor_name: str
) -> tuple[float | None, str | None, list[str]]:
    """Score (rounded to 2 dp), verdict and reasons of one auction from its summed ``score``
    (:func:`_scores`) and its ``vs_last6`` entries."""
    if excluded is not None:
        return None, None, []
    contributions = [
        (m.sign * m.weight * max(-Z_CLIP, min(Z_CLIP, metrics[m.column]["z"])), m)
        for m in METRICS if m.weight and metrics[m.column]["z"] is not None
    ]
    if not contributions:
        return None, None, [f"fewer than {MIN_FOR_Z} previous {tenor_name} auctions: no verdict"]
    reasons = [
        _reason(m, values[m.column], metrics[m.column]["mean"], metrics[m.column]["z"], tenor_name, contribution)
        for contribution, m in sorted(contributions, key=lambda c: -abs(c[0]))
        if abs(contribution) >= 0.5
    ]
    if not reasons:
        reasons.append(f"every metric within half a standard deviation of the previous {LOOKBACK} auctions")
    unscored = [m.label for m in METRICS if m.weight and metrics[m.column]["z"] is None]
    if unscored:
        reasons.append(f"not scored for want of data: {', '.join(unscored)}")
    score = float(score)
    return round(score, 2), verdict_for(score), reasons
