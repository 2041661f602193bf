"""The parse worker of `update`: same warehouse with or without it, and a worker that dies or
hangs falls back to parsing in this process."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from bondwatch import store
from bondwatch.service import update as update_module
from bondwatch.sources import Fetched
from bondwatch.sources.registry import DATASETS
from tests.conftest import need_mirror

TABLES = ("auction_results", "auction_scorecards", "yield_curves", "series", "tic_holdings", "allotments", "weo")


def contents(warehouse) -> dict[str, list[tuple]]:
    """Every row of the data tables, without provenance ids (which follow import order)."""
    with store.Warehouse(warehouse) as wh:
        return {t: wh.rows(f"SELECT * EXCLUDE (provenance_id) FROM {t} ORDER BY ALL") if t != "auction_scorecards"
                else wh.rows("SELECT cusip, auction_date, verdict, card FROM auction_scorecards ORDER BY ALL")
                for t in TABLES}


@pytest.fixture(scope="module")
def without_worker(tmp_path_factory):
    path = tmp_path_factory.mktemp("serial") / "bondwatch.duckdb"
    previous = os.environ.get("BONDWATCH_PARSE_WORKER")
    os.environ["BONDWATCH_PARSE_WORKER"] = "0"
    try:
        update_module.update(from_dir=need_mirror(), warehouse=path)
    finally:
        os.environ.pop("BONDWATCH_PARSE_WORKER") if previous is None else os.environ.update(BONDWATCH_PARSE_WORKER=previous)
    return contents(path)


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="the worker runs on Linux with 2+ CPUs")
def test_the_worker_gives_the_same_warehouse(tmp_path, without_worker, monkeypatch):
    monkeypatch.delenv("BONDWATCH_PARSE_WORKER", raising=False)
    forks = counting_forks(monkeypatch)
    update_module.update(from_dir=need_mirror(), warehouse=tmp_path / "bondwatch.duckdb")
    assert forks == [1] and no_children_left()
    assert contents(tmp_path / "bondwatch.duckdb") == without_worker


def counting_forks(monkeypatch) -> list[int]:
    forks, real_fork = [], os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    return forks


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="the worker runs on Linux with 2+ CPUs")
@pytest.mark.parametrize("failure", ["dies", "hangs"])
def test_a_failed_worker_is_replaced_by_parsing_here(tmp_path, without_worker, monkeypatch, failure):
    parent, real = os.getpid(), update_module._parse_groups

    def parse_groups(groups):
        if os.getpid() != parent:  # in the forked worker
            if failure == "dies":
                os._exit(3)
            time.sleep(60)
        return real(groups)

    monkeypatch.setattr(update_module, "_parse_groups", parse_groups)
    monkeypatch.setattr(update_module, "WORKER_TIMEOUT_S", 1.0)
    monkeypatch.delenv("BONDWATCH_PARSE_WORKER", raising=False)
    forks = counting_forks(monkeypatch)
    start = time.monotonic()
    update_module.update(from_dir=need_mirror(), warehouse=tmp_path / "bondwatch.duckdb")
    assert time.monotonic() - start < 30  # a hung worker is stopped at the timeout, not waited for
    assert forks == [1] and no_children_left()
    assert contents(tmp_path / "bondwatch.duckdb") == without_worker


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="the worker runs on Linux with 2+ CPUs")
def test_a_failure_here_stops_the_worker(tmp_path, monkeypatch):
    parent, real = os.getpid(), update_module._parse_groups

    def parse_groups(groups):
        if os.getpid() != parent:
            time.sleep(60)  # still parsing when this process fails
            return real(groups)
        raise RuntimeError("the first half failed")

    monkeypatch.setattr(update_module, "_parse_groups", parse_groups)
    monkeypatch.delenv("BONDWATCH_PARSE_WORKER", raising=False)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="the first half failed"):
        update_module.update(from_dir=need_mirror(), warehouse=tmp_path / "bondwatch.duckdb")
    assert time.monotonic() - start < 30 and no_children_left()
    assert not (tmp_path / "bondwatch.duckdb").exists()


def test_no_worker_to_be_had_or_reaped_elsewhere(tmp_path, without_worker, monkeypatch):
    monkeypatch.delenv("BONDWATCH_PARSE_WORKER", raising=False)

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    update_module.update(from_dir=need_mirror(), warehouse=tmp_path / "a.duckdb")
    assert contents(tmp_path / "a.duckdb") == without_worker
    monkeypatch.undo()
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the worker itself
    try:
        update_module.update(from_dir=need_mirror(), warehouse=tmp_path / "b.duckdb")
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert contents(tmp_path / "b.duckdb") == without_worker


def test_the_first_datasets_up_to_half_of_the_bytes_stay_here():
    def group(size):
        return DATASETS[0], [Fetched("x", b"x" * size, None)]

    assert update_module._half_of_the_bytes([group(10), group(10), group(10), group(10)]) == 2
    assert update_module._half_of_the_bytes([group(90), group(10)]) == 1  # at least one stays here
    assert update_module._half_of_the_bytes([group(10), group(10), group(80)]) == 2
    assert update_module._half_of_the_bytes([group(5)]) == 1
