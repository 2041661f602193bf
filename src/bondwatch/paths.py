"""Where bondwatch keeps its warehouse and where it looks for the offline mirror."""

from __future__ import annotations

import os
from pathlib import Path

WAREHOUSE_FILE = "bondwatch.duckdb"


def home() -> Path:
    """The bondwatch data directory: ``$BONDWATCH_HOME`` if set, else the user data directory."""
    env = os.environ.get("BONDWATCH_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported here: only needed when BONDWATCH_HOME is unset

    return Path(platformdirs.user_data_dir("bondwatch", appauthor=False))


def warehouse_path() -> Path:
    """Path of the DuckDB warehouse file."""
    return home() / WAREHOUSE_FILE


def find_mirror() -> Path | None:
    """The offline mirror: ``$BONDWATCH_MIRROR``, else ``../shared/data`` or ``./shared/data`` if present."""
    env = os.environ.get("BONDWATCH_MIRROR")
    candidates = [Path(env)] if env else [Path("../shared/data"), Path("shared/data")]
    for candidate in candidates:
        if (candidate / "treasury").is_dir():
            return candidate.resolve()
    return None
