"""Imports: idempotent, atomic, and one-line errors on bad files; the warehouse never half-written."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bondwatch import store
from tests.conftest import need_mirror, run_cli

FISCAL = "treasury/auctions/fiscaldata_auctions_2009_2026.csv"




def mini_mirror(tmp_path: Path) -> Path:
    """A mirror folder with the real Fiscal Data auctions file only."""
    root = tmp_path / "mirror"
    (root / "treasury/auctions").mkdir(parents=True)
    shutil.copyfile(need_mirror() / FISCAL, root / FISCAL)
    return root


def imported_mini_mirror(tmp_path: Path, capsys, monkeypatch) -> tuple[Path, Path]:
    """The mini mirror, imported once into a fresh home: (mirror folder, warehouse file)."""
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    root = mini_mirror(tmp_path)
    assert run_cli(capsys, "update", "--from", str(root))[0] == 0
    return root, tmp_path / "home/bondwatch.duckdb"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts(path: Path) -> dict[str, int]:
    with store.Warehouse(path) as wh:
        return {t: wh.rows(f"SELECT count(*) FROM {t}")[0][0] for t in ("provenance", "auction_results", "auction_scorecards")}


def test_same_file_twice_changes_nothing(tmp_path, capsys, monkeypatch):
    root, warehouse = imported_mini_mirror(tmp_path, capsys, monkeypatch)
    before = table_counts(warehouse)
    assert before["auction_results"] == 1716 and before["provenance"] == 1
    code, out, _ = run_cli(capsys, "update", "--from", str(root))
    assert code == 0 and "unchanged" in out
    assert table_counts(warehouse) == before


def corrupt(kind: str, data: bytes) -> bytes:
    if kind == "truncated":
        return data[: len(data) // 2]  # cut mid-row, as an interrupted download
    if kind == "html":
        return b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>down</body></html>"
    if kind == "utf16":
        return data.decode("utf-8").encode("utf-16")
    if kind == "latin1":
        return data.replace(b"Bond", "Bönd".encode("latin-1"), 1)
    if kind == "bad-number":
        return data.replace(b",2.430000,", b",2.43x,", 1)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind, message",
    [
        ("truncated", "fields where the header has 32 (truncated or malformed row)"),
        ("html", "got an HTML page"),
        ("utf16", "is not valid utf-8 text"),
        ("latin1", "is not valid utf-8 text"),
        ("bad-number", "field 'bid_to_cover_ratio' = '2.43x': expected a number"),
    ],
)
def test_bad_file_is_refused_and_the_warehouse_is_untouched(tmp_path, capsys, monkeypatch, kind, message):
    root, warehouse = imported_mini_mirror(tmp_path, capsys, monkeypatch)
    before = digest(warehouse)
    bad = root / FISCAL
    bad.write_bytes(corrupt(kind, bad.read_bytes()))
    code, _, err = run_cli(capsys, "update", "--from", str(root))
    assert code == 2
    (error,) = [line for line in err.splitlines() if line.startswith("error: ")]
    assert message in error
    assert "fiscaldata" in error and FISCAL.rsplit("/", 1)[-1] in error
    assert digest(warehouse) == before
    assert not list((tmp_path / "home").glob("*.updating*"))


def test_truncated_file_error_names_the_line(tmp_path):
    from bondwatch.errors import DataFormatError
    from bondwatch.sources import fiscaldata

    data = (need_mirror() / FISCAL).read_bytes()
    cut = data[: data.index(b"\n", 100000) + 40]
    line = cut.count(b"\n") + 1
    with pytest.raises(DataFormatError, match=rf"line {line}: \d+ fields where the header has 32"):
        fiscaldata.parse(cut, "auctions.csv")


def test_unknown_folder_and_empty_folder(tmp_path, capsys):
    code, _, err = run_cli(capsys, "update", "--from", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err
    code, _, err = run_cli(capsys, "update", "--from", str(tmp_path))
    assert code == 2 and "no files of a known dataset" in err


def test_killed_import_leaves_previous_warehouse_readable(tmp_path):
    """Kill an import process (SIGKILL) in the middle of its write, then read the store."""
    mirror = need_mirror()
    home = tmp_path / "home"
    env = {**os.environ, "BONDWATCH_HOME": str(home)}
    root = mini_mirror(tmp_path)
    subprocess.run([sys.executable, "-m", "bondwatch", "update", "--from", str(root)], env=env, check=True,
                   capture_output=True)
    warehouse = home / "bondwatch.duckdb"
    before, counts = digest(warehouse), table_counts(warehouse)
    marker = tmp_path / "inside-write"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from bondwatch import store
        from bondwatch.service.update import update
        original = store.Writer.upsert
        def slow_upsert(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            Path({str(marker)!r}).write_text("x")
            time.sleep(60)
            return result
        store.Writer.upsert = slow_upsert
        update(from_dir={str(mirror)!r}, only=["compiled", "treasury"])
    """)
    process = subprocess.Popen([sys.executable, "-c", script], env=env)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the import never reached its write"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert digest(warehouse) == before
    assert table_counts(warehouse) == counts
    # the next update cleans up and succeeds
    subprocess.run([sys.executable, "-m", "bondwatch", "update", "--from", str(mirror), "--only", "compiled"],
                   env=env, check=True, capture_output=True)
    assert table_counts(warehouse)["provenance"] == 2
    assert not list(home.glob("*.updating*"))


def test_concurrent_update_is_refused(tmp_path, monkeypatch):
    import fcntl

    from bondwatch.errors import WarehouseBusyError

    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    with open(tmp_path / "bondwatch.duckdb.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(WarehouseBusyError, match="another bondwatch update"):
            with store.writing():
                pass


PAR_ALL = "treasury/par_yield_curve/par-yield-curve-rates-1990-2023.csv"
PAR_2021 = "treasury/par_yield_curve/2021-daily-treasury-rates.csv"


def test_a_bad_file_late_in_the_batch_aborts_the_whole_update(tmp_path, capsys, monkeypatch):
    """A failure in the last file must leave the warehouse as it was, re-imported first file included."""
    root, warehouse = imported_mini_mirror(tmp_path, capsys, monkeypatch)
    before = digest(warehouse)
    (root / PAR_2021).parent.mkdir(parents=True)
    shutil.copyfile(need_mirror() / PAR_ALL, root / PAR_ALL)
    (root / PAR_2021).write_bytes((need_mirror() / PAR_2021).read_bytes().replace(b",1.52,", b",1.5.2,", 1))
    (root / FISCAL).write_bytes((root / FISCAL).read_bytes() + b"\n")  # changed bytes: re-imported first
    code, _, err = run_cli(capsys, "update", "--from", str(root))
    assert code == 2
    assert "line 2: field '10 Yr' = '1.5.2': expected a yield in percent" in err
    assert digest(warehouse) == before
    assert not list((tmp_path / "home").glob("*.updating*"))


def test_overlapping_files_keep_one_row_per_key_and_the_later_file_wins(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    root = tmp_path / "mirror"
    (root / PAR_ALL).parent.mkdir(parents=True)
    for name in (PAR_ALL, PAR_2021):
        shutil.copyfile(need_mirror() / name, root / name)
    assert run_cli(capsys, "update", "--from", str(root))[0] == 0
    with store.Warehouse(tmp_path / "home/bondwatch.duckdb") as wh:
        total, distinct = wh.rows(
            "SELECT count(*), count(DISTINCT (curve, date, tenor_years)) FROM yield_curves"
        )[0]
        assert total == distinct > 90000
        (value, location), = wh.rows(
            "SELECT y.yield_pct, p.location FROM yield_curves y JOIN provenance p ON p.id = y.provenance_id "
            "WHERE y.date = DATE '2021-12-31' AND y.tenor = '10 Yr'"
        )
    assert value == 1.52  # the published 10-year par yield on 2021-12-31
    assert location.endswith("2021-daily-treasury-rates.csv")  # the yearly download wins over the compilation


def test_upsert_replaces_on_the_key_and_the_last_duplicate_wins(tmp_path):
    import pandas as pd

    path = tmp_path / "w.duckdb"
    rows = pd.DataFrame({"series_id": ["X", "X", "X"], "date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-01"]),
                         "value": [1.0, 2.0, 3.0], "provenance_id": [1, 1, 1]})
    with store.writing(path) as writer:
        assert writer.upsert("series", rows, ("series_id", "date")) == 2
    with store.writing(path) as writer:
        writer.upsert("series", rows.iloc[[1]].assign(value=5.0), ("series_id", "date"))
    with store.Warehouse(path) as wh:
        assert wh.rows("SELECT date::VARCHAR, value FROM series ORDER BY date") == [("2025-01-01", 3.0), ("2025-01-02", 5.0)]
