"""Where bondwatch keeps its warehouse and where it looks for the offline mirror."""

from __future__ import annotations

import os
from pathlib import Path

from bondwatch.errors import UsageError, WarehouseError

WAREHOUSE_FILE = "bondwatch.duckdb"
# the source checkout holding this package (src/bondwatch/paths.py), when it is one
CHECKOUT = Path(__file__).resolve().parents[2]


def home() -> Path:
    """The bondwatch data directory: ``$BONDWATCH_HOME`` if set, else the user data directory."""
    env = os.environ.get("BONDWATCH_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported here: only needed when BONDWATCH_HOME is unset

    return Path(platformdirs.user_data_dir("bondwatch", appauthor=False))


def warehouse_path() -> Path:
    """Path of the DuckDB warehouse file (raises WarehouseError if the home is a file)."""
    folder = home()
    if folder.is_file():
        raise WarehouseError(f"bondwatch home {folder} is a file, not a folder: set $BONDWATCH_HOME to a folder")
    return folder / WAREHOUSE_FILE


def mirror_candidates() -> list[Path]:
    """Where ``--from auto`` looks for the offline mirror, in order (without ``$BONDWATCH_MIRROR``):
    ``shared/data`` beside the source checkout (an editable install), then ``../shared/data`` and
    ``./shared/data`` from the current directory."""
    beside_checkout = [CHECKOUT.parent / "shared" / "data"] if (CHECKOUT / "pyproject.toml").is_file() else []
    return [*beside_checkout, Path("../shared/data"), Path("shared/data")]


def find_mirror() -> Path | None:
    """The offline mirror: ``$BONDWATCH_MIRROR`` if set (it must be a folder), else the first of
    :func:`mirror_candidates` holding a ``treasury`` folder, else None (the official APIs)."""
    env = os.environ.get("BONDWATCH_MIRROR")
    if env:
        chosen = Path(env).expanduser()
        if not chosen.is_dir():
            raise UsageError(f"$BONDWATCH_MIRROR={env!r}: no such folder; unset it or point it at the mirror")
        return chosen.resolve()
    for candidate in mirror_candidates():
        if (candidate / "treasury").is_dir():
            return candidate.resolve()
    return None
