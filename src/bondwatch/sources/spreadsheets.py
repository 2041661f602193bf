"""Excel workbooks (.xls BIFF or .xlsx) read by python-calamine, guarded.

calamine aborts the whole process (it cannot raise) when a damaged file asks it for gigabytes,
and may loop on a cyclic sector chain. So where the platform allows, a workbook is read in a
forked process with capped memory (:data:`MEMORY_BYTES` above what the process already uses) and
time (:data:`SECONDS`); a reader that dies or overruns becomes a one-line DataFormatError naming the
file. Elsewhere (no fork or /proc, or inside a daemonic process, which may not start one) it is
read here. Used by the Treasury allotments spreadsheet and MOF's JGB auction workbook.
"""

from __future__ import annotations

import io
import multiprocessing
import os

import pandas as pd

from bondwatch.errors import DataFormatError

MEMORY_BYTES = 1 << 30  # the official workbooks take a few MB to read
SECONDS = 30

Sheets = pd.DataFrame | dict[str, pd.DataFrame]


def _cells(data: bytes, sheet_name: int | None) -> Sheets | str:
    """The cells, no header (the first sheet for 0, every sheet by name for None), or why they
    cannot be read."""
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=sheet_name, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # python_calamine.CalamineError and the like: a damaged or foreign file
        return str(exc)


def _send_cells(data: bytes, sheet_name: int | None, pipe) -> None:
    """In the reading process: cap the memory calamine may take, silence its crash report (the
    parent reports the file in one line), then send what it read."""
    import resource  # POSIX only, like fork

    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + MEMORY_BYTES,) * 2)
    pipe.send(_cells(data, sheet_name))


def read_workbook(data: bytes, *, source: str, location: str, sheet_name: int | None = 0) -> Sheets:
    """The cells of a workbook's first sheet (``sheet_name=0``) or of every sheet (None, a dict by
    sheet name), as object columns with no header; DataFormatError naming ``location`` if it
    cannot be read."""
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/statm") or multiprocessing.current_process().daemon:
        outcome = _cells(data, sheet_name)
    else:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        reader = context.Process(target=_send_cells, args=(data, sheet_name, send), daemon=True)
        reader.start()
        send.close()
        try:
            if not receive.poll(SECONDS):
                raise DataFormatError(source, location, f"not a readable Excel workbook (not read within {SECONDS} s)")
            outcome = receive.recv()
        except EOFError:  # the reader died: out of its memory, or crashed
            outcome = "the reader failed on it (damaged sector tables?)"
        finally:
            reader.kill()
            reader.join()
            receive.close()
    if isinstance(outcome, str):
        raise DataFormatError(source, location, f"not a readable Excel workbook ({outcome})")
    return outcome
