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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from bondwatch import paths
from bondwatch.errors import NotFoundError, WarehouseBusyError, WarehouseError, first_line, os_reason
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
        self.con = _connect(self.path, read_only=True)

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

    def drop_rows_from(self, dataset: str, location: str, tables: set[str]) -> None:
        """Delete the rows of ``tables`` that earlier imports of ``location`` for ``dataset``
        stored (provenance recorded in this update is not in the table yet, so it is spared)."""
        for table in sorted(tables):
            self.con.execute(
                f"DELETE FROM {table} WHERE provenance_id IN "
                "(SELECT id FROM provenance WHERE dataset = ? AND location = ?)",
                [dataset, location],
            )

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
            with suppress(duckdb.Error):  # after a failed statement, the aborted transaction refuses this too
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
                with suppress(duckdb.Error):  # as in upsert
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
    """Open the warehouse for an atomic update (see the module docstring).

    Whatever fails or interrupts the update (a bad file, Ctrl-C, a full disk), the temporary
    copy and its ``.wal`` are removed. Failures of the file system or of DuckDB's file I/O (a
    full disk, a read-only folder) raise :class:`WarehouseError` naming the warehouse.
    """
    target = Path(path) if path else paths.warehouse_path()
    temp = target.with_name(target.name + TEMP_SUFFIX)
    leftovers = (temp, temp.with_name(temp.name + ".wal"))
    with _locked(target):
        con = None
        replaced = False
        try:
            _remove(leftovers)
            if target.exists():
                shutil.copyfile(target, temp)
            con = _connect(temp, shown=target)
            create_schema(con)
            con.execute("BEGIN TRANSACTION")
            writer = Writer(con)
            yield writer
            writer.flush_provenance()
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            _fsync(temp)
            os.replace(temp, target)
            replaced = True
            _fsync(target.parent)
        except BaseException as exc:
            if con is not None:
                with suppress(duckdb.Error):
                    con.close()
            _remove(leftovers)
            if isinstance(exc, (OSError, duckdb.IOException)):
                reason = os_reason(exc) if isinstance(exc, OSError) else first_line(exc)
                outcome = "written, but not yet synced to disk" if replaced else "unchanged"
                raise WarehouseError(f"cannot write the warehouse {target}: {reason}; it is {outcome}") from None
            raise


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the exclusive update lock (``<warehouse>.lock``), creating the folder if needed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.with_name(target.name + ".lock"), "a+")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise WarehouseError(f"cannot write in the warehouse folder {target.parent}: {os_reason(exc)}") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusyError(
                f"another bondwatch update is writing {target}; try again when it has finished"
            ) from None
        yield


def _connect(path: Path, *, read_only: bool = False, shown: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file ``path``; if it cannot be opened or is not a DuckDB database (empty,
    corrupt), raise WarehouseError naming ``shown`` (the warehouse, for its temporary copy)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        name = shown or path
        if "not a valid DuckDB database" in str(exc):
            raise WarehouseError(
                f"{name} is not a DuckDB database file (empty or corrupt): move it away, then run "
                "`bondwatch update` to build a new warehouse"
            ) from None
        raise WarehouseError(f"cannot open the warehouse {name}: {first_line(exc)}") from None


def _fsync(path: Path) -> None:
    """Flush a file or a folder (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(files: tuple[Path, ...]) -> None:
    for path in files:
        path.unlink(missing_ok=True)
