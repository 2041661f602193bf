"""The warehouse as the server reads it: one read-only DuckDB instance per file generation.

Opening a DuckDB file costs about 20 ms (catalog load), more than answering a request. DuckDB
reuses an open database instance for every ``connect`` to the same path, so the server keeps one
read-only "keeper" connection open and the service functions' own connects cost ~0.3 ms.

An update replaces the file by atomic rename, but DuckDB's instance cache is keyed by path: while
any connection to the old instance lives, connecting to the path would return the old data. So
each generation (inode) of the file is opened under its own name: a hard link
``.<file>.web-<pid>-<n>`` beside the warehouse, held open by a keeper connection. Requests use the
name of the current generation (:meth:`WarehouseFile.current`, one ``stat`` per request). The
previous generation's keeper and link are removed only when a newer generation arrives, so a
request that started on it finishes; links left by a killed server (dead pid) are removed at
start. Where hard links fail (another file system), the path itself is used and an update becomes
visible once no request holds a connection.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass
class _Generation:
    key: tuple[int, int]  # (device, inode) of the file this generation reads
    name: str  # the path to pass to the service functions
    keeper: duckdb.DuckDBPyConnection


class WarehouseFile:
    """The path a request should read: the current generation of the warehouse file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._previous: _Generation | None = None
        self._opened = 0
        self._remove_stale_links()

    def _remove_stale_links(self) -> None:
        for link in self.path.parent.glob(f".{self.path.name}.web-*"):
            pid = link.name.rsplit("-", 2)[-2]
            if pid.isdigit() and not _alive(int(pid)):
                link.unlink(missing_ok=True)

    def current(self) -> str:
        """Path of the current generation (opening it if the file was replaced since the last call)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return str(self.path)  # the service layer raises its clear NotFoundError
        current = self._current
        if current is not None and current.key == (stat.st_dev, stat.st_ino):
            return current.name
        with self._lock:
            current = self._current
            if current is None or current.key != (stat.st_dev, stat.st_ino):
                current = self._open_generation()
            return current.name

    def _open_generation(self) -> _Generation:
        self._opened += 1
        link = self.path.with_name(f".{self.path.name}.web-{os.getpid()}-{self._opened}")
        try:
            os.link(self.path, link)
        except OSError:
            link = self.path
        try:
            stat = os.stat(link)
            keeper = duckdb.connect(str(link), read_only=True)
        except BaseException:
            _remove(link, self.path)
            raise
        generation = _Generation((stat.st_dev, stat.st_ino), str(link), keeper)
        if self._previous is not None:
            self._retire(self._previous)
        self._previous, self._current = self._current, generation
        return generation

    def _retire(self, generation: _Generation) -> None:
        generation.keeper.close()
        _remove(Path(generation.name), self.path)

    def close(self) -> None:
        """Close the keepers (at server shutdown)."""
        with self._lock:
            for generation in (self._previous, self._current):
                if generation is not None:
                    self._retire(generation)
            self._previous = self._current = None


def _remove(link: Path, warehouse: Path) -> None:
    if link != warehouse:
        link.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
