"""Re-imports repair: a dataset is skipped only while its stored rows come from exactly the files
given; restoring a good file replaces the rows of a bad one, and `--force` re-imports regardless."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from bondwatch import store
from bondwatch.sources import Fetched
from tests.conftest import need_mirror, run_cli

GOOD = b"observation_date,DGS30\n2025-05-20,4.99\n2025-05-21,5.08\n"  # FRED CSV download format
BAD = b"observation_date,DGS30\n2025-05-20,4.99\n2025-05-21,50.8\n"  # a mistyped value


def dgs30_on_2025_05_21(home: Path) -> float:
    with store.Warehouse(home / "bondwatch.duckdb") as wh:
        return wh.rows("SELECT value FROM series WHERE series_id = 'DGS30' AND date = DATE '2025-05-21'")[0][0]


def import_file(capsys, root: Path, data: bytes, *options: str) -> list[str]:
    """Write ``data`` as the mirror's fred/DGS30.csv and import it; returns the report's status column."""
    (root / "fred").mkdir(parents=True, exist_ok=True)
    (root / "fred" / "DGS30.csv").write_bytes(data)
    code, out, err = run_cli(capsys, "update", "--from", str(root), "--json", *options)
    assert code == 0, err
    return [r["status"] for r in json.loads(out)]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_restoring_the_good_file_replaces_the_bad_value(tmp_path, home, capsys):
    root = tmp_path / "mirror"
    assert import_file(capsys, root, GOOD) == ["imported"]
    assert import_file(capsys, root, BAD) == ["imported"]
    assert dgs30_on_2025_05_21(home) == 50.8
    assert import_file(capsys, root, GOOD) == ["imported"]  # seen before, but not what the rows come from
    assert dgs30_on_2025_05_21(home) == 5.08
    assert import_file(capsys, root, GOOD) == ["unchanged"]
    with store.Warehouse(home / "bondwatch.duckdb") as wh:
        assert wh.rows("SELECT count(*) FROM provenance")[0][0] == 3


def test_force_reimports_rows_the_warehouse_holds_from_the_same_bytes(tmp_path, home, capsys):
    root = tmp_path / "mirror"
    import_file(capsys, root, GOOD)
    with duckdb.connect(str(home / "bondwatch.duckdb")) as con:  # a stored row changed behind bondwatch's back
        con.execute("UPDATE series SET value = 0 WHERE series_id = 'DGS30'")
    assert import_file(capsys, root, GOOD) == ["unchanged"]
    assert dgs30_on_2025_05_21(home) == 0
    assert import_file(capsys, root, GOOD, "--force") == ["imported"]
    assert dgs30_on_2025_05_21(home) == 5.08


def test_a_changed_file_reimports_every_file_of_its_dataset_in_order(tmp_path, home, capsys):
    """Of two files sharing a key the later wins, so both go in again when either changes."""
    root = tmp_path / "mirror"
    (root / "fred").mkdir(parents=True)
    (root / "fred" / "A.csv").write_bytes(b"observation_date,DGS30\n2025-05-21,1.11\n")  # loses on the shared key
    assert import_file(capsys, root, GOOD) == ["imported", "imported"]
    assert import_file(capsys, root, BAD) == ["imported", "imported"]
    assert import_file(capsys, root, GOOD) == ["imported", "imported"]
    assert dgs30_on_2025_05_21(home) == 5.08


def dgs30_dates(home: Path) -> list[str]:
    with store.Warehouse(home / "bondwatch.duckdb") as wh:
        return [r[0] for r in wh.rows("SELECT date::VARCHAR FROM series WHERE series_id = 'DGS30' ORDER BY date")]


def test_a_key_only_the_bad_file_had_goes_when_the_good_file_is_back(tmp_path, home, capsys):
    root = tmp_path / "mirror"
    import_file(capsys, root, GOOD)
    import_file(capsys, root, GOOD.replace(b"2025-05-21", b"2025-05-12"))  # a mistyped date
    assert dgs30_dates(home) == ["2025-05-12", "2025-05-20"]  # the file no longer has 2025-05-21
    import_file(capsys, root, GOOD)
    assert dgs30_dates(home) == ["2025-05-20", "2025-05-21"]
    assert dgs30_on_2025_05_21(home) == 5.08


def test_live_responses_only_add_and_replace_rows(tmp_path):
    """A live answer may be one window of a series: importing it again must not drop other rows."""
    from datetime import datetime, timezone

    from bondwatch.service.update import import_batches
    from bondwatch.sources.registry import by_name

    fred, warehouse, now = by_name("fred.series"), tmp_path / "bondwatch.duckdb", datetime.now(timezone.utc)
    url = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS30"
    import_batches([(fred, Fetched(url, GOOD, now))], warehouse=warehouse)
    import_batches([(fred, Fetched(url, b"observation_date,DGS30\n2025-05-22,5.03\n", now))], warehouse=warehouse)
    assert dgs30_dates(tmp_path) == ["2025-05-20", "2025-05-21", "2025-05-22"]


@pytest.mark.mirror
def test_the_published_dgs30_close_comes_back_with_the_real_file(tmp_path, home, capsys):
    real = need_mirror() / "fred" / "DGS30.csv"
    root = tmp_path / "mirror"
    (root / "fred").mkdir(parents=True)
    data = real.read_bytes()
    assert b"2025-05-21,5.08\n" in data
    import_file(capsys, root, data.replace(b"2025-05-21,5.08\n", b"2025-05-21,5.8\n"))
    assert dgs30_on_2025_05_21(home) == 5.8
    shutil.copyfile(real, root / "fred" / "DGS30.csv")
    code, _, err = run_cli(capsys, "update", "--from", str(root))
    assert code == 0, err
    assert dgs30_on_2025_05_21(home) == 5.08  # FRED DGS30, 2025-05-21 (H.15)
