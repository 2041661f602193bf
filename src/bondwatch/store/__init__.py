"""The warehouse: one embedded DuckDB file with atomic, idempotent imports and provenance.

Reads open the file read-only. Writes go through :func:`writing`, which

1. takes an exclusive lock (``bondwatch.lock`` beside the file) so that updates never overlap;
2. copies the current file to a temporary file in the same directory and writes there;
3. checkpoints, fsyncs and atomically renames the temporary file over the warehouse.

A failed, interrupted or killed update therefore leaves the previous warehouse exactly as it
was and readable at every moment; readers never wait for writers. A leftover temporary file
from a killed update is removed by the next update.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from bondwatch import paths
from bondwatch.errors import NotFoundError, WarehouseBusyError
from bondwatch.store.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd

TEMP_SUFFIX = ".updating"


class Warehouse:
    """A read-only view of the warehouse file."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else paths.warehouse_path()
        if not self.path.exists():
            raise NotFoundError(
                f"no warehouse at {self.path}: run `bondwatch update --from auto` "
                "(offline mirror) or `bondwatch update` (official APIs) first"
            )
        self.con = duckdb.connect(str(self.path), read_only=True)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query and return plain tuples (no pandas import)."""
        return self.con.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query and return a pandas DataFrame."""
        return self.con.execute(sql, list(params)).df()

    def has_table(self, table: str) -> bool:
        """Whether the warehouse has this table (older files may lack newer tables)."""
        found = self.rows(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        )
        return bool(found[0][0])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class ImportRecord:
    """What one import of one file or response did."""

    dataset: str
    location: str
    rows: int
    status: str  # 'imported' | 'unchanged'
    provenance_id: int | None = None


class Writer:
    """A write connection on the temporary copy, used inside :func:`writing`.

    Provenance rows are collected and inserted together (before any read through
    :meth:`frame` and before the commit): one statement instead of two per imported file.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._next_id: int | None = None
        self._pending_provenance: list[list[Any]] = []

    def dataset_inputs(self, dataset: str) -> str | None:
        """The ``inputs_sha256`` of the files ``dataset``'s stored rows come from (see
        :meth:`set_dataset_inputs`), or None if no import recorded it."""
        found = self.con.execute("SELECT inputs_sha256 FROM dataset_state WHERE dataset = ?", [dataset]).fetchall()
        return found[0][0] if found else None

    def set_dataset_inputs(self, dataset: str, inputs_sha256: str, files: int) -> None:
        """Record that ``dataset``'s stored rows now come from the ``files`` files whose
        checksums hash to ``inputs_sha256``."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("DELETE FROM dataset_state WHERE dataset = ?", [dataset])
        self.con.execute("INSERT INTO dataset_state VALUES (?, ?, ?, ?)", [dataset, inputs_sha256, files, now])

    def record_provenance(
        self,
        *,
        dataset: str,
        source: str,
        location: str,
        checksum: str,
        rows: int,
        vintage: str | None,
        retrieved_at: datetime,
    ) -> int:
        """Add a provenance row and return its id."""
        if self._next_id is None:
            self._next_id = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM provenance").fetchall()[0][0]
        pid = self._next_id
        self._next_id += 1
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        retrieved = retrieved_at.astimezone(timezone.utc).replace(tzinfo=None)
        self._pending_provenance.append([pid, dataset, source, location, retrieved, now, vintage, rows, checksum])
        return pid

    def flush_provenance(self) -> None:
        """Insert the provenance rows recorded since the last flush."""
        if self._pending_provenance:
            self.con.executemany("INSERT INTO provenance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self._pending_provenance)
            self._pending_provenance.clear()

    def upsert(self, table: str, frame: pd.DataFrame, key: Sequence[str]) -> int:
        """Insert rows, replacing stored rows with the same ``key`` (the table's unique key, see
        :mod:`bondwatch.store.schema`); of incoming rows sharing a key the last wins. Columns are
        matched by name. Returns the number of rows written."""
        if frame.empty:
            return 0
        frame = frame.drop_duplicates(list(key), keep="last")
        self.con.register("_incoming", frame)
        try:
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            keys = " AND ".join(f't."{k}" = i."{k}"' for k in key)
            self.con.execute(f"DELETE FROM {table} t USING _incoming i WHERE {keys}")
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            self.con.unregister("_incoming")
        return len(frame)

    def replace_table(self, table: str, frame: pd.DataFrame) -> None:
        """Replace the whole content of a derived table."""
        self.con.execute(f"DELETE FROM {table}")
        if not frame.empty:
            self.con.register("_incoming", frame)
            try:
                cols = ", ".join(f'"{c}"' for c in frame.columns)
                self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
            finally:
                self.con.unregister("_incoming")

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query on the data written so far and return a pandas DataFrame."""
        self.flush_provenance()
        return self.con.execute(sql, list(params)).df()


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that does not exist yet."""
    for ddl in TABLES.values():
        con.execute(ddl)


@contextmanager
def writing(path: Path | str | None = None) -> Iterator[Writer]:
    """Open the warehouse for an atomic update (see the module docstring)."""
    target = Path(path) if path else paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(target.name + ".lock")
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusyError(
                f"another bondwatch update is writing {target}; try again when it has finished"
            ) from None
        temp = target.with_name(target.name + TEMP_SUFFIX)
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if target.exists():
            shutil.copyfile(target, temp)
        con = duckdb.connect(str(temp))
        try:
            create_schema(con)
            con.execute("BEGIN TRANSACTION")
            writer = Writer(con)
            yield writer
            writer.flush_provenance()
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(temp, target)
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            con.close()
            temp.unlink(missing_ok=True)
            raise
