"""Shared fixtures: the offline mirror (../shared/data) and warehouses built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bondwatch import http
from bondwatch.cli import main

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AUCTION_DATASETS = ["fiscaldata", "compiled", "treasury"]


def need_mirror() -> Path:
    """The mirror folder, or skip the test with the reason."""
    if not (MIRROR / "treasury").is_dir():
        pytest.skip(f"offline mirror not present at {MIRROR} (../shared/data beside the checkout)")
    return MIRROR


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own empty BONDWATCH_HOME and instant retries."""
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setattr(http, "BACKOFF_MULTIPLIER", 0)


@pytest.fixture(scope="session")
def auction_warehouse(tmp_path_factory) -> Path:
    """A warehouse file with the mirror's auctions and par curves (built once per session)."""
    mirror = need_mirror()
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("auction-wh") / "bondwatch.duckdb"
    update(from_dir=mirror, only=AUCTION_DATASETS, warehouse=path)
    return path


def home_holding(warehouse: Path, tmp_path: Path, monkeypatch) -> Path:
    """Point BONDWATCH_HOME at ``tmp_path`` holding a copy of ``warehouse`` (tests may modify it)."""
    shutil.copyfile(warehouse, tmp_path / "bondwatch.duckdb")
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def home_with_auctions(auction_warehouse, monkeypatch, tmp_path) -> Path:
    """BONDWATCH_HOME holding a copy of the auction warehouse (tests may modify it)."""
    return home_holding(auction_warehouse, tmp_path, monkeypatch)
