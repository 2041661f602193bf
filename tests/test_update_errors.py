"""One-line errors and an untouched warehouse for every input that used to end in a traceback.

Each bad input goes through `bondwatch update --from DIR` (or another command) in-process, on top
of a warehouse holding one good file; the test asserts the exit code, a single error line naming
the file, the warehouse's sha256 unchanged and no temporary copy left (`.updating`, `.updating.wal`).
The fixtures are tiny files in the publishers' formats, so all of this runs without the mirror.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from bondwatch import store
from bondwatch.errors import UsageError
from tests.conftest import need_mirror, run_cli
from tests.test_sources_tic import MFH

PAR = "treasury/par_yield_curve/2025-daily-treasury-rates.csv"
# Daily Treasury Par Yield Curve Rates CSV (yearly download layout), published 2025-06-12 closes
PAR_GOOD = b"Date,1 Mo,10 Yr,30 Yr\n2025-06-12,4.18,4.36,4.84\n"
PAR_NEWER = PAR_GOOD + b"2025-06-11,4.16,4.41,4.91\n"
# compiled TreasuryDirect results table (coupon_auctions_compiled_*.csv layout)
COMPILED_HEADER = (b"date,tenor,term,reopening,cusip,size_bn,high_yield,median_yield,bid_to_cover,"
                   b"dealer_pct,direct_pct,indirect_pct,dispersion_bp\n")
COMPILED_ROW = b"2025-06-12,30-Year,29-Year 11-Month,True,912810UK2,22.0,4.844,4.8,2.43,11.41,23.42,65.16,4.4\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(home: Path) -> list[Path]:
    return sorted(home.glob("*.updating*"))


class Imported:
    """A mirror folder holding PAR_GOOD, imported once into a fresh home."""

    def __init__(self, tmp_path: Path, capsys, monkeypatch):
        self.capsys = capsys
        self.home = tmp_path / "home"
        self.root = tmp_path / "mirror"
        monkeypatch.setenv("BONDWATCH_HOME", str(self.home))
        self.write(PAR, PAR_GOOD)
        code, _, err = run_cli(capsys, "update", "--from", str(self.root))
        assert code == 0, err
        self.warehouse = self.home / "bondwatch.duckdb"
        self.before = digest(self.warehouse)

    def write(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def update(self, *options: str) -> tuple[int, str]:
        """Run `bondwatch update --from ROOT`; returns (exit code, the one error line)."""
        code, _, err = run_cli(self.capsys, "update", "--from", str(self.root), *options)
        lines = [line for line in err.splitlines() if line]
        assert lines[0] == f"importing from {self.root}"
        assert len(lines) == 2 and lines[1].startswith("error: "), err
        return code, lines[1]

    def unchanged(self) -> bool:
        return digest(self.warehouse) == self.before and not leftovers(self.home)


@pytest.fixture
def imported(tmp_path, capsys, monkeypatch) -> Imported:
    return Imported(tmp_path, capsys, monkeypatch)


BAD_INPUTS = {
    "CR-only line ends": (PAR, PAR_NEWER.replace(b"\n", b"\r")),
    "a field over 128 KiB": (PAR, b'Date,1 Mo,10 Yr,30 Yr\n2025-06-12,"' + b"4" * (129 * 1024) + b'",4.36,4.84\n'),
    "an unterminated quote": (PAR, b'Date,1 Mo,10 Yr,30 Yr\n2025-06-12,"4.18,4.36,4.84\n2025-06-11,4.16,4.41,4.91\n'),
    "an empty key cell": ("treasury/auctions/coupon_auctions_compiled_2025.csv",
                          COMPILED_HEADER + COMPILED_ROW + b"," + COMPILED_ROW.split(b",", 1)[1]),
    "malformed BOJ JSON": ("boj/boj_timeseries.json", b'{"STATUS": 200, "RESULTSET": 5}'),
    "a TIC year 99999": ("tic/mfh.txt", MFH.replace("Country               2025", "Country              99999").encode()),
    "a duplicated CSV column": (PAR, b"Date,1 Mo,10 Yr,10 Yr\n2025-06-12,4.18,4.36,4.36\n"),
    "deeply nested JSON": ("boj/boj_timeseries.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
}


@pytest.mark.parametrize("relative, data", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_line_naming_the_file_and_the_warehouse_is_unchanged(imported, relative, data):
    imported.write(relative, data)
    code, error = imported.update()
    assert code == 2
    assert Path(relative).name in error
    assert imported.unchanged()


def test_a_tic_year_99999_is_refused_at_its_line(imported):
    imported.write("tic/mfh.txt", MFH.replace("Country               2025", "Country              99999").encode())
    code, error = imported.update()
    assert code == 2
    assert error.startswith(f"error: TIC major foreign holders: {imported.root / 'tic/mfh.txt'} line ")


def test_an_unforeseen_parser_failure_names_the_dataset_and_the_file(imported, monkeypatch):
    from bondwatch.sources import tic

    def broken(data: bytes, location: str):
        raise ValueError("year 99999 is out of range")

    monkeypatch.setattr(tic, "parse", broken)
    imported.write("tic/mfh.txt", MFH.encode())
    _, error = imported.update()
    assert error == (f"error: tic.major_foreign_holders: {imported.root / 'tic/mfh.txt'}: not in the expected "
                     "format (ValueError: year 99999 is out of range)")


def test_rows_with_an_empty_key_are_refused_before_the_store(imported):
    relative, data = BAD_INPUTS["an empty key cell"]
    imported.write(relative, data)
    _, error = imported.update()
    assert error.endswith("coupon_auctions_compiled_2025.csv: 1 row(s) with an empty 'auction_date', "
                          "part of the key of table auction_results")


def test_rows_the_warehouse_cannot_hold_name_the_dataset_and_its_file(imported, monkeypatch):
    import pandas as pd

    from bondwatch.sources import Parsed, fred

    def parse(data, location):  # a parser letting a mistyped value through
        frame = pd.DataFrame({"series_id": ["DGS30"], "date": [pd.Timestamp("2025-05-21")], "value": ["5.O8"]})
        return Parsed("series", frame, ("series_id", "date"))

    monkeypatch.setattr(fred, "parse", parse)
    path = imported.write("fred/DGS30.csv", b"observation_date,DGS30\n2025-05-21,5.08\n")
    code, error = imported.update()
    assert code == 2
    assert error.startswith(f"error: fred.series: {path}: rows do not fit the warehouse: Conversion Error: ")
    assert imported.unchanged()


# ----------------------------------------------------------------------------- the file system


def test_an_unreadable_mirror_file(imported, monkeypatch):
    bad = imported.write(PAR, PAR_NEWER)
    real = Path.read_bytes

    def read_bytes(path):
        if path == bad:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, error = imported.update()
    assert code == 2
    assert error == f"error: treasury.par_yield_curve: cannot read {bad}: Permission denied (EACCES)"
    assert imported.unchanged()


def test_an_unreadable_mirror_folder_is_refused_not_skipped(imported, monkeypatch):
    imported.write("fred/DGS30.csv", b"observation_date,DGS30\n2025-05-21,5.08\n")
    real = os.listdir
    fred = imported.root / "fred"

    def listdir(path="."):
        if Path(path) == fred:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    code, error = imported.update()
    assert code == 2
    assert error.startswith(f"error: fred.series: cannot read the mirror folder {fred}: Permission denied (EACCES)")
    assert imported.unchanged()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder; the test above simulates it")
def test_a_folder_without_read_permission_is_refused(imported):
    imported.write("fred/DGS30.csv", b"observation_date,DGS30\n2025-05-21,5.08\n")
    fred = imported.root / "fred"
    fred.chmod(0)
    try:
        code, error = imported.update()
    finally:
        fred.chmod(0o755)
    assert code == 2 and f"cannot read the mirror folder {fred}: Permission denied (EACCES)" in error
    assert imported.unchanged()


def no_space(path: object = None) -> OSError:
    return OSError(errno.ENOSPC, "No space left on device", None if path is None else str(path))


def test_disk_full_while_copying_removes_the_partial_copy(imported, monkeypatch):
    imported.write(PAR, PAR_NEWER)

    def copy_half(source, target):
        Path(target).write_bytes(Path(source).read_bytes()[:4096])
        raise no_space(target)

    monkeypatch.setattr(shutil, "copyfile", copy_half)
    code, error = imported.update()
    assert code == 1
    assert error == (f"error: cannot write the warehouse {imported.warehouse}: No space left on device (ENOSPC); "
                     "it is unchanged")
    assert imported.unchanged()


def test_disk_full_inside_duckdb_removes_the_copy_and_its_wal(imported, monkeypatch):
    imported.write(PAR, PAR_NEWER)
    temp = imported.warehouse.with_name("bondwatch.duckdb.updating")

    def upsert(self, table, frame, key):
        temp.with_name(temp.name + ".wal").write_bytes(b"partial log")
        raise duckdb.IOException(f'IO Error: Could not write file "{temp}": No space left on device')

    monkeypatch.setattr(store.Writer, "upsert", upsert)
    code, error = imported.update()
    assert code == 1
    assert error.startswith(f"error: cannot write the warehouse {imported.warehouse}: IO Error: Could not write")
    assert error.endswith("No space left on device; it is unchanged")
    assert imported.unchanged()


def test_disk_full_when_syncing_the_copy(imported, monkeypatch):
    imported.write(PAR, PAR_NEWER)

    def fsync(fd):
        raise no_space()

    monkeypatch.setattr(os, "fsync", fsync)
    code, error = imported.update()
    assert code == 1
    assert error == f"error: cannot write the warehouse {imported.warehouse}: No space left on device (ENOSPC); it is unchanged"
    assert imported.unchanged()


def test_a_read_only_home(imported, monkeypatch, capsys):
    imported.write(PAR, PAR_NEWER)

    def read_only(path, mode="r", *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(store, "open", read_only, raising=False)  # the lock file, opened for appending
    code, error = imported.update()
    assert code == 1
    assert error == f"error: cannot write in the warehouse folder {imported.home}: Read-only file system (EROFS)"
    assert imported.unchanged()
    assert run_cli(capsys, "status")[0] == 0  # reading needs no write access


def test_a_home_that_is_a_file(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("BONDWATCH_HOME", str(home))
    root = tmp_path / "mirror"
    (root / PAR).parent.mkdir(parents=True)
    (root / PAR).write_bytes(PAR_GOOD)
    expected = f"error: bondwatch home {home} is a file, not a folder: set $BONDWATCH_HOME to a folder\n"
    assert run_cli(capsys, "update", "--from", str(root)) == (1, "", f"importing from {root}\n" + expected)
    assert run_cli(capsys, "status") == (1, "", expected)
    assert home.read_text() == "not a folder"


@pytest.mark.parametrize("content", [b"", b"\x00garbage" * 512], ids=["empty", "corrupt"])
def test_a_warehouse_file_that_is_not_a_database(imported, content):
    imported.warehouse.write_bytes(content)
    imported.before = digest(imported.warehouse)
    expected = (f"error: {imported.warehouse} is not a DuckDB database file (empty or corrupt): move it away, "
                "then run `bondwatch update` to build a new warehouse")
    code, _, err = run_cli(imported.capsys, "status")
    assert (code, err) == (1, expected + "\n")
    code, error = imported.update()
    assert (code, error) == (1, expected)
    assert imported.unchanged()


def test_a_warehouse_file_that_cannot_be_read(imported, monkeypatch):
    def denied(path, read_only=False):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    monkeypatch.setattr(duckdb, "connect", denied)
    code, _, err = run_cli(imported.capsys, "status")
    assert code == 1
    assert err == f'error: cannot open the warehouse {imported.warehouse}: IO Error: Cannot open file "{imported.warehouse}": Permission denied\n'


def test_ctrl_c_during_the_write(imported, monkeypatch):
    imported.write(PAR, PAR_NEWER)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store.Writer, "upsert", interrupted)
    code, _, err = run_cli(imported.capsys, "update", "--from", str(imported.root))
    assert code == 130
    assert err.splitlines()[0] == f"importing from {imported.root}"
    assert err.split("\n", 1)[1].strip() == "interrupted; warehouse unchanged"
    assert imported.unchanged()


def test_ctrl_c_during_the_copy_removes_the_partial_copy(imported, monkeypatch):
    imported.write(PAR, PAR_NEWER)

    def copy_then_interrupted(source, target):
        Path(target).write_bytes(b"part")
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfile", copy_then_interrupted)
    code, _, err = run_cli(imported.capsys, "update", "--from", str(imported.root))
    assert (code, err.strip().splitlines()[-1]) == (130, "interrupted; warehouse unchanged")
    assert imported.unchanged()


def test_ctrl_c_while_a_c_extension_loads(imported, monkeypatch):
    """Seen with a real SIGINT early in an update: the interrupted import surfaces as an ImportError."""
    imported.write(PAR, PAR_NEWER)

    def interrupted_import(*args, **kwargs):
        raise ImportError("Encountered an error while initializing the extension.") from KeyboardInterrupt()

    monkeypatch.setattr(store.Writer, "upsert", interrupted_import)
    code, _, err = run_cli(imported.capsys, "update", "--from", str(imported.root))
    assert (code, err.strip().splitlines()[-1]) == (130, "interrupted; warehouse unchanged")
    assert imported.unchanged()


# ----------------------------------------------------------------------------- other commands


def test_a_chart_in_a_folder_that_does_not_exist(tmp_path, capsys, monkeypatch):
    from bondwatch.charts import figure_path

    with pytest.raises(UsageError, match=r"^--chart /nonexistent/x.png: no folder /nonexistent to write it in$"):
        figure_path("/nonexistent/x.png")
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    root = tmp_path / "mirror"
    (root / "fred").mkdir(parents=True)
    (root / "fred" / "DGS30.csv").write_bytes(b"observation_date,DGS30\n2025-05-20,4.99\n2025-05-21,5.08\n")
    assert run_cli(capsys, "update", "--from", str(root))[0] == 0
    code, _, err = run_cli(capsys, "series", "DGS30", "--chart", "/nonexistent/x.png")
    assert (code, err) == (2, "error: --chart /nonexistent/x.png: no folder /nonexistent to write it in\n")


@pytest.mark.mirror
def test_an_auction_chart_in_a_folder_that_does_not_exist(home_with_auctions, capsys):
    need_mirror()
    code, _, err = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--chart", "/nonexistent/x.png")
    assert (code, err) == (2, "error: --chart /nonexistent/x.png: no folder /nonexistent to write it in\n")


def test_an_unexpected_failure_is_one_line_and_debug_shows_the_traceback(imported, monkeypatch):
    def broken(self, sql, params=()):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(store.Warehouse, "rows", broken)
    code, _, err = run_cli(imported.capsys, "status")
    assert code == 1
    assert err == "error: unexpected ZeroDivisionError: division by zero (a bondwatch bug; BONDWATCH_DEBUG=1 shows the traceback)\n"
    monkeypatch.setenv("BONDWATCH_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run_cli(imported.capsys, "status")
