"""Cross-market data: yield curves (US par, JGB), any stored series (FRED, BOJ), FX, foreign
demand for Treasuries, and the one-screen market snapshot.

Every function reads the warehouse; :func:`snapshot_rows` does so without pandas so that
``bondwatch snapshot`` starts fast. Units: yields and breakevens in percent, their changes in
basis points, FX in units of foreign currency per US dollar, amounts in US$ billions.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError
from bondwatch.service.auctions import parse_date
from bondwatch.service.jgb_auctions import latest_jgb_verdicts

if TYPE_CHECKING:
    import httpx
    import pandas as pd

CURVES = {"us": "us_par", "jp": "jp_mof"}
CURVE_NAMES = {"us_par": "US Treasury par curve", "jp_mof": "JGB benchmark curve (MOF Japan)"}
FX_PAIRS = {
    "usdjpy": ("DEXJPUS", "yen per US dollar (H.10 noon buying rate, New York)"),
    "usdcny": ("DEXCHUS", "yuan per US dollar (H.10 noon buying rate, New York)"),
}
HOLDERS = {
    "japan": "Japan", "china": "China, Mainland", "total": "Grand Total", "uk": "United Kingdom",
    "official": "Foreign official",
}
CAVEATS = (
    "Indirect is not foreign: indirect bidders are everyone who bids through a primary dealer or "
    "the Fed (including domestic funds and FIMA accounts); the share is of competitive accepted.",
    "The Foreign and international allotment class is of the amount allotted to the public (SOMA "
    "excluded), by issue date; it counts where the buyer is, not what it does next.",
    "TIC custodial bias: holdings are attributed to the country of the custodian, so securities "
    "held for Chinese, Gulf or other owners in Belgium, Luxembourg, the UK or the Cayman Islands "
    "show up there, not under the owner.",
    "Valuation effects: holdings since December 2011 are reported at market value (Form SLT), so a "
    "fall in holdings can be falling prices (rising yields) rather than selling.",
    "Series breaks (annual benchmark surveys, and the switch to SLT in 2011) change the basis; "
    "changes across a flagged break mix the revision with flows.",
)
STALE_DAYS = 10  # an observation more than this many days before the date asked for is stale
_MATURITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(y|yr|yrs|year|years|m|mo|month|months)?\s*$", re.I)


def maturity_years(text: str | float) -> float:
    """'7.5y' -> 7.5, '18m' -> 1.5, '10' -> 10.0 (years); UsageError for anything else."""
    if isinstance(text, (int, float)):
        years = float(text)
    else:
        m = _MATURITY.match(str(text))
        if not m:
            raise UsageError(f"--at {text!r}: expected a maturity such as 7.5y, 18m or 10")
        unit = (m.group(2) or "y").lower()
        years = float(m.group(1)) / (12.0 if unit.startswith("m") else 1.0)
    if not 0 < years <= 50:
        raise UsageError(f"--at {text!r}: expected a maturity between 0 and 50 years")
    return years


def _warehouse(warehouse: str | Path | None) -> store.Warehouse:
    return store.Warehouse(warehouse)


# ----------------------------------------------------------------------------- curves
def yield_curve(
    country: str = "us", date: str | Date | None = None, *, at: list[str | float] | None = None,
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """One day's curve (percent): every published tenor, plus interpolated maturities ``at``.

    ``country`` is 'us' (Treasury par curve) or 'jp' (MOF JGB curve); ``date`` defaults to the
    latest; a date without a curve uses the last curve before it (within 10 days). Interpolation:
    linear in maturity between the neighbouring published nodes, no extrapolation
    (:func:`bondwatch.analytics.curve.interpolate`). Each row carries the ``provenance_id`` of
    its import (None for interpolated rows); ``.attrs``: ``held_from``/``held_to`` (the dates
    the warehouse holds for this curve) and ``warnings`` (the curve ends before ``date``).
    """
    import numpy as np
    import pandas as pd

    from bondwatch.analytics.curve import interpolate

    curve = CURVES.get(str(country).lower())
    if curve is None:
        raise UsageError(f"curve {country!r}: expected one of {', '.join(CURVES)}")
    day = parse_date(date)
    with _warehouse(warehouse) as wh:
        found, held_from, held_to = wh.rows(
            "SELECT max(date) FILTER (WHERE ? IS NULL OR date <= ?), min(date), max(date) FROM yield_curves "
            "WHERE curve = ?", [day, day, curve]
        )[0]
        if found is None or (day is not None and (day - found).days > STALE_DAYS):
            held = f"it holds {held_from} to {held_to}" if held_to else "it holds none"
            raise NotFoundError(f"no {CURVE_NAMES[curve]} on or within {STALE_DAYS} days before "
                                f"{day or 'any date'} in the warehouse ({held}): run `bondwatch update` for that period")
        frame = wh.frame(
            "SELECT curve, date, tenor, tenor_years, yield_pct, provenance_id FROM yield_curves "
            "WHERE curve = ? AND date = ? ORDER BY tenor_years", [curve, found],
        )
    frame["interpolated"] = False
    if at:
        years = np.array([maturity_years(a) for a in at])
        values = interpolate(frame["tenor_years"].to_numpy(), frame["yield_pct"].to_numpy(), years)
        outside = [a for a, v in zip(at, values) if np.isnan(v)]
        if outside:
            span = f"{frame['tenor_years'].min():g}-{frame['tenor_years'].max():g} years"
            raise UsageError(f"--at {outside[0]}: outside the published maturities ({span}); no extrapolation")
        extra = pd.DataFrame({
            "curve": curve, "date": found, "tenor": [f"{y:g}y" for y in years], "tenor_years": years,
            "yield_pct": values, "provenance_id": None, "interpolated": True,
        })
        frame = pd.concat([frame, extra], ignore_index=True).sort_values(["tenor_years", "interpolated"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["provenance_id"] = frame["provenance_id"].astype("Int64")
    frame = frame.reset_index(drop=True)
    ends_early = day is not None and found < day and found == held_to
    frame.attrs.update(held_from=held_from, held_to=held_to, warnings=[
        f"{CURVE_NAMES[curve]} ends {held_to} in the warehouse, before {day}: showing {held_to}"] if ends_early else [])
    return frame


# ----------------------------------------------------------------------------- series and FX
def known_series(warehouse: str | Path | None = None) -> list[str]:
    """IDs of every stored series."""
    with _warehouse(warehouse) as wh:
        return [r[0] for r in wh.rows("SELECT DISTINCT series_id FROM series ORDER BY 1")]


def fetch_series(series_ids: list[str], *, client: httpx.Client | None = None,
                 warehouse: str | Path | None = None) -> pd.DataFrame:
    """Fetch FRED series live (CSV download, or the API with FRED_API_KEY) and store them."""
    from bondwatch import http
    from bondwatch.service.update import import_batches
    from bondwatch.sources import fred
    from bondwatch.sources.registry import by_name

    dataset = by_name("fred.series")
    owned = client is None
    client = client or http.make_client()
    try:
        fetched = fred.fetch(client, series_ids=[fred.check_id(s) for s in series_ids])
    finally:
        if owned:
            client.close()
    return import_batches([(dataset, f) for f in fetched], warehouse=warehouse)


def series(
    series_id: str, since: str | Date | None = None, *, until: str | Date | None = None,
    fetch: bool = False, warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Observations of a stored series (FRED ID such as 'T10YIE', or 'BOJ:FM01:STRDCLUCON').

    Columns: series_id, date, value (the publisher's units, see ``.attrs['units']``) and the
    ``provenance_id`` of the import each value came from. With ``fetch=True`` a FRED series not
    yet stored is fetched live first. ``.attrs`` also hold ``held_from``/``held_to`` (the dates
    the warehouse holds for the series) and ``warnings`` when it ends before ``since``/``until``.
    Titles of FRED CSV downloads (which carry none) come from :data:`bondwatch.sources.fred.KNOWN`.
    """
    import pandas as pd

    from bondwatch.sources.fred import KNOWN

    wanted = str(series_id).strip()
    wanted = wanted if wanted.upper().startswith("BOJ:") else wanted.upper()
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    with _warehouse(warehouse) as wh:
        exists = wh.rows("SELECT count(*) FROM series WHERE series_id = ?", [wanted])[0][0]
    if not exists and fetch:
        fetch_series([wanted], warehouse=warehouse)
        exists = 1
    with _warehouse(warehouse) as wh:
        if not exists:
            known = [r[0] for r in wh.rows("SELECT DISTINCT series_id FROM series ORDER BY 1")]
            raise NotFoundError(
                f"series {series_id!r} is not in the warehouse (stored: {', '.join(known) or 'none'}); "
                "fetch a FRED series with `bondwatch series ID --fetch`"
            )
        frame = wh.frame(
            "SELECT series_id, date, value, provenance_id FROM series WHERE series_id = ? "
            "AND (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?) ORDER BY date", [wanted, start, start, end, end],
        )
        held_from, held_to = wh.rows("SELECT min(date), max(date) FROM series WHERE series_id = ?", [wanted])[0]
        meta = wh.rows("SELECT title, units, frequency, source FROM series_meta WHERE series_id = ?", [wanted])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    known = (*KNOWN[wanted], "FRED") if wanted in KNOWN else (None,) * 4
    frame.attrs.update(dict(zip(("title", "units", "frequency", "source"), meta[0] if meta else known)))
    asked = max((d for d in (start, end) if d is not None), default=None)
    frame.attrs.update(held_from=held_from, held_to=held_to, warnings=[
        f"{wanted} ends {held_to} in the warehouse, before the {asked} asked for"] if asked and asked > held_to else [])
    return frame


def series_summary(frame: pd.DataFrame, column: str = "value") -> dict[str, Any]:
    """The latest, highest and lowest observation of a series frame, with their dates (empty: {})."""
    if not len(frame):
        return {}
    top, low = frame.loc[frame[column].idxmax()], frame.loc[frame[column].idxmin()]
    return {"latest": float(frame[column].iloc[-1]), "max": float(top[column]), "max_date": top["date"],
            "min": float(low[column]), "min_date": low["date"]}


def fx(pair: str = "usdjpy", since: str | Date | None = None, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """A daily exchange rate: 'usdjpy' (yen per dollar, FRED DEXJPUS) or 'usdcny' (DEXCHUS)."""
    key = str(pair).lower().replace("/", "").replace("-", "")
    if key not in FX_PAIRS:
        raise UsageError(f"fx pair {pair!r}: expected one of {', '.join(FX_PAIRS)}")
    series_id, units = FX_PAIRS[key]
    frame = series(series_id, since, warehouse=warehouse).rename(columns={"value": "rate"})
    frame.insert(0, "pair", key)
    frame.attrs["units"] = units
    return frame.drop(columns="series_id")


# ----------------------------------------------------------------------------- foreign demand
def _holder(wh: store.Warehouse, holder: str) -> str:
    name = HOLDERS.get(str(holder).strip().lower())
    stored = {r[0].lower(): r[0] for r in wh.rows("SELECT DISTINCT country FROM tic_holdings")}
    if not stored:
        raise NotFoundError("no TIC holdings in the warehouse: run `bondwatch update` (dataset tic)")
    found = stored.get((name or str(holder)).strip().lower())
    if found is None:
        raise UsageError(
            f"--holder {holder!r}: unknown holder; expected {', '.join(HOLDERS)} or a TIC country such as "
            f"{', '.join(sorted(stored.values())[:6])}, ..."
        )
    return found


def _tic_changes(tic: pd.DataFrame) -> pd.DataFrame:
    """Level and 3-/12-month changes ($ bn); ``break_in_window`` when a series break falls in the 12 months."""
    import pandas as pd

    tic = tic.sort_values("month").reset_index(drop=True)
    tic["month"] = pd.to_datetime(tic["month"])
    level = tic.set_index("month")["holdings_bn"]
    for months in (3, 12):
        before = level.reindex(tic["month"] - pd.DateOffset(months=months)).to_numpy()
        tic[f"chg_{months}m_bn"] = tic["holdings_bn"].to_numpy() - before
    breaks = tic.set_index("month")["series_break"].astype(int).rolling("366D").sum()
    tic["break_in_window"] = breaks.to_numpy() > 0
    return tic


def foreign_demand(
    holder: str = "total", tenor: str = "30y", since: str | Date | None = None, *, by: str = "auction",
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Foreign demand for one tenor, side by side: TIC holdings, the Foreign and international
    allotment share and the indirect-bidder share.

    ``by='auction'``: one row per auction of the tenor (TIC figures for the auction's month).
    ``by='month'``: one row per TIC month (auction shares averaged over that month's auctions).
    Holdings in US$ billions; shares in percent. Read :data:`CAVEATS` before drawing conclusions.
    ``.attrs['warnings']`` says when TIC or the allotments end before the last auction held.
    """
    import pandas as pd

    from bondwatch.service.auctions import merged_results
    from bondwatch.tenors import parse_tenor

    code = parse_tenor(tenor)
    start = parse_date(since, "--since")
    if by not in ("auction", "month"):
        raise UsageError(f"--by {by!r}: expected auction or month")
    with _warehouse(warehouse) as wh:
        country = _holder(wh, holder)
        tic = wh.frame("SELECT month, holdings_bn, series_break FROM tic_holdings WHERE country = ?", [country])
        results = wh.frame("SELECT * FROM auction_results WHERE tenor = ?", [code])
        allot = wh.frame(
            "SELECT cusip, issue_date, foreign_pct, public_bn FROM allotments WHERE tenor = ?", [code]
        ) if wh.has_table("allotments") else pd.DataFrame(columns=["cusip", "issue_date", "foreign_pct", "public_bn"])
    if results.empty:
        raise NotFoundError(f"no {code} auctions in the warehouse: run `bondwatch update`")
    tic = _tic_changes(tic)
    auctions = merged_results(results)[["auction_date", "cusip", "reopening", "indirect_pct", "comp_accepted_usd"]]
    auctions["auction_date"] = pd.to_datetime(auctions["auction_date"])
    allot["issue_date"] = pd.to_datetime(allot["issue_date"])
    auctions = auctions.sort_values("auction_date")
    warnings = _foreign_warnings(tic, allot, auctions["auction_date"].max(), by)
    # each allotment row belongs to the auction of its CUSIP nearest before its issue date
    joined = pd.merge_asof(
        allot.sort_values("issue_date"), auctions[["auction_date", "cusip"]],
        left_on="issue_date", right_on="auction_date", by="cusip", direction="backward",
        tolerance=pd.Timedelta(days=45),
    ).dropna(subset=["auction_date"])
    auctions = auctions.merge(
        joined[["cusip", "auction_date", "issue_date", "foreign_pct"]].rename(columns={"foreign_pct": "foreign_allotment_pct"}),
        on=["cusip", "auction_date"], how="left",
    )
    auctions["month"] = auctions["auction_date"].dt.to_period("M").dt.to_timestamp()
    tic_cols = ["month", "holdings_bn", "chg_3m_bn", "chg_12m_bn", "series_break", "break_in_window"]
    if by == "auction":
        out = auctions.merge(tic[tic_cols], on="month", how="left")
        if start:
            out = out[out["auction_date"] >= pd.Timestamp(start)]
        out.insert(0, "holder", country)
        out.insert(1, "tenor", code)
        out = out.rename(columns={"month": "tic_month", "series_break": "tic_series_break",
                                  "break_in_window": "tic_break_in_12m"})
        for column in ("auction_date", "issue_date", "tic_month"):
            out[column] = out[column].dt.date
        out = out.drop(columns="comp_accepted_usd").reset_index(drop=True)
        out.attrs["warnings"] = warnings
        return out
    monthly = auctions.groupby("month").agg(
        auctions=("cusip", "size"), foreign_allotment_pct=("foreign_allotment_pct", "mean"),
        indirect_pct=("indirect_pct", "mean"),
    ).reset_index()
    out = tic[tic_cols].merge(monthly, on="month", how="left")
    out["auctions"] = out["auctions"].fillna(0).astype(int)
    if start:
        out = out[out["month"] >= pd.Timestamp(start)]
    out.insert(0, "holder", country)
    out.insert(1, "tenor", code)
    out["month"] = out["month"].dt.date
    out = out.reset_index(drop=True)
    out.attrs["warnings"] = warnings
    return out


def _foreign_warnings(tic: pd.DataFrame, allot: pd.DataFrame, last_auction: pd.Timestamp, by: str) -> list[str]:
    """Say where TIC holdings or allotments end before the last auction held (blank cells otherwise unexplained)."""
    import pandas as pd

    warnings = []
    tic_end = tic["month"].max()
    if tic_end.to_period("M") < last_auction.to_period("M"):
        left = "have no TIC figures" if by == "auction" else "are not shown (one row per TIC month)"
        warnings.append(f"TIC holdings end {tic_end:%Y-%m} in the warehouse; the auctions after it, to "
                        f"{last_auction:%Y-%m-%d}, {left}")
    allot_end = allot["issue_date"].max()
    if not pd.isna(allot_end) and allot_end < last_auction:
        warnings.append(f"investor-class allotments end {allot_end:%Y-%m-%d} (issue date) in the warehouse; "
                        "later auctions have no Foreign and international share")
    return warnings


# ----------------------------------------------------------------------------- snapshot
# (label, unit, [(table, id, tenor_years or None), ...] in order of preference, scale)
SNAPSHOT_ITEMS: tuple[tuple[str, str, tuple[tuple[str, str, float | None], ...], float], ...] = (
    ("UST 10y", "%", (("curve", "us_par", 10.0), ("series", "DGS10", None)), 1.0),
    ("UST 30y", "%", (("curve", "us_par", 30.0), ("series", "DGS30", None)), 1.0),
    ("JGB 10y", "%", (("curve", "jp_mof", 10.0),), 1.0),
    ("JGB 30y", "%", (("curve", "jp_mof", 30.0),), 1.0),
    ("USD/JPY", "yen", (("series", "DEXJPUS", None),), 1.0),
    ("5y breakeven", "%", (("series", "T5YIE", None),), 1.0),
    ("10y breakeven", "%", (("series", "T10YIE", None),), 1.0),
    ("Fed total assets", "$ bn", (("series", "WALCL", None),), 1e-3),  # WALCL is in $ millions
)
SPREADS = (("UST-JGB 10y spread", "UST 10y", "JGB 10y"), ("UST-JGB 30y spread", "UST 30y", "JGB 30y"))
HORIZONS = (("1w", timedelta(days=7)), ("1m", None), ("1y", None))


def _months_before(day: Date, months: int) -> Date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return Date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _asof_all(wh: store.Warehouse, anchors: dict[str, Date]) -> dict[tuple, tuple[Date, float]]:
    """Latest observation on or before each anchor day for every snapshot source, in two ASOF joins.

    Keys: (table, ident, tenor_years, anchor name) -> (date, value)."""
    found: dict[tuple, tuple[Date, float]] = {}
    sources = {c for _, _, candidates, _ in SNAPSHOT_ITEMS for c in candidates}
    for table, sql in (
        ("curve", "SELECT p.ident, p.tenor, p.anchor, y.date, y.yield_pct FROM probes p ASOF JOIN yield_curves y "
                  "ON y.curve = p.ident AND y.tenor_years = p.tenor AND p.day >= y.date"),
        ("series", "SELECT p.ident, p.tenor, p.anchor, s.date, s.value FROM probes p ASOF JOIN series s "
                   "ON s.series_id = p.ident AND p.day >= s.date"),
    ):
        probes = [(ident, tenor if tenor is not None else 0.0, name, at)
                  for t, ident, tenor in sources if t == table for name, at in anchors.items()]
        values = ", ".join("(?, ?, ?, ?::DATE)" for _ in probes)
        rows = wh.rows(f"WITH probes(ident, tenor, anchor, day) AS (VALUES {values}) {sql}",
                       [v for probe in probes for v in probe])
        for ident, tenor, anchor, day, value in rows:
            found[(table, ident, tenor if table == "curve" else None, anchor)] = (day, value)
    return found


def _latest_day(wh: store.Warehouse) -> Date | None:
    rows = wh.rows("SELECT max(d) FROM (SELECT max(date) AS d FROM yield_curves WHERE curve = 'us_par' "
                   "UNION ALL SELECT max(date) FROM series WHERE series_id = 'DGS10')")
    return rows[0][0]


def _anchor_days(day: Date) -> dict[str, Date]:
    return {"now": day, "1w": day - timedelta(days=7), "1m": _months_before(day, 1), "1y": _months_before(day, 12)}


def _is_recent(obs: tuple[Date, float] | None, anchor: Date) -> bool:
    """An observation counts for ``anchor`` if it is at most :data:`STALE_DAYS` older."""
    return obs is not None and (anchor - obs[0]).days <= STALE_DAYS


def _choose(candidates: tuple, observed: dict[tuple, tuple[Date, float]], day: Date) -> tuple | None:
    """The first candidate with a recent observation; if none is recent, the one observed last."""
    held = [c for c in candidates if (*c, "now") in observed]
    recent = [c for c in held if _is_recent(observed[(*c, "now")], day)]
    return recent[0] if recent else max(held, key=lambda c: observed[(*c, "now")][0], default=None)


def _spread(a: tuple[Date, float] | None, b: tuple[Date, float] | None) -> tuple[Date, float] | None:
    """a - b, dated by the older leg; None unless both legs are within :data:`STALE_DAYS` of each other."""
    if a is None or b is None or abs((a[0] - b[0]).days) > STALE_DAYS:
        return None
    return min(a[0], b[0]), a[1] - b[1]


def snapshot_rows(date: str | Date | None = None, *, warehouse: str | Path | None = None) -> dict[str, Any]:
    """The market snapshot as plain Python (no pandas):
    ``{'date', 'us_yields_held_to', 'items': [...], 'warnings': [...], 'auctions': [...]}``.

    Each item: label, unit, value, as_of (the value's own date), source, stale, and
    chg_1w/chg_1m/chg_1y (basis points for percent items and spreads, else the item's unit), each
    the value at ``date`` (latest observation on or before it) minus the value on or before 7
    days / 1 month / 1 year earlier. Values are never mixed across dates silently: an item whose
    latest observation is more than :data:`STALE_DAYS` before ``date`` is ``stale`` and has no
    changes; a change needs an earlier observation within :data:`STALE_DAYS` of its horizon; a
    spread (UST minus JGB, percentage points) needs legs within :data:`STALE_DAYS` of each other.
    Each such gap is said in ``warnings``. Auctions: the latest verdict per tenor (JGB tenors as
    'jgb-20y', with no CUSIP).
    """
    day = parse_date(date)
    with _warehouse(warehouse) as wh:
        held_to = _latest_day(wh)
        day = day or held_to
        if day is None:
            raise NotFoundError("no US yields in the warehouse: run `bondwatch update` first")
        anchors = _anchor_days(day)
        observed = _asof_all(wh, anchors)
        values: dict[str, dict[str, tuple[Date, float] | None]] = {}
        items = []
        for label, unit, candidates, scale in SNAPSHOT_ITEMS:
            chosen = _choose(candidates, observed, day)
            values[label] = {
                k: (obs[0], obs[1] * scale) if chosen and (obs := observed.get((*chosen, k))) else None for k in anchors
            }
            source = None if chosen is None else chosen[1] if chosen[0] == "series" else f"{chosen[1]} {chosen[2]:g}y"
            items.append({"label": label, "unit": unit, "source": source})
        verdicts = _verdicts(wh, day) + latest_jgb_verdicts(wh, day)
    warnings, spread_warnings = [], []
    for label, first, second in SPREADS:
        values[label] = {k: _spread(values[first][k], values[second][k]) for k in anchors}
        a, b = values[first]["now"], values[second]["now"]
        if a and b and values[label]["now"] is None:
            spread_warnings.append(f"{label}: not computed: {first} is dated {a[0]}, {second} {b[0]} "
                                   f"({abs((a[0] - b[0]).days)} days apart)")
        items.append({"label": label, "unit": "pp", "source": f"{first} - {second}"})
    for item in items:
        obs = values[item["label"]]
        now = obs["now"]
        item["value"] = round(now[1], 4) if now else None
        item["as_of"] = now[0].isoformat() if now else None
        item["stale"] = bool(now) and not _is_recent(now, day)
        if item["stale"]:
            warnings.append(f"{item['label']}: latest observation {now[0]} ({item['source']}) is "
                            f"{(day - now[0]).days} days before {day}; no changes shown")
        elif now is None and item["unit"] != "pp":
            warnings.append(f"{item['label']}: nothing held on or before {day}")
        bp = item["unit"] in ("%", "pp")
        for horizon, _ in HORIZONS:
            then = obs[horizon]
            usable = now and not item["stale"] and _is_recent(then, anchors[horizon]) and then[0] < now[0]
            item[f"chg_{horizon}"] = round((now[1] - then[1]) * (100.0 if bp else 1.0), 2) if usable else None
        item["change_unit"] = "bp" if bp else item["unit"]
    return {"date": day.isoformat(), "us_yields_held_to": held_to.isoformat() if held_to else None,
            "items": items, "warnings": warnings + spread_warnings, "auctions": verdicts}


def _verdicts(wh: store.Warehouse, day: Date) -> list[dict[str, Any]]:
    if not wh.has_table("auction_scorecards"):
        return []
    rows = wh.rows(
        "SELECT tenor, auction_date, cusip, verdict FROM auction_scorecards WHERE excluded IS NULL AND auction_date <= ? "
        "QUALIFY row_number() OVER (PARTITION BY tenor ORDER BY auction_date DESC) = 1 ORDER BY tenor", [day],
    )
    return [{"tenor": t, "auction_date": d.isoformat(), "cusip": c, "verdict": v} for t, d, c, v in rows]


def snapshot(date: str | Date | None = None, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The market snapshot as a DataFrame (one row per item; see :func:`snapshot_rows`); the
    latest auction verdicts, the warnings and the last US yield date held are in ``.attrs``."""
    import pandas as pd

    rows = snapshot_rows(date, warehouse=warehouse)
    frame = pd.DataFrame(rows["items"])
    frame.attrs.update({k: v for k, v in rows.items() if k != "items"})
    return frame


__all__ = ["yield_curve", "series", "fx", "foreign_demand", "snapshot"]
