"""Yield-curve interpolation (pure).

Linear interpolation in maturity between published nodes. Beyond the end nodes the curve is
held flat for at most ``FLAT_EXTENSION_YEARS`` (a new 30-year bond auctioned a week before it
is issued has 30.02 years to run); further out it is not priced (NaN). Linear is what a
user can check by hand; its bias against Treasury's own monotone-convex fit is a few
hundredths of a percentage point between distant nodes (e.g. 20y-30y). See docs/methods.md.
"""

from __future__ import annotations

import numpy as np

FLAT_EXTENSION_YEARS = 0.25


def interpolate(tenor_years: np.ndarray, yields: np.ndarray, at_years: float | np.ndarray) -> np.ndarray:
    """Yield (percent) at maturities ``at_years`` (years) by linear interpolation between nodes.

    ``tenor_years`` and ``yields`` are one curve's nodes (percent), any order, NaN-free.
    Maturities more than FLAT_EXTENSION_YEARS outside the nodes' range give NaN.
    """
    order = np.argsort(tenor_years)
    x, y = np.asarray(tenor_years, float)[order], np.asarray(yields, float)[order]
    at = np.asarray(at_years, float)
    out = np.interp(at, x, y)
    outside = (at < x[0] - FLAT_EXTENSION_YEARS) | (at > x[-1] + FLAT_EXTENSION_YEARS)
    return np.where(outside, np.nan, out)
