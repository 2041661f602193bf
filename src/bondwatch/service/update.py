"""Fill the warehouse: from the official APIs (live) or from a folder of their files (offline mirror).

All rows of an update go in one atomic write (:func:`bondwatch.store.writing`): if any file
fails to parse, nothing is stored. A dataset whose stored rows come from exactly the files
given (same bytes, same order) is skipped, so importing the same folder twice changes nothing;
any other change, including restoring a file imported long ago, imports the dataset's files
again (``force=True`` does so always).
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from bondwatch import paths, store
from bondwatch.errors import BondwatchError, DataFormatError, UsageError, first_line, os_reason
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.formats import checksum
from bondwatch.sources.registry import DATASETS, DERIVED, Dataset, rebuild_function

if TYPE_CHECKING:
    import httpx
    import pandas as pd


def select_datasets(only: list[str] | None) -> list[Dataset]:
    """Datasets named in ``only`` (full names or their publisher prefix), or all of them."""
    if not only:
        return list(DATASETS)
    chosen = [d for d in DATASETS if d.name in only or d.name.split(".")[0] in only]
    unknown = [n for n in only if not any(n in (d.name, d.name.split(".")[0]) for d in DATASETS)]
    if unknown:
        known = ", ".join(d.name for d in DATASETS)
        raise UsageError(f"unknown dataset {unknown[0]!r}; known datasets: {known}")
    return chosen


def mirror_files(root: Path, datasets: list[Dataset]) -> list[tuple[Dataset, Path]]:
    """The files of ``root`` that belong to each dataset, in a stable order (see
    :meth:`Dataset.mirror_files`: an unreadable folder is refused, not skipped)."""
    return [(dataset, path) for dataset in datasets for path in dataset.mirror_files(root)]


def _read_mirror(dataset: Dataset, path: Path) -> Fetched:
    try:
        mtime = datetime.fromtimestamp(os.stat(path).st_mtime, tz=timezone.utc)
        return Fetched(location=str(path), data=path.read_bytes(), retrieved_at=mtime, whole_file=True)
    except OSError as exc:
        raise UsageError(f"{dataset.name}: cannot read {path}: {os_reason(exc)}") from None


def _fetch_live(dataset: Dataset, client: httpx.Client | None) -> list[Fetched]:
    fetch = dataset.fetch_function()
    if fetch is None:
        return []
    from bondwatch import http

    owned = client is None
    client = client or http.make_client()
    try:
        return list(fetch(client))
    finally:
        if owned:
            client.close()


def resolve_source(from_dir: str | Path | None) -> Path | None:
    """``None`` for live; 'auto' for the mirror if one is found (else live, see
    :func:`bondwatch.paths.find_mirror`); else that folder, which must exist."""
    if from_dir is None:
        return None
    if str(from_dir) == "auto":
        return paths.find_mirror()
    if not str(from_dir).strip():
        raise UsageError("--from '': expected a folder or 'auto' (leave --from out for the official APIs)")
    root = Path(from_dir).expanduser()
    if not root.is_dir():
        raise UsageError(f"--from {from_dir}: no such folder")
    return root


def update(
    from_dir: str | Path | None = None,
    *,
    only: list[str] | None = None,
    client: httpx.Client | None = None,
    warehouse: str | Path | None = None,
    force: bool = False,
) -> pd.DataFrame:
    """Import datasets live (``from_dir=None``), from a mirror folder, or ``'auto'``.

    Returns one row per file or response: dataset, location, rows, status ('imported' or
    'unchanged'). Nothing is written unless every file parsed. ``force`` imports every
    dataset again even where its stored rows come from exactly these files. Live requests
    end within the deadlines of :mod:`bondwatch.http` (per request and per update).
    """

    datasets = select_datasets(only)
    root = resolve_source(from_dir)
    batches: list[tuple[Dataset, Fetched]] = []
    if root is not None:
        batches = [(d, _read_mirror(d, p)) for d, p in mirror_files(root, datasets)]
        if not batches:
            raise UsageError(f"--from {root}: no files of a known dataset (see the README, 'Offline mirror')")
    else:
        from bondwatch import http

        with http.deadline():  # $BONDWATCH_UPDATE_DEADLINE over all requests
            for dataset in datasets:
                batches.extend((dataset, f) for f in _fetch_live(dataset, client))

    return import_batches(batches, warehouse=warehouse, force=force)


def import_batches(
    batches: list[tuple[Dataset, Fetched]], *, warehouse: str | Path | None = None, force: bool = False
) -> pd.DataFrame:
    """Parse every batch, write them all in one atomic update and rebuild derived tables.

    Every file is parsed before the warehouse is opened, and rows go to the temporary copy of
    :func:`bondwatch.store.writing`, which any failure discards: nothing reaches the warehouse
    unless every file parsed and every row is in. A dataset whose stored rows come from exactly
    these files (the same bytes in the same order, :func:`inputs_sha256`) is skipped as
    'unchanged' unless ``force``; otherwise all its files are imported again, so a restored
    file replaces the rows of a bad one (for mirror files, also drops the keys only the bad
    one had: :func:`_record_import`). Rows of one dataset's files are merged per table and
    written with one upsert (a later file wins on a shared key). Returns one row per batch:
    dataset, location, rows, status ('imported' | 'unchanged').
    """
    import pandas as pd

    groups = [(dataset, [f for _, f in group]) for dataset, group in groupby(batches, key=lambda b: b[0])]
    records: list[store.ImportRecord] = []
    changed: set[str] = set()
    with _cyclic_gc_paused():
        parsed_groups = [[_parse(dataset, f) for f in files] for dataset, files in groups]
        with store.writing(warehouse) as writer:
            for (dataset, files), parsed in zip(groups, parsed_groups):
                digests = [checksum(f.data) for f in files]
                inputs = inputs_sha256(digests)
                if not force and writer.dataset_inputs(dataset.name) == inputs:
                    records += [store.ImportRecord(dataset.name, f.location, _row_count(r), "unchanged")
                                for f, r in zip(files, parsed)]
                    continue
                pending: dict[tuple[str, tuple[str, ...]], list[pd.DataFrame]] = {}
                records += [_record_import(writer, dataset, f, digest, r, pending)
                            for f, digest, r in zip(files, digests, parsed)]
                try:
                    changed |= _write_pending(writer, pending)
                except duckdb.IOException:
                    raise  # the disk, not the data: store.writing reports it
                except duckdb.Error as exc:
                    where = ", ".join(f.location for f in files)
                    raise DataFormatError(dataset.name, where, f"rows do not fit the warehouse: {first_line(exc)}") from None
                writer.set_dataset_inputs(dataset.name, inputs, len(files))
            for _table, target, reads in DERIVED:
                if changed & reads:
                    rebuild_function(target)(writer)
    return pd.DataFrame([r.__dict__ for r in records])


def _parse(dataset: Dataset, fetched: Fetched) -> Parsed:
    """Parse one file with its dataset's parser. Whatever fails, including an exception the
    parser did not foresee (a recursion limit, a csv module error) and rows without their key,
    raises a one-line DataFormatError naming the dataset and the file."""
    try:
        result = dataset.parse_function()(fetched.data, fetched.location)
    except BondwatchError as exc:
        if Path(fetched.location).name in str(exc):
            raise
        raise DataFormatError(dataset.name, fetched.location, str(exc)) from None
    except Exception as exc:  # noqa: BLE001 (the safety net: whatever a parser raises is one line)
        module, kind = type(exc).__module__, type(exc).__qualname__
        problem = f"not in the expected format ({kind if module == 'builtins' else f'{module}.{kind}'}: {first_line(exc)})"
        raise DataFormatError(dataset.name, fetched.location, problem) from None
    for part in (result, *result.extra):
        problem = _unstorable(part)
        if problem:
            raise DataFormatError(dataset.name, fetched.location, problem)
    return result


def _unstorable(part: Parsed) -> str | None:
    """Why ``part``'s rows cannot be stored under their key (a column named twice, key cells
    that are empty), or None."""
    frame = part.frame
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        return f"column {repeated[0]!r} appears twice"
    if frame.empty:
        return None
    for column in part.key:
        if column not in frame.columns:
            return f"no {column!r} column, part of the key of table {part.table}"
        empty = _empty_cells(frame[column])
        if empty.any():
            return f"{int(empty.sum())} row(s) with an empty {column!r}, part of the key of table {part.table}"
    return None


def _empty_cells(cells: pd.Series) -> pd.Series:
    """Which cells are missing or blank text (only spaces); the text is checked once per
    distinct value, so a 160,000-row key column costs a few milliseconds."""
    import pandas as pd

    empty = cells.isna()
    if isinstance(cells.dtype, pd.CategoricalDtype):
        values = cells.cat.categories
    elif pd.api.types.is_string_dtype(cells.dtype):
        values = cells.dropna().unique()
    else:
        return empty
    blanks = [v for v in values if isinstance(v, str) and not v.strip()]
    return empty | cells.isin(blanks) if blanks else empty


def inputs_sha256(digests: list[str]) -> str:
    """One sha256 (hex) for the ordered list of a dataset's file checksums (hex sha256s)."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _row_count(result: Parsed) -> int:
    return sum(len(p.frame) for p in (result, *result.extra))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector: an import allocates millions of short-lived,
    acyclic objects (cells, rows, scorecard dicts) and the collector's passes over them cost
    about a tenth of the import. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _record_import(
    writer: store.Writer,
    dataset: Dataset,
    fetched: Fetched,
    digest: str,
    result: Parsed,
    pending: dict[tuple[str, tuple[str, ...]], list[pd.DataFrame]],
) -> store.ImportRecord:
    """Record provenance for one parsed file (``digest``: sha256 of its bytes) and queue its
    rows in ``pending``. For a whole file, the rows earlier imports of it stored are dropped
    first, so a key only a bad version of the file had does not outlive it."""
    rows = _row_count(result)
    if fetched.whole_file:
        writer.drop_rows_from(dataset.name, fetched.location, {p.table for p in (result, *result.extra)})
    provenance_id = writer.record_provenance(
        dataset=dataset.name,
        source=dataset.source,
        location=fetched.location,
        checksum=digest,
        rows=rows,
        vintage=result.vintage,
        retrieved_at=result.retrieved_at or fetched.retrieved_at,
    )
    for part in (result, *result.extra):
        if not part.frame.empty:
            pending.setdefault((part.table, part.key), []).append(part.frame.assign(provenance_id=provenance_id))
    return store.ImportRecord(dataset.name, fetched.location, rows, "imported", provenance_id)


def _write_pending(writer: store.Writer, pending: dict[tuple[str, tuple[str, ...]], list[pd.DataFrame]]) -> set[str]:
    """Upsert the queued frames, one statement per table and column set; returns the tables written."""
    import pandas as pd

    written: set[str] = set()
    for (table, key), frames in pending.items():
        by_columns: dict[tuple[str, ...], list[pd.DataFrame]] = {}
        for frame in frames:
            by_columns.setdefault(tuple(frame.columns), []).append(frame)
        for same in by_columns.values():
            writer.upsert(table, same[0] if len(same) == 1 else pd.concat(same, ignore_index=True), key)
        written.add(table)
    return written


def status(warehouse: str | Path | None = None) -> pd.DataFrame:
    """What the warehouse holds: one row per import (dataset, location, vintage, rows, times)."""
    with store.Warehouse(warehouse) as wh:
        return wh.frame(
            "SELECT id, dataset, source, location, vintage, rows, retrieved_at, imported_at, "
            "checksum FROM provenance ORDER BY id"
        )


__all__ = ["update", "status"]
