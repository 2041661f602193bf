"""Rendering for the CLI: readable tables, JSON and CSV, without pandas.

Numbers leave through one helper, :func:`clean`: JSON and CSV round each column to the precision
its publisher prints (:data:`DECIMALS`), every other number to 12 significant digits (which drops
binary float noise such as 4.0649999999999995 without cutting a published digit); NaN and
infinity become null (JSON) or an empty field (CSV). Tables print a missing value as ``-``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import click

MISSING = "-"  # a missing number in a readable table
SIGNIFICANT_DIGITS = 12  # undeclared columns: enough for any published figure, drops float noise
# Decimals of each output column as its publisher prints it (units in the service docstrings).
DECIMALS: dict[str, int] = {
    # Treasury auction results (Fiscal Data, TreasuryDirect): yields 3 decimals, bid-to-cover 2
    "high_yield": 3, "median_yield": 3, "bid_to_cover": 2,
    # bidder and allotment shares, percent to 2 decimals as in the Treasury press release
    "indirect_pct": 2, "direct_pct": 2, "dealer_pct": 2, "foreign_allotment_pct": 2,
    # tails, basis points: one decimal of the 3-decimal yields
    "tail_curve_bp": 1, "tail_median_bp": 1,
    # curves: Treasury par curve 2 decimals, MOF JGB 3 decimals; interpolated maturities 3
    "yield_pct": 3,
    # TIC Major Foreign Holders, US$ billions to 1 decimal
    "holdings_bn": 1, "chg_3m_bn": 1, "chg_12m_bn": 1,
    # snapshot changes: basis points, or the item's unit, to 2 decimals
    "chg_1w": 2, "chg_1m": 2, "chg_1y": 2,
}


def clean(value: Any, column: str | None = None) -> Any:
    """A value ready for JSON or CSV: numbers rounded (see the module docstring), NaN/inf -> None,
    dates -> ISO text, numpy scalars -> Python; dicts and lists cleaned key by key."""
    if isinstance(value, Mapping):
        return {k: clean(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, column) for v in value]
    if hasattr(value, "item") and not hasattr(value, "isoformat"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
        return round(value, DECIMALS[column]) if column in DECIMALS else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def frame_records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as cleaned records (see :func:`clean`)."""
    return [clean(row) for row in frame.to_dict("records")]


def emit_json(payload: Any) -> None:
    """Print JSON, every number cleaned (see :func:`clean`)."""
    click.echo(json.dumps(clean(payload), indent=2, default=str, allow_nan=False))


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as CSV with the given columns, every number cleaned (see :func:`clean`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cleaned = {c: clean(row.get(c), c) for c in columns}
        writer.writerow({c: "" if v is None else v for c, v in cleaned.items()})
    click.echo(buffer.getvalue(), nl=False)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def fmt(value: Any, digits: int = 2, suffix: str = "") -> str:
    """A number for a table cell with thousands separators; ``-`` (no suffix) when missing."""
    if _missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}{suffix}"
    return str(value)


def published_decimals(values: Iterable[Any]) -> int:
    """The decimals a column of published figures needs so that none loses a digit
    (156.1 and 156.26 -> 2); missing values are skipped."""
    exponents = [Decimal(repr(clean(float(v)))).normalize().as_tuple().exponent for v in values if not _missing(v)]
    return max((max(0, -int(e)) for e in exponents), default=0)


def fmt_published(value: Any) -> str:
    """A published figure as printed, with thousands separators: 6581231.0 -> '6,581,231',
    4.14 -> '4.14'; ``-`` when missing."""
    return fmt(value, published_decimals([value]))


def warn(warnings: Iterable[str]) -> None:
    """Print each warning on its own stderr line."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def table(rows: Iterable[Sequence[str]], header: Sequence[str], align_right: Iterable[int] = ()) -> str:
    """A plain-text table with a header rule."""
    rows = [list(map(str, r)) for r in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]
    right = set(align_right)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line([str(h) for h in header]), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)
