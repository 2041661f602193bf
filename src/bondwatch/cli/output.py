"""Rendering for the CLI: readable tables, JSON and CSV, without pandas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import click


def emit_json(payload: Any) -> None:
    """Print JSON (NaN becomes null)."""
    click.echo(json.dumps(payload, indent=2, default=str, allow_nan=False))


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as CSV with the given columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    click.echo(buffer.getvalue(), nl=False)


def fmt(value: Any, digits: int = 2, suffix: str = "") -> str:
    """A number for a table cell; blanks for missing values."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}{suffix}"
    return str(value)


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
