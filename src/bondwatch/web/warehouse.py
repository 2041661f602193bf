"""The warehouse as the server reads it: one read-only DuckDB instance per file generation.

Opening a DuckDB file costs about 20 ms (catalog load), more than answering a request. DuckDB
reuses an open database instance for every ``connect`` to the same path, so the server keeps one
read-only "keeper" connection open and the service functions' own connects cost ~0.3 ms.

An update replaces the file by atomic rename, but DuckDB's instance cache is keyed by path: while
any connection to the old instance lives, connecting to the path would return the old data. So
each generation (inode) of the file is opened under its own name: a hard link
``.<file>.web-<pid>-<n>`` beside the warehouse, held open by a keeper connection. A request reads
through :meth:`WarehouseFile.reading`, which gives the name of the current generation (one
``stat`` per request) and holds that generation until the request ends; a generation that is no
longer current is closed and its link removed when its last request ends. Links left by a killed
server (dead pid) are removed at start. Where hard links fail (another file system), the path
itself is used and an update becomes visible once no request holds a connection.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(eq=False)
class _Generation:
    key: tuple[int, int]  # (device, inode) of the file this generation reads
    name: str  # the path to pass to the service functions
    keeper: duckdb.DuckDBPyConnection
    readers: int = 0


class WarehouseFile:
    """The generations of one warehouse file, each open while current or read."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._live: set[_Generation] = set()
        self._opened = 0
        self._remove_stale_links()

    def _remove_stale_links(self) -> None:
        for link in self.path.parent.glob(f".{self.path.name}.web-*"):
            pid = link.name.rsplit("-", 2)[-2]
            # a link of this pid is an earlier server's that had the same pid (after a restart)
            if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
                link.unlink(missing_ok=True)

    @contextmanager
    def reading(self) -> Iterator[tuple[str, tuple[int, int] | None]]:
        """The path to read for one request and its generation's identity (device, inode), for
        keys of cached answers: the current generation, held until the block ends."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            yield str(self.path), None  # the service layer raises its clear NotFoundError
            return
        with self._lock:
            generation = self._current
            if generation is None or generation.key != (stat.st_dev, stat.st_ino):
                generation = self._open_generation()
            generation.readers += 1
        try:
            yield generation.name, generation.key
        finally:
            with self._lock:
                generation.readers -= 1
                if generation is not self._current and generation.readers == 0:
                    self._retire(generation)

    def _open_generation(self) -> _Generation:
        self._opened += 1
        link = self.path.with_name(f".{self.path.name}.web-{os.getpid()}-{self._opened}")
        try:
            os.link(self.path, link)
        except OSError:  # no hard links here: read the file itself
            link = self.path
            if self._current is not None and self._current.name == str(link):
                # DuckDB shares one open database per path: close the old one first, or the new
                # connection would get the replaced file's data
                previous, self._current = self._current, None
                self._retire(previous)
        try:
            stat = os.stat(link)
            keeper = duckdb.connect(str(link), read_only=True)
        except BaseException:
            _remove(link, self.path)
            raise
        generation = _Generation((stat.st_dev, stat.st_ino), str(link), keeper)
        previous, self._current = self._current, generation
        self._live.add(generation)
        if previous is not None and previous.readers == 0:
            self._retire(previous)
        return generation

    def _retire(self, generation: _Generation) -> None:
        if generation in self._live:
            self._live.discard(generation)
            generation.keeper.close()
            _remove(Path(generation.name), self.path)

    def close(self) -> None:
        """Close every generation and remove its link (at server shutdown)."""
        with self._lock:
            for generation in list(self._live):
                self._retire(generation)
            self._current = None


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
