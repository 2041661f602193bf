"""Rendering for the CLI: readable tables, JSON and CSV, without pandas.

A command with a :class:`bondwatch.result.Result` prints its JSON or CSV (:func:`emit_result`);
other JSON and CSV round numbers the same way (:func:`bondwatch.result.jsonable`): each column to
the precision its publisher prints, NaN and infinity as null (JSON) or an empty field (CSV).
Tables print a missing value as ``-``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import click

from bondwatch.result import Result, jsonable, published

MISSING = "-"  # a missing number in a readable table


def emit_result(result: Result, as_json: bool, as_csv: bool, table: str | None = None) -> bool:
    """Print ``result`` as its JSON document (the REST API's body) or one of its tables as CSV
    (``table``: a secondary table; default the primary one) if asked; whether it did."""
    if as_json:
        click.echo(result.to_json())
    elif as_csv:
        click.echo(result.to_csv(table), nl=False)
    return as_json or as_csv


def emit_json(payload: Any) -> None:
    """Print JSON, every number as published (see :func:`bondwatch.result.jsonable`)."""
    click.echo(json.dumps(jsonable(payload), indent=2, default=str, allow_nan=False))


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as CSV with the given columns, every number as published (see :func:`bondwatch.result.jsonable`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cleaned = {c: jsonable(row.get(c), c) for c in columns}
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
    exponents = [Decimal(repr(published(float(v)))).normalize().as_tuple().exponent for v in values if not _missing(v)]
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
