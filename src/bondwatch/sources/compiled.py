"""The compiled coupon-auction table (TreasuryDirect results compiled by smileys21/Global-Bond-Holdings).

A documented import format, not an official one: ``date, tenor, term, reopening, cusip, size_bn,
high_yield, median_yield, bid_to_cover, dealer_pct, direct_pct, indirect_pct, dispersion_bp``
(nominal notes and bonds, shares in percent of competitive accepted). Official rows
(TreasuryDirect, Fiscal Data) take precedence field by field; this table fills what they lack,
chiefly the median yield.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bondwatch.sources import Parsed
from bondwatch.sources.checks import AUCTIONS, check
from bondwatch.sources.formats import (
    LINE,
    booleans,
    dates,
    decode,
    number_columns,
    read_csv,
)
from bondwatch.tenors import auction_cycle, term_code

SOURCE = "compiled coupon auctions"
COLUMNS = (
    "date", "tenor", "term", "reopening", "cusip", "size_bn", "high_yield", "median_yield",
    "bid_to_cover", "dealer_pct", "direct_pct", "indirect_pct",
)


def parse(data: bytes, location: str) -> Parsed:
    """Parse the compiled CSV into ``auction_results`` rows with ``source = 'compiled'``."""
    text = decode(data, source=SOURCE, location=location, expected="the compiled coupon-auction CSV")
    frame = read_csv(text, source=SOURCE, location=location, required=COLUMNS)
    kw = {"source": SOURCE, "location": location}
    out = pd.DataFrame(index=frame.index)
    out["source"] = "compiled"
    out["cusip"] = frame["cusip"].str.strip().str.upper()
    out["auction_date"] = dates(frame, "date", **kw)
    out["kind"] = "nominal"
    out["original_term"] = frame["tenor"].str.strip()
    out["security_term"] = frame["term"].str.strip()
    out["tenor"] = [auction_cycle("nominal", t) for t in out["security_term"]]
    years = [int(term_code(t)[:-1]) if term_code(t) and term_code(t).endswith("y") else 0 for t in out["original_term"]]
    out["security_type"] = np.where(np.array(years) >= 20, "Bond", "Note")
    out["reopening"] = booleans(frame, "reopening", **kw)
    shown = ["high_yield", "median_yield", "bid_to_cover", "dealer_pct", "direct_pct", "indirect_pct"]
    values = number_columns(frame, ["size_bn", *shown], **kw)
    out["offering_usd"] = values[:, 0] * 1e9
    out[shown] = values[:, 1:]
    check(out, AUCTIONS, source=SOURCE, location=location, lines=frame[LINE], names={"auction_date": "date"})
    last = out["auction_date"].max().date().isoformat()
    return Parsed("auction_results", out, ("source", "cusip", "auction_date"), f"auctions through {last}")
