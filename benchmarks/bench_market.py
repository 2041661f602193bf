"""Benchmark: parsing the cross-market sources, the whole mirror import, and a cold `bondwatch snapshot`.

Run: python benchmarks/bench_market.py [--mirror ../shared/data] [--repeat 5]
Wall-clock seconds on this machine with ratios against baselines measured in the same run:
each source's parse against pandas merely reading its file (dtype=str), the whole import
against the 2 s budget, and the cold snapshot command against a bare `python -c pass` (budget: 25x).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import median_seconds, mirror_arguments  # benchmarks/ is on sys.path when run as a script

MARKET = ["mof_japan", "fred", "tic", "allotments", "imf", "boj"]


def main() -> None:
    args = mirror_arguments(__doc__)
    mirror = args.mirror

    import pandas as pd

    from bondwatch.service.update import mirror_files, select_datasets, update

    print("parse (s)                     ours   pandas read_csv   ratio")
    for dataset, path in mirror_files(mirror, select_datasets(MARKET)):
        data = path.read_bytes()
        parse = dataset.parse_function()
        start = time.perf_counter()
        rows = len(parse(data, str(path)).frame)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        pd.read_csv(path, dtype=str, sep=None if path.suffix == ".txt" else ",", engine="python" if path.suffix == ".txt" else "c",
                    on_bad_lines="skip", encoding_errors="replace")
        base = time.perf_counter() - start
        print(f"{path.name:28s} {ours:6.3f}   {base:15.3f}   {ours / base:5.1f}x  ({rows} rows)")

    with tempfile.TemporaryDirectory() as home:
        warehouse = Path(home) / "bondwatch.duckdb"
        start = time.perf_counter()
        update(from_dir=mirror, only=MARKET, warehouse=warehouse)
        market_only = time.perf_counter() - start
        wholes = []
        for _ in range(args.repeat):
            warehouse.unlink()
            start = time.perf_counter()
            update(from_dir=mirror, warehouse=warehouse)
            wholes.append(time.perf_counter() - start)
        whole = statistics.median(wholes)
        print(f"\nimport, market datasets only: {market_only:.2f} s")
        print(f"import, whole mirror (all datasets, scorecards), median of {args.repeat}: {whole:.2f} s "
              f"(min {min(wholes):.2f}, max {max(wholes):.2f}) = {whole / 2.0:.2f} x the 2 s budget")

        env = {**os.environ, "BONDWATCH_HOME": home}
        bare = median_seconds([sys.executable, "-c", "pass"], args.repeat, env)
        cold = median_seconds([sys.executable, "-m", "bondwatch", "snapshot"], args.repeat, env)
        print(f"\npython -c pass: {bare * 1000:.0f} ms; cold `bondwatch snapshot`: {cold * 1000:.0f} ms "
              f"= {cold / bare:.1f}x (budget 25x)")


if __name__ == "__main__":
    main()
