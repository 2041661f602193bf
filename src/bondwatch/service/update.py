"""Fill the warehouse: from the official APIs (live) or from a folder of their files (offline mirror).

All rows of an update go in one atomic write (:func:`bondwatch.store.writing`): if any file
fails to parse, nothing is stored. A file whose exact bytes were imported before is skipped,
so importing the same folder twice changes nothing.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from bondwatch import paths, store
from bondwatch.errors import UsageError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.formats import checksum
from bondwatch.sources.registry import DATASETS, DERIVED, Dataset, rebuild_function

if TYPE_CHECKING:
    import httpx
    import pandas as pd

WORKER_TIMEOUT_S = 120.0  # a parse worker not done within this is stopped and its files parsed here


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
    """The files of ``root`` that belong to each dataset, in a stable order."""
    found: list[tuple[Dataset, Path]] = []
    for dataset in datasets:
        for pattern in dataset.mirror_globs:
            found.extend((dataset, p) for p in sorted(root.glob(pattern)) if p.is_file())
    return found


def _read_mirror(dataset: Dataset, path: Path) -> Fetched:
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, tz=timezone.utc)
    return Fetched(location=str(path), data=path.read_bytes(), retrieved_at=mtime)


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
    """``None`` for live; 'auto' for the mirror if one is found (else live); else that folder."""
    if from_dir is None:
        return None
    if str(from_dir) == "auto":
        return paths.find_mirror()
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
) -> pd.DataFrame:
    """Import datasets live (``from_dir=None``), from a mirror folder, or ``'auto'``.

    Returns one row per file or response: dataset, location, rows, status ('imported' or
    'unchanged'). Nothing is written unless every file parsed.
    """

    datasets = select_datasets(only)
    root = resolve_source(from_dir)
    batches: list[tuple[Dataset, Fetched]] = []
    if root is not None:
        batches = [(d, _read_mirror(d, p)) for d, p in mirror_files(root, datasets)]
        if not batches:
            raise UsageError(f"--from {root}: no files of a known dataset (see the README, 'Offline mirror')")
    else:
        for dataset in datasets:
            batches.extend((dataset, f) for f in _fetch_live(dataset, client))

    return import_batches(batches, warehouse=warehouse)


def import_batches(
    batches: list[tuple[Dataset, Fetched]], *, warehouse: str | Path | None = None
) -> pd.DataFrame:
    """Parse every batch, write them all in one atomic update and rebuild derived tables.

    Nothing reaches the warehouse unless every file parsed: rows go to the temporary copy of
    :func:`bondwatch.store.writing`, which any failure discards. The datasets holding the
    second half of the bytes are parsed by a worker process (:func:`_parsed_elsewhere`) while
    this one parses the first half and writes it. Rows of one dataset's files are merged per
    table and written with one upsert (a later file wins on a shared key). Returns one row per
    batch: dataset, location, rows, status ('imported' | 'unchanged').
    """
    import pandas as pd

    groups = [(dataset, [f for _, f in group]) for dataset, group in groupby(batches, key=lambda b: b[0])]
    cut = _half_of_the_bytes(groups)
    records: list[store.ImportRecord] = []
    changed: set[str] = set()
    with _cyclic_gc_paused(), _parsed_elsewhere(groups[cut:]) as later:
        here = _parse_groups(groups[:cut])
        with store.writing(warehouse) as writer:
            for part, results in ((groups[:cut], here), (groups[cut:], None)):
                # the worker's results are waited for once the first half is written
                for (dataset, files), parsed in zip(part, later() if results is None else results):
                    pending: dict[tuple[str, tuple[str, ...]], list[pd.DataFrame]] = {}
                    records += [_record_import(writer, dataset, f, r, pending) for f, r in zip(files, parsed)]
                    changed |= _write_pending(writer, pending)
            for table, target, reads in DERIVED:
                if changed & reads:
                    rebuild_function(target)(writer)
    return pd.DataFrame([r.__dict__ for r in records])


def _parse_groups(groups: list[tuple[Dataset, list[Fetched]]]) -> list[list[Parsed]]:
    """Each dataset's files parsed, in order."""
    return [[dataset.parse_function()(f.data, f.location) for f in files] for dataset, files in groups]


def _half_of_the_bytes(groups: list[tuple[Dataset, list[Fetched]]]) -> int:
    """How many leading datasets hold at most half of all the bytes (at least one)."""
    sizes = [sum(len(f.data) for f in files) for _, files in groups]
    total, running = sum(sizes), 0
    for count, size in enumerate(sizes):
        running += size
        if running > total / 2:
            return max(count, 1)
    return len(groups)


@contextmanager
def _parsed_elsewhere(groups: list[tuple[Dataset, list[Fetched]]]) -> Iterator[Callable[[], list[list[Parsed]]]]:
    """Start parsing ``groups`` in a forked worker process and yield a function that returns
    the results (as :func:`_parse_groups`; call it once).

    Parsers are pure (bytes in, frames out), so a forked copy of this process runs them with
    nothing to set up or to send, on the second CPU, and hands back the pickled results through
    a pipe. Only on Linux with two or more CPUs, and unless ``BONDWATCH_PARSE_WORKER=0``. If the
    worker cannot start or fails in any way (a file that does not parse, a crash, no answer
    within WORKER_TIMEOUT_S), the groups are parsed here instead, so errors are raised exactly
    as without a worker. Leaving the block stops a worker still running.
    """
    def in_process() -> list[list[Parsed]]:
        return _parse_groups(groups)

    worker = None
    if groups and sys.platform == "linux" and (os.cpu_count() or 1) > 1 \
            and os.environ.get("BONDWATCH_PARSE_WORKER") != "0":
        worker = _start_worker(groups)
    if worker is None:
        yield in_process
        return
    pid, readable = worker
    reaped = False

    def results() -> list[list[Parsed]]:
        import pickle

        nonlocal reaped
        data = _read_until_closed(readable, WORKER_TIMEOUT_S)
        _reap(pid, kill=data is None)  # done (it closed the pipe), or no answer in time
        reaped = True
        try:
            return pickle.loads(data or b"")
        except Exception:  # no answer, or only part of one: the worker failed
            return in_process()

    try:
        yield results
    finally:
        os.close(readable)
        if not reaped:  # this process failed or stopped first
            _reap(pid, kill=True)


def _start_worker(groups: list[tuple[Dataset, list[Fetched]]]) -> tuple[int, int] | None:
    """Fork a process that parses ``groups`` and writes the pickled results to a pipe; returns
    (its pid, the pipe's read end), or None if no process could be started."""
    import pickle

    try:
        readable, writable = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # no process to be had (process limits, memory)
        os.close(readable)
        os.close(writable)
        return None
    if pid == 0:  # the worker: parse, send and leave, without the parent's exit handlers
        status = 1
        try:
            signal.alarm(int(WORKER_TIMEOUT_S) + 1)  # never outlive the parent's wait
            _close_descriptors_but(writable)
            with os.fdopen(writable, "wb") as pipe:
                pickle.dump(_parse_groups(groups), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    return pid, readable


def _close_descriptors_but(keep: int) -> None:
    """Close every open file descriptor above stderr except ``keep`` (Linux: /proc/self/fd), so
    that a worker holds no pipe or file of the parent's open."""
    for name in os.listdir("/proc/self/fd"):
        if int(name) > 2 and int(name) != keep:
            try:
                os.close(int(name))
            except OSError:  # the descriptor listdir itself used
                pass


def _reap(pid: int, *, kill: bool) -> None:
    """Wait for the worker ``pid`` to end (killing it first if ``kill``), unless someone else
    reaped it already (a host program that ignores SIGCHLD or reaps its children itself)."""
    try:
        if kill:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _read_until_closed(fd: int, timeout_s: float) -> bytes | None:
    """Everything written to the pipe ``fd`` until its writer closes it, or None if that has
    not happened within ``timeout_s`` seconds."""
    import select
    import time

    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


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
    result: Parsed,
    pending: dict[tuple[str, tuple[str, ...]], list[pd.DataFrame]],
) -> store.ImportRecord:
    """Record provenance for one parsed file and queue its rows in ``pending`` (unless these
    exact bytes were imported before)."""
    digest = checksum(fetched.data)
    parts = [result, *result.extra]
    rows = sum(len(p.frame) for p in parts)
    if writer.already_imported(dataset.name, digest) is not None:
        return store.ImportRecord(dataset.name, fetched.location, rows, "unchanged")
    provenance_id = writer.record_provenance(
        dataset=dataset.name,
        source=dataset.source,
        location=fetched.location,
        checksum=digest,
        rows=rows,
        vintage=result.vintage,
        retrieved_at=result.retrieved_at or fetched.retrieved_at,
    )
    for part in parts:
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
