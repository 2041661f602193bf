"""Shared timing helper for the benchmark scripts."""

from __future__ import annotations

import statistics
import subprocess
import time


def median_seconds(command: list[str], repeat: int, env: dict[str, str]) -> float:
    """Median wall-clock seconds of running ``command`` ``repeat`` times (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
