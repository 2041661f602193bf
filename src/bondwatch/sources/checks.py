"""Declared plausibility rules for parsed rows: ranges, date spans, totals, CUSIP check digits, keys.

Each dataset states once what its rows must satisfy, as one :class:`Rules` beside its parser
(e.g. :data:`AUCTIONS` for ``auction_results``); :func:`check` applies every rule in vectorised
passes over whole columns and refuses the file at its first violation in file order, with one
line naming the file, the line, the column and the value. The tolerances and their reasons are
listed in docs/methods.md ("Validation at import").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bondwatch.errors import DataFormatError

LEAD_DAYS = 366  # no publisher dates a figure more than a year ahead (auctions are announced days ahead)


@dataclass(frozen=True)
class Bound:
    """Each value of ``columns`` (None: every float column, e.g. a curve's tenors) lies within
    [``low``, ``high``], in the columns' own units; ``what`` names the quantity for the error."""

    columns: tuple[str, ...] | None
    low: float
    high: float
    what: str


@dataclass(frozen=True)
class Span:
    """Each date of ``columns`` lies between the publisher's ``first`` date (ISO) and
    ``lead_days`` after today."""

    columns: tuple[str, ...]
    first: str
    lead_days: int = LEAD_DAYS


@dataclass(frozen=True)
class Total:
    """Where all are present, the ``parts`` add up to ``total`` (a column, or a constant such as
    100 for shares in percent) within ``tolerance`` (the columns' units)."""

    parts: tuple[str, ...]
    total: str | float
    tolerance: float


@dataclass(frozen=True)
class Rules:
    """What one dataset's rows must satisfy; ``key`` rows may repeat only with equal values."""

    bounds: tuple[Bound, ...] = ()
    spans: tuple[Span, ...] = ()
    totals: tuple[Total, ...] = ()
    cusips: tuple[str, ...] = ()
    key: tuple[str, ...] = ()


def _cusip_values() -> np.ndarray:
    table = np.full(256, -1, dtype=np.int64)
    table[ord("0"):ord("9") + 1] = np.arange(10)
    table[ord("A"):ord("Z") + 1] = np.arange(10, 36)
    table[[ord("*"), ord("@"), ord("#")]] = [36, 37, 38]
    return table


_CUSIP_VALUES = _cusip_values()


def cusip_check_digit_ok(cusips: pd.Series) -> np.ndarray:
    """Whether each CUSIP is 9 characters whose last is the check digit of the first 8 (the
    modulus-10 "double add double" rule: values 0-9, A=10 ... Z=35, *=36, @=37, #=38; every
    second value doubled; digits of the products summed; check = (10 - sum mod 10) mod 10).
    912810UK2 and 91282CGQ8 pass. Missing CUSIPs count as bad."""
    text = cusips.fillna("").astype(str).to_numpy(dtype=str)
    shaped = np.char.str_len(text) == 9
    ok = np.zeros(len(text), dtype=bool)
    if not shaped.any():
        return ok
    codes = np.frombuffer("".join(text[shaped]).encode("utf-32-le"), dtype=np.uint32).reshape(-1, 9)
    values = np.where(codes < 256, _CUSIP_VALUES[np.minimum(codes, 255)], -1)
    body = values[:, :8].copy()
    body[:, 1::2] *= 2
    digit_sum = (body // 10 + body % 10).sum(axis=1)
    valid_chars = (values[:, :8] >= 0).all(axis=1) & (values[:, 8] >= 0) & (values[:, 8] <= 9)
    ok[shaped] = valid_chars & ((10 - digit_sum % 10) % 10 == values[:, 8])
    return ok


def _first(mask: np.ndarray) -> int | None:
    return int(np.argmax(mask)) if mask.any() else None


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{int(number):,}" if number.is_integer() and abs(number) < 1e18 else f"{number:,.15g}"
    return repr(value)


def _bound_violations(frame: pd.DataFrame, bound: Bound, names: Mapping[str, str]) -> list[tuple[int, str]]:
    columns = bound.columns or tuple(c for c in frame.columns if frame[c].dtype.kind == "f")
    found = []
    for column in (c for c in columns if c in frame):
        values = frame[column].to_numpy(dtype=float)
        row = _first((values < bound.low) | (values > bound.high))
        if row is not None:
            problem = (f"field '{names.get(column, column)}' = {_show(values[row])}: expected {bound.what} "
                       f"within {bound.low:g} to {bound.high:g}")
            found.append((row, problem))
    return found


def _span_violations(frame: pd.DataFrame, span: Span, today: pd.Timestamp, names: Mapping[str, str]) -> list[tuple[int, str]]:
    first, last = pd.Timestamp(span.first), today + pd.Timedelta(days=span.lead_days)
    found = []
    for column in (c for c in span.columns if c in frame):
        stamps = pd.to_datetime(frame[column])
        row = _first(((stamps < first) | (stamps > last)).to_numpy())
        if row is not None:
            problem = (f"field '{names.get(column, column)}' = {_show(stamps.iloc[row])}: expected a date from {first.date()} "
                       f"(the publisher's first) to {last.date()}")
            found.append((row, problem))
    return found


def _total_violations(frame: pd.DataFrame, total: Total, names: Mapping[str, str]) -> list[tuple[int, str]]:
    if not all(c in frame for c in total.parts) or (isinstance(total.total, str) and total.total not in frame):
        return []
    parts = frame[list(total.parts)].to_numpy(dtype=float).sum(axis=1)
    expected = frame[total.total].to_numpy(dtype=float) if isinstance(total.total, str) else np.full(len(frame), total.total)
    row = _first(np.abs(parts - expected) > total.tolerance)  # NaN (a part missing) compares False
    if row is None:
        return []
    named = (f"field '{names.get(total.total, total.total)}' = {_show(expected[row])}"
             if isinstance(total.total, str) else f"{total.total:g}")
    summed = " + ".join(names.get(c, c) for c in total.parts)
    problem = f"{summed} = {_show(parts[row])}: expected {named} within {total.tolerance:g}"
    return [(row, problem)]


def _cusip_violations(frame: pd.DataFrame, column: str, names: Mapping[str, str]) -> list[tuple[int, str]]:
    if column not in frame:
        return []
    row = _first(~cusip_check_digit_ok(frame[column]))
    if row is None:
        return []
    problem = (f"field '{names.get(column, column)}' = {frame[column].iloc[row]!r}: expected a CUSIP whose 9th character is the "
               "check digit of the first 8 (modulus 10, double-add-double)")
    return [(row, problem)]


def _key_violations(
    frame: pd.DataFrame, key: tuple[str, ...], lines: Sequence[object], names: Mapping[str, str]
) -> list[tuple[int, str]]:
    repeated = frame.duplicated(list(key), keep=False).to_numpy()
    if not repeated.any():
        return []
    rows = frame[repeated]
    distinct = rows.drop_duplicates()
    conflicting = distinct[distinct.duplicated(list(key), keep=False)]
    if conflicting.empty:
        return []
    key_values = conflicting.iloc[0][list(key)]
    keys = frame[list(key)]
    # equal cells, or both missing: duplicated() above counts two empty key cells as the same key
    same_cells = (keys == key_values.to_numpy()) | (keys.isna() & key_values.isna().to_numpy())
    same_key = same_cells.all(axis=1).to_numpy().nonzero()[0]
    earlier = frame.iloc[same_key[0]]
    row = next(int(i) for i in same_key[1:] if not frame.iloc[i].equals(earlier))
    differs = next(c for c in frame.columns if not _same(frame[c].iloc[row], earlier[c]))
    shown = ", ".join(f"{k}={_show(v)}" for k, v in key_values.items())
    problem = (f"field '{names.get(differs, differs)}' = {_show(frame[differs].iloc[row])} but {_place(lines[same_key[0]])} has "
               f"{_show(earlier[differs])} for the same key ({shown}): expected repeated rows to agree")
    return [(row, problem)]


def _place(label: object) -> str:
    """'line 12' for a line number, else the label itself ('record 5', 'row 7')."""
    return f"line {label}" if str(label).isdigit() else str(label)


def _same(a: object, b: object) -> bool:
    return bool(pd.isna(a) and pd.isna(b)) if pd.isna(a) or pd.isna(b) else bool(a == b)


def check(
    frame: pd.DataFrame, rules: Rules, *, source: str, location: str, lines: Sequence[object],
    names: Mapping[str, str] | None = None,
) -> None:
    """Refuse ``frame`` (parsed rows; ``lines[i]`` is row i's line number or label in the file)
    at its first violation of ``rules`` in file order: DataFormatError naming ``source``, the
    file (``location``) and line, the column (as the file names it: ``names`` maps a parsed
    column to the file's, where they differ and the units agree), the value and what was expected."""
    names = names or {}
    if frame.empty:
        return
    frame = frame.reset_index(drop=True)
    lines = list(lines)
    today = pd.Timestamp.today().normalize()
    found: list[tuple[int, str]] = []
    for bound in rules.bounds:
        found += _bound_violations(frame, bound, names)
    for span in rules.spans:
        found += _span_violations(frame, span, today, names)
    for total in rules.totals:
        found += _total_violations(frame, total, names)
    for column in rules.cusips:
        found += _cusip_violations(frame, column, names)
    if rules.key:
        found += _key_violations(frame, rules.key, lines, names)
    if found:
        row, problem = min(found, key=lambda item: item[0])
        raise DataFormatError(source, f"{location} {_place(lines[row])}", problem)


def check_wide(
    dates: Sequence[object], columns: Sequence[str], values: np.ndarray, rules: Rules, *, source: str,
    location: str, lines: Sequence[object],
) -> None:
    """:func:`check` on a wide table as published: one row per ``dates`` entry (column 'date'),
    one float column per name in ``columns`` (``values``, rows x columns: a curve's tenors, FRED
    series)."""
    frame = pd.DataFrame(values, columns=list(columns))
    frame.insert(0, "date", pd.to_datetime(np.asarray(dates)))
    check(frame, rules, source=source, location=location, lines=lines)


_AMOUNTS = (
    "offering_usd", "total_tendered_usd", "total_accepted_usd", "comp_accepted_usd", "dealer_accepted_usd",
    "direct_accepted_usd", "indirect_accepted_usd", "soma_accepted_usd",
)
_SHARES = ("dealer_pct", "direct_pct", "indirect_pct")
YIELD_PCT = Bound(None, -5.0, 40.0, "a yield in percent")  # lowest real: JGB -0.423, TIPS -1.685; highest 15.84

# auction_results, from Fiscal Data, TreasuryDirect XML and the compiled table
AUCTIONS = Rules(
    bounds=(
        Bound(_AMOUNTS, 0.0, 1e12, "an amount in US dollars"),
        Bound(("high_yield", "median_yield", "low_yield"), YIELD_PCT.low, YIELD_PCT.high, YIELD_PCT.what),
        Bound(("bid_to_cover",), 1.0, 50.0, "a bid-to-cover ratio (tendered / accepted)"),
        Bound(_SHARES, 0.0, 100.0, "a share in percent"),
    ),
    spans=(Span(("auction_date", "issue_date"), "1979-01-01"), Span(("maturity_date",), "1979-01-01", 33 * 366)),
    totals=(
        Total(("dealer_accepted_usd", "direct_accepted_usd", "indirect_accepted_usd"), "comp_accepted_usd", 1.0),
        Total(_SHARES, 100.0, 0.015),
    ),
    cusips=("cusip",),
    key=("source", "cusip", "auction_date"),
)
