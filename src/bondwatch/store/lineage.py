"""Which imports stored given rows: provenance lookups for the result type's sources.

Every stored row carries ``provenance_id``; these queries return the ids behind a selection of
rows and the provenance records themselves. Table and column names come only from
:data:`LINEAGE_KEYS` (never from user input); values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
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
}
PROVENANCE_COLUMNS = (
    "id", "dataset", "source", "location", "vintage", "rows", "retrieved_at", "imported_at", "checksum",
)


def provenance_ids(
    wh: Warehouse,
    table: str,
    equal: dict[str, Any] | None = None,
    *,
    date_column: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> set[int]:
    """Provenance ids of the rows of ``table`` whose columns equal ``equal`` and whose
    ``date_column`` lies in [since, until] (either end open when None)."""
    allowed = LINEAGE_KEYS[table]
    clauses, params = [], []
    for column, value in (equal or {}).items():
        if column not in allowed:
            raise KeyError(f"{table}.{column} is not a lineage key")
        clauses.append(f'"{column}" = ?')
        params.append(value)
    if date_column is not None:
        if date_column not in allowed:
            raise KeyError(f"{table}.{date_column} is not a lineage key")
        clauses.append(f'(?::DATE IS NULL OR "{date_column}" >= ?) AND (?::DATE IS NULL OR "{date_column}" <= ?)')
        params += [since, since, until, until]
    if not wh.has_table(table):
        return set()
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return {int(r[0]) for r in wh.rows(f"SELECT DISTINCT provenance_id FROM {table}{where}", params)}


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
