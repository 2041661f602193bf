"""Where `--from` imports from: never the live APIs by accident, and `auto` relative to the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondwatch import http, paths
from bondwatch.errors import UsageError
from bondwatch.service.update import resolve_source, update
from tests.conftest import run_cli


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything builds an HTTP client (a switch to the live APIs)."""
    def refuse():
        raise AssertionError("switched to the live APIs")

    monkeypatch.setattr(http, "make_client", refuse)


def test_an_empty_from_is_refused_not_the_live_apis(capsys, no_network):
    assert run_cli(capsys, "update", "--from", "") == (
        2, "", "error: --from '': expected a folder or 'auto' (leave --from out for the official APIs)\n")
    with pytest.raises(UsageError, match="--from ''"):
        update(from_dir="")


def test_a_wrong_mirror_variable_is_refused_not_the_live_apis(tmp_path, capsys, monkeypatch, no_network):
    monkeypatch.setenv("BONDWATCH_MIRROR", str(tmp_path / "no-such-mirror"))
    assert run_cli(capsys, "update", "--from", "auto") == (
        2, "", (f"error: $BONDWATCH_MIRROR='{tmp_path / 'no-such-mirror'}': no such folder; unset it or point "
                "it at the mirror\n"))


def mirror_at(folder: Path) -> Path:
    (folder / "treasury").mkdir(parents=True)
    return folder


def test_auto_looks_beside_the_checkout_before_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("BONDWATCH_MIRROR", raising=False)
    checkout = tmp_path / "a" / "bondwatch"
    checkout.mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    monkeypatch.setattr(paths, "CHECKOUT", checkout)
    here = tmp_path / "b" / "work"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    assert resolve_source("auto") is None  # nothing anywhere: the live APIs
    from_cwd = mirror_at(tmp_path / "b" / "shared" / "data")
    assert resolve_source("auto") == from_cwd
    beside_checkout = mirror_at(tmp_path / "a" / "shared" / "data")
    assert resolve_source("auto") == beside_checkout
    (checkout / "pyproject.toml").unlink()  # an installed package, not a checkout: only the current directory
    assert resolve_source("auto") == from_cwd
    chosen = tmp_path / "c"
    chosen.mkdir()
    monkeypatch.setenv("BONDWATCH_MIRROR", str(chosen))
    assert resolve_source("auto") == chosen


def test_the_package_checkout_is_the_folder_holding_pyproject():
    assert (paths.CHECKOUT / "pyproject.toml").is_file()
    assert (paths.CHECKOUT / "src" / "bondwatch" / "paths.py").is_file()
