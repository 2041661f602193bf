"""Shared helpers for the benchmark scripts: command-line arguments and timing."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(command: list[str], repeat: int, env: dict[str, str]) -> float:
    """Median wall-clock seconds of running ``command`` ``repeat`` times (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mirror_arguments(doc: str) -> argparse.Namespace:
    """``--mirror`` (default ../shared/data beside the checkout, as a Path) and ``--repeat``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()
