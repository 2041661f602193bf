"""Benchmark: the REST API under a bounded loop of concurrent requests, beside a constant endpoint.

Run: python benchmarks/bench_api.py [--mirror ../shared/data] [--requests 5000] [--concurrency 20]
Starts `bondwatch serve` (one process, 127.0.0.1, any free port) on a warehouse imported from the
mirror, then for each endpoint sends ``--requests`` GETs over ``--concurrency`` keep-alive
connections from this process (a minimal asyncio HTTP/1.1 client, so that the client costs little
CPU next to the server on two cores) and reports req/s, p50/p99 latency and errors. The baseline
is /api/v1/ping, a constant answer of the same server in the same run. A last round hits the
auction endpoint while another process updates the warehouse again and again (each update
replaces the file by atomic rename): it must see zero errors. Goals: zero errors, p99 < 50 ms,
auction endpoint >= half the constant endpoint's req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = (
    ("constant", "/api/v1/ping"),
    ("auction", "/api/v1/auction/30y?date=2025-06-12"),
    ("curve", "/api/v1/curve/us?date=2025-06-12"),
    ("snapshot", "/api/v1/snapshot?date=2025-06-12"),
)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> tuple[int, bytes]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(line.split(b":", 1)[1]) for line in head.lower().split(b"\r\n")
                  if line.startswith(b"content-length:"))
    return status, await reader.readexactly(length)


async def _load(port: int, path: str, requests: int, concurrency: int, expect: bytes) -> dict:
    """``requests`` GETs of ``path`` over ``concurrency`` connections; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    remaining = iter(range(requests))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in remaining:
                start = time.perf_counter()
                try:
                    status, body = await _get(reader, writer, path)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(repr(exc))
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - start)
                if status != 200 or expect not in body:
                    errors.append(f"HTTP {status}: {body[:200]!r}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": requests / wall, "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000, "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def _keep_updating(mirror: Path, warehouse: Path, stop: multiprocessing.synchronize.Event, counter) -> None:
    """Update the warehouse until ``stop``: DEXJPUS.csv alternates between the published file and
    the same file without its last line, so each update imports new bytes and replaces the file."""
    from bondwatch.service.update import update

    folder = Path(tempfile.mkdtemp())
    (folder / "fred").mkdir()
    lines = (mirror / "fred" / "DEXJPUS.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    while not stop.is_set():
        shown = lines if counter.value % 2 else lines[:-1]
        (folder / "fred" / "DEXJPUS.csv").write_text("".join(shown), encoding="utf-8")
        update(from_dir=folder, warehouse=warehouse)
        counter.value += 1
    shutil.rmtree(folder)


def _line(name: str, result: dict, baseline: dict | None = None) -> str:
    ratio = f"  {result['rps'] / baseline['rps']:.2f}x the constant endpoint" if baseline else ""
    error = f"  first error: {result['first_error']}" if result["errors"] else ""
    return (f"{name:<22} {result['rps']:8.0f} req/s  p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
            f"errors {result['errors']}{ratio}{error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--cache-size", type=int, default=512, help="the server's answer cache (0: off)")
    args = parser.parse_args()

    from bondwatch.service.update import update

    with tempfile.TemporaryDirectory() as home:
        warehouse = Path(home) / "bondwatch.duckdb"
        update(from_dir=args.mirror, warehouse=warehouse)
        server = subprocess.Popen(
            [sys.executable, "-m", "bondwatch", "serve", "--port", "0", "--warehouse", str(warehouse),
             "--cache-size", str(args.cache_size)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "BONDWATCH_HOME": home},
        )
        try:
            url = server.stdout.readline().split()[2]
            port = int(url.rstrip("/").rsplit(":", 1)[1])
            print(f"server {url} (pid {server.pid}, answer cache {args.cache_size or 'off'}), {args.requests} "
                  f"requests per endpoint, concurrency {args.concurrency}, {os.cpu_count()} CPUs, "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            asyncio.run(_load(port, "/api/v1/snapshot", 200, 4, b"{"))  # warm-up
            results = {}
            for name, path in ENDPOINTS:
                expect = b'"ok"' if name == "constant" else b'"schema_version"'
                results[name] = asyncio.run(_load(port, path, args.requests, args.concurrency, expect))
                baseline = None if name == "constant" else results["constant"]
                print(_line(f"{name} {path.split('?')[0]}", results[name], baseline), flush=True)

            stop, counter = multiprocessing.Event(), multiprocessing.Value("i", 0)
            updater = multiprocessing.Process(target=_keep_updating, args=(args.mirror, warehouse, stop, counter))
            updater.start()
            try:
                during = asyncio.run(_load(port, ENDPOINTS[1][1], args.requests, args.concurrency, b'"high_yield": 4.844'))
            finally:
                stop.set()
                updater.join()
            print(_line("auction, updates beside", during, results["constant"])
                  + f"  ({counter.value} updates completed during the run)")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
