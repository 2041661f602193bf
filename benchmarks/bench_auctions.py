"""Benchmark: import of the whole offline mirror + every scorecard, and the cold `bondwatch auction 30y`
and `bondwatch auction jgb-20y`.

Run: python benchmarks/bench_auctions.py [--mirror ../shared/data] [--repeat 5]
Figures are wall-clock seconds on this machine, each with a ratio against a baseline measured in
the same run: the import against pandas merely reading the same CSV files, the cold command
against a bare `python -c pass`.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from _timing import median_seconds, mirror_arguments  # benchmarks/ is on sys.path when run as a script


def main() -> None:
    args = mirror_arguments(__doc__)
    mirror = args.mirror

    import pandas as pd

    from bondwatch.service.update import mirror_files, select_datasets, update

    files = mirror_files(mirror, select_datasets(None))
    start = time.perf_counter()
    for _, path in files:
        if path.suffix == ".csv":
            pd.read_csv(path, dtype=str, encoding_errors="replace", on_bad_lines="skip")
    baseline = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as home:
        warehouse = Path(home) / "bondwatch.duckdb"
        start = time.perf_counter()
        report = update(from_dir=mirror, warehouse=warehouse)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from bondwatch import store

        with store.Warehouse(warehouse) as wh:
            cards = wh.rows("SELECT count(*) FROM auction_scorecards")[0][0]
        print(f"import of the whole mirror ({len(report)} files) + {cards} scorecards: {elapsed:.2f} s "
              f"(peak RSS of this process {peak:.0f} MiB)")
        print(f"  baseline, pandas.read_csv of the same CSV files: {baseline:.2f} s -> ratio {elapsed / baseline:.1f}x")

        env = {**os.environ, "BONDWATCH_HOME": home}
        bare = median_seconds([sys.executable, "-c", "pass"], args.repeat, env)
        cold = median_seconds([sys.executable, "-m", "bondwatch", "auction", "30y"], args.repeat, env)
        print(f"cold `bondwatch auction 30y`: {cold * 1000:.0f} ms (median of {args.repeat})")
        print(f"  baseline, python -c pass: {bare * 1000:.0f} ms -> ratio {cold / bare:.1f}x (goal <= 20x)")
        cold_jgb = median_seconds([sys.executable, "-m", "bondwatch", "auction", "jgb-20y"], args.repeat, env)
        print(f"cold `bondwatch auction jgb-20y`: {cold_jgb * 1000:.0f} ms (median of {args.repeat}) -> ratio "
              f"{cold_jgb / bare:.1f}x python -c pass, {cold_jgb / cold:.2f}x `bondwatch auction 30y`")


if __name__ == "__main__":
    main()
