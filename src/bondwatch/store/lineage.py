"""Which imports stored given rows: provenance lookups for the result type's sources.

Every stored row carries ``provenance_id``; these queries return the ids behind a selection of
rows and the provenance records themselves. Table and column names come only from
:data:`LINEAGE_KEYS` (never from user input); values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bondwatch.store import Warehouse

# table -> the columns a selection may filter on
LINEAGE_KEYS: dict[str, tuple[str, ...]] = {
    "auction_results": ("tenor", "cusip", "auction_date"),
    "yield_curves": ("curve", "date", "tenor_years"),
    "series": ("series_id", "date"),
    "tic_holdings": ("country", "month"),
    "allotments": ("tenor", "cusip"),
    "weo": ("vintage", "iso"),
    "trade_goods": ("partner_code", "month"),
    "jgb_auction_results": ("tenor", "auction_date"),
}
PROVENANCE_COLUMNS = (
    "id", "dataset", "source", "location", "vintage", "rows", "retrieved_at", "imported_at", "checksum",
)


@dataclass(frozen=True)
class Rows:
    """A selection of stored rows: ``table``'s rows whose columns equal ``equal`` and whose
    ``date_column`` lies in [since, until] (either end open when None)."""

    table: str
    equal: dict[str, Any] = field(default_factory=dict)
    date_column: str | None = None
    since: date | None = None
    until: date | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """``SELECT DISTINCT provenance_id`` of the selection, with its parameters."""
        allowed = LINEAGE_KEYS[self.table]
        clauses, params = [], []
        for column, value in self.equal.items():
            if column not in allowed:
                raise KeyError(f"{self.table}.{column} is not a lineage key")
            clauses.append(f'"{column}" = ?')
            params.append(value)
        if self.date_column is not None:
            if self.date_column not in allowed:
                raise KeyError(f"{self.table}.{self.date_column} is not a lineage key")
            column = self.date_column
            clauses.append(f'(?::DATE IS NULL OR "{column}" >= ?) AND (?::DATE IS NULL OR "{column}" <= ?)')
            params += [self.since, self.since, self.until, self.until]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        return f"SELECT DISTINCT provenance_id FROM {self.table}{where}", params


def provenance_ids(wh: Warehouse, selections: Sequence[Rows]) -> list[set[int]]:
    """Provenance ids behind each selection (empty for a table the warehouse lacks), in one query."""
    if not selections:
        return []
    tables = sorted({s.table for s in selections})
    marks = ", ".join("?" for _ in tables)
    held = {r[0] for r in wh.rows(f"SELECT table_name FROM information_schema.tables WHERE table_name IN ({marks})",
                                  tables)}
    parts, params = [], []
    for index, selection in enumerate(selections):
        if selection.table in held:
            sql, values = selection.sql()
            parts.append(f"SELECT {index} AS selection, provenance_id FROM ({sql})")
            params += values
    found: list[set[int]] = [set() for _ in selections]
    if parts:
        for index, pid in wh.rows(" UNION ALL ".join(parts), params):
            found[index].add(int(pid))
    return found


def provenance_records(wh: Warehouse, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Provenance rows (all, or those with ``ids``), oldest first, as dicts of :data:`PROVENANCE_COLUMNS`."""
    columns = ", ".join(PROVENANCE_COLUMNS)
    if ids is None:
        rows = wh.rows(f"SELECT {columns} FROM provenance ORDER BY id")
    else:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        rows = wh.rows(f"SELECT {columns} FROM provenance WHERE list_contains(?, id) ORDER BY id", [wanted])
    return [dict(zip(PROVENANCE_COLUMNS, r)) for r in rows]
