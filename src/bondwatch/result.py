"""One result type for every interface: data, meta and sources, rendered once.

A :class:`Result` holds

* ``data``: the primary table, as records (a list of dicts) or a pandas DataFrame;
* ``tables``: further named tables (for example a sensitivity table beside a model run);
* ``meta``: units, inputs, assumptions, caveats and concept labels;
* ``sources``: a :class:`Source` for each import or document the numbers come from
  (publisher, dataset, file or URL, vintage, retrieval time, provenance id).

:meth:`Result.to_dict` is the one place where values become JSON-safe (:func:`jsonable`): NaN and
infinities become null, NumPy scalars Python numbers, dates ISO text, and every float is rounded to
the precision its publisher prints (:data:`DECIMALS`, by column), other floats to 12 significant
digits (which drops binary float noise such as 4.0649999999999995 without cutting a published
digit). Its layout is versioned by
:data:`SCHEMA_VERSION` and documented in ``docs/api.md``. This module imports pandas only when a
DataFrame is asked for or given, so that the CLI stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1.0"
SIGNIFICANT_DIGITS = 12  # undeclared columns: enough for any published figure, drops float noise
# Decimals of each column as its publisher prints it (units in the service docstrings).
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


@dataclass(frozen=True)
class Source:
    """Where numbers come from: one import of the warehouse, or a document cited by a preset.

    ``provenance_id`` is the id of the row in the warehouse's ``provenance`` table (None for a
    document cited by a preset); ``retrieved_at`` is ISO text in UTC; ``used_for`` says which
    numbers of the result it supports.
    """

    publisher: str
    dataset: str
    location: str
    vintage: str | None = None
    retrieved_at: str | None = None
    provenance_id: int | None = None
    used_for: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def published(value: float, column: str | None = None) -> float | None:
    """A float as published: rounded to ``column``'s :data:`DECIMALS`, else to 12 significant
    digits; None when NaN or infinite."""
    if not math.isfinite(value):
        return None
    value = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return round(value, DECIMALS[column]) if column in DECIMALS else value


def jsonable(value: Any, column: str | None = None) -> Any:
    """``value`` with floats :func:`published` (a mapping's values by their key), NaN/inf as None,
    NumPy scalars as Python numbers and dates as ISO text (recursive)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, column) for v in value]
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return published(value, column)
    if type(value).__name__ in ("NaTType", "NAType"):  # pandas' missing values
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Source):
        return value.to_dict()
    if hasattr(value, "item"):  # NumPy scalar
        return jsonable(value.item(), column)
    return str(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-safe records; datetime columns without a time of day become dates."""
    import pandas as pd

    frame = frame.copy(deep=False)
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series) and series.dt.tz is None:
            times = series.dropna()
            if len(times) and (times == times.dt.normalize()).all():
                frame[column] = series.dt.date
    return jsonable(frame.to_dict("records"))


def _records(table: Any) -> list[dict[str, Any]]:
    if isinstance(table, list):
        return jsonable(table)
    return frame_records(table)


@dataclass
class Result:
    """The answer of one service call (see the module docstring).

    ``kind`` names the command that produced it ('auction', 'curve', ...); ``csv_columns`` the
    columns of the primary table written by :meth:`to_csv` (default: every scalar column).
    """

    kind: str
    data: Any
    meta: dict[str, Any] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    csv_columns: tuple[str, ...] | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """The primary table as a DataFrame (the Python API's view)."""
        import pandas as pd

        return self.data if isinstance(self.data, pd.DataFrame) else pd.DataFrame(self.data)

    def records(self, table: str | None = None) -> list[dict[str, Any]]:
        """JSON-safe records of the primary table, or of the named secondary table."""
        if table is None:
            return _records(self.data)
        if table not in self.tables:
            from bondwatch.errors import UsageError

            raise UsageError(f"table {table!r}: expected one of {', '.join(['data', *self.tables])}")
        return _records(self.tables[table])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: schema_version, kind, meta, sources, data and tables (docs/api.md)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "meta": jsonable(self.meta),
            "sources": [s.to_dict() for s in self.sources],
            "data": self.records(),
            "tables": {name: self.records(name) for name in self.tables},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (never NaN: they are null already)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def to_csv(self, table: str | None = None) -> str:
        """The primary table (or a named one) as CSV; nested values (lists, mappings) are left out."""
        rows = self.records(table if table not in (None, "data") else None)
        if table in (None, "data") and self.csv_columns:
            columns = list(self.csv_columns)
        else:
            columns = [c for c in dict.fromkeys(k for r in rows for k in r)
                       if not any(isinstance(r.get(c), (dict, list)) for r in rows)]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})
        return buffer.getvalue()
