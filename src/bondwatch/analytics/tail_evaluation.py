"""The scorecard's tail proxies against published when-issued tails (pure computation, no I/O).

The true tail of an auction is its high yield minus the when-issued (WI) yield at the 1 pm bidding
deadline, in basis points. Treasury does not publish the WI yield; market reporters do, and
``presets/auction_tails.yaml`` holds such reports (compiled from the press, each with its citation).
For each report this module puts the tail beside every tail proxy of the scorecard
(:data:`TAIL_PROXIES`) and measures, per proxy:

* raw value: error = proxy - published tail (bp), its mean absolute value and mean (bias), and the
  share of auctions whose sign matches the published tail's (a tail or a stop-through);
* scored value (what the verdict uses): the sign of the proxy's z-score against the previous six
  auctions of the tenor, matched against the sign of the published tail.

The verdict weight of a proxy is its agreement beyond chance, ``2 a - 1`` for a share a of signs
matched by the scored value (0 for a coin toss, 1 for always right), floored at 0 and rounded to
0.05 (:func:`proxy_weight`). The rule and the table are in docs/methods.md.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

TAIL_PROXIES = ("tail_curve_bp", "tail_prior_curve_bp", "tail_median_bp")
WEIGHT_STEP = 0.05


def evaluation_table(tails: list[dict], cards: list[dict]) -> pd.DataFrame:
    """One row per published tail: the tail (bp), each proxy's value, error and scored sign.

    ``tails``: entries of ``auction_tails.yaml`` (auction_date, tenor, high_yield, tail_bp, ...);
    ``cards``: the scorecards of those auctions, matched on (tenor, auction date). Columns:
    ``auction_date, tenor, cusip, published_tail_bp``, then per proxy p: ``p`` (bp), ``p_error``
    (proxy - published, bp), ``p_z`` (z against the previous six) and ``p_agrees`` (sign of the z
    equals the sign of the published tail; None for a tail of 0 or no z).
    """
    by_auction = {(c["tenor"], c["auction_date"]): c for c in cards}
    rows = []
    for tail in tails:
        card = by_auction[(tail["tenor"], str(tail["auction_date"]))]
        published = float(tail["tail_bp"])
        row = {"auction_date": card["auction_date"], "tenor": card["tenor"], "cusip": card["cusip"],
               "published_tail_bp": published}
        for proxy in TAIL_PROXIES:
            value, z = card[proxy], card["vs_last6"][proxy]["z"]
            row[proxy] = value
            row[f"{proxy}_error"] = None if value is None else round(value - published, 1)
            row[f"{proxy}_z"] = z
            row[f"{proxy}_agrees"] = None if z is None or z == 0 or published == 0 else (z > 0) == (published > 0)
        rows.append(row)
    return pd.DataFrame(rows)


def evaluation_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per proxy (index): auctions compared, sign agreement of raw and scored values (0-1), mean
    absolute error and bias of the raw value (bp), correlation with the published tail, and the
    verdict weight the scored agreement gives (:func:`proxy_weight`)."""
    published = table["published_tail_bp"].to_numpy(float)
    out = {}
    for proxy in TAIL_PROXIES:
        value = pd.to_numeric(table[proxy], errors="coerce").to_numpy(float)
        held = ~np.isnan(value)
        signed = held & (published != 0)
        scored = table[f"{proxy}_agrees"].dropna().astype(bool)
        error = value[held] - published[held]
        agreement = float(scored.mean()) if len(scored) else math.nan
        out[proxy] = {
            "n": int(held.sum()),
            "raw_sign_agreement": float((np.sign(value[signed]) == np.sign(published[signed])).mean()),
            "mean_abs_error_bp": float(np.abs(error).mean()),
            "bias_bp": float(error.mean()),
            "correlation": float(np.corrcoef(value[held], published[held])[0, 1]),
            "n_scored": len(scored),
            "scored_sign_agreement": agreement,
            "weight": proxy_weight(agreement),
        }
    return pd.DataFrame(out).T


def proxy_weight(agreement: float) -> float:
    """Verdict weight of a tail proxy whose scored sign matches published tails a share ``agreement``
    (0-1) of the time: ``max(0, 2 a - 1)`` rounded to WEIGHT_STEP."""
    if math.isnan(agreement):
        return 0.0
    return round(round(max(0.0, 2.0 * agreement - 1.0) / WEIGHT_STEP) * WEIGHT_STEP, 2)
