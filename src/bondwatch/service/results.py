"""Adapters: every service function's answer as one :class:`bondwatch.result.Result`.

Each adapter calls the existing service function, then attaches ``meta`` (units, inputs,
assumptions, caveats) and ``sources`` (the provenance records of the rows used, or the documents
a preset cites). The REST API, the web pages and the CLI's ``--json`` and ``--csv`` depend on this
module, so the CLI prints the API's documents (see docs/api.md).

Every adapter takes ``warehouse`` (a path; default: the user's warehouse).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date as Date
from pathlib import Path
from typing import Any

from bondwatch import store
from bondwatch.result import Result, Source
from bondwatch.store.lineage import Rows, provenance_ids, provenance_records

WarehousePath = str | Path | None

CARD_FIELDS = (
    "auction_date", "cusip", "security_term", "original_term", "original_tenor", "reopening", "offering_amount",
    "high_yield", "median_yield", "bid_to_cover", "indirect_pct", "direct_pct", "dealer_pct",
    "tail_curve_bp", "tail_median_bp", "tail_prior_curve_bp", "fitted_curve_yield", "tail_fitted_curve_bp",
    "vs_last6", "percentile_10y", "verdict", "reasons", "caveats", "sources",
    "tenor", "kind", "maturity_date", "score", "excluded", "units",
)
CARD_NOTES = (
    "shares are % of competitive accepted (SOMA and non-competitive excluded)",
    "the curve tail uses the end-of-day par curve, so post-auction moves leak in (not scored)",
    "tail weights follow their agreement with published when-issued tails (docs/methods.md)",
)
CARD_LABELS = {
    "bid_to_cover": "bid-to-cover (x)", "indirect_pct": "indirect %", "direct_pct": "direct %",
    "dealer_pct": "dealer %", "tail_curve_bp": "tail vs curve (bp)", "tail_median_bp": "high - median (bp)",
    "tail_prior_curve_bp": "tail vs prior-day curve (bp)",
}


def _iso_utc(value: Any) -> str | None:
    return None if value is None else value.isoformat() + "Z"


def _source(record: dict[str, Any], used_for: str | None) -> Source:
    return Source(
        publisher=record["source"], dataset=record["dataset"], location=record["location"],
        vintage=record["vintage"], retrieved_at=_iso_utc(record["retrieved_at"]),
        provenance_id=int(record["id"]), used_for=used_for,
    )


def _sources(wh: store.Warehouse, used: list[tuple[str, Rows]]) -> list[Source]:
    """One Source per (use, import of the rows used for it), in the order of ``used``, then of the ids."""
    found = provenance_ids(wh, [rows for _, rows in used])
    records = {r["id"]: r for r in provenance_records(wh, set().union(set(), *found))}
    return [_source(records[pid], what) for (what, _), ids in zip(used, found) for pid in sorted(ids) if pid in records]


def _preset_sources(cited: Iterable[tuple[str, str]], dataset: str, location: str) -> list[Source]:
    """Sources for a preset's figures: (used_for, the document the preset cites)."""
    return [Source(publisher=text, dataset=dataset, location=location, used_for=what) for what, text in cited]


# ----------------------------------------------------------------------------- auctions
def card_document(card: dict[str, Any]) -> dict[str, Any]:
    """A scorecard as published by the CLI's ``--json`` and the API (the fields of :data:`CARD_FIELDS`)."""
    return {k: card.get(k) for k in CARD_FIELDS}


def _card_sources(cards: list[dict], warehouse: WarehousePath) -> list[Source]:
    """The cards' own sources, each matched to its provenance record (id) once."""
    with store.Warehouse(warehouse) as wh:
        records = {(r["dataset"], r["location"], _iso_utc(r["retrieved_at"])): r for r in provenance_records(wh)}
    seen: dict[tuple, Source] = {}
    for card in cards:
        for s in card.get("sources", []):
            key = (s["dataset"], s["location"], s["retrieved_at"], s["used_for"])
            if key not in seen and key[:3] in records:
                seen[key] = _source(records[key[:3]], s["used_for"])
    return list(seen.values())


def _cards_result(kind: str, cards: list[dict], warehouse: WarehousePath, **meta: Any) -> Result:
    from bondwatch.service.auctions import FLAT_COLUMNS, UNITS

    return Result(
        kind=kind,
        data=[card_document(c) for c in cards],
        meta={**meta, "units": UNITS, "labels": CARD_LABELS, "notes": list(CARD_NOTES)},
        sources=_card_sources(cards, warehouse),
        csv_columns=FLAT_COLUMNS,
    )


def auction_result(target: str, date: str | Date | None = None, *, warehouse: WarehousePath = None) -> Result:
    """Scorecard of the latest (or dated) auction of a tenor, or every auction of a CUSIP; a JGB
    tenor ('jgb-20y') gives its JGB auction scorecard (:func:`jgb_cards_result`)."""
    if is_jgb_target(target):
        from bondwatch.service.jgb_auctions import find_jgb_cards

        cards = find_jgb_cards(target, date=date, warehouse=warehouse)
        return jgb_cards_result("jgb_auction", cards, warehouse, target=target, date=date)
    from bondwatch.service.auctions import find_cards

    cards = find_cards(target, date=date, warehouse=warehouse)
    return _cards_result("auction", cards, warehouse, target=target, date=date)


def is_jgb_target(target: str | None) -> bool:
    """'jgb-20y', 'JGB 20y': a JGB auction tenor rather than a Treasury tenor or CUSIP."""
    return (target or "").strip().lower().startswith("jgb")


def jgb_cards_result(kind: str, cards: list[dict], warehouse: WarehousePath, **meta: Any) -> Result:
    """JGB auction scorecards (MOF Japan) as a Result: the cards as scored, their sources."""
    from bondwatch.service.jgb_auctions import FLAT_COLUMNS, NOTES, UNITS

    return Result(kind=kind, data=cards, meta={**meta, "units": UNITS, "notes": list(NOTES)},
                  sources=_card_sources(cards, warehouse), csv_columns=FLAT_COLUMNS)


def jgb_auctions_result(
    tenor: str | None = None, since: str | Date | None = None, until: str | Date | None = None,
    *, last: int | None = None, warehouse: WarehousePath = None,
) -> Result:
    """JGB auction scorecards (of one tenor, within dates; the latest ``last``), oldest first."""
    from bondwatch.service.jgb_auctions import list_jgb_cards

    cards = list_jgb_cards(tenor, since=since, until=until, last=last, warehouse=warehouse)
    return jgb_cards_result("jgb_auctions", cards, warehouse, tenor=tenor, since=since, until=until, last=last)


def auctions_result(
    tenor: str | None = None, since: str | Date | None = None, until: str | Date | None = None,
    *, last: int | None = None, warehouse: WarehousePath = None,
) -> Result:
    """Scorecards of every auction (of one tenor, within dates; the latest ``last``), oldest first."""
    from bondwatch.service.auctions import list_cards

    cards = list_cards(tenor, since=since, until=until, last=last, warehouse=warehouse)
    return _cards_result("auctions", cards, warehouse, tenor=tenor, since=since, until=until, last=last)


# ----------------------------------------------------------------------------- market
def curve_result(
    country: str = "us", date: str | Date | None = None, at: list[str] | None = None,
    *, warehouse: WarehousePath = None,
) -> Result:
    """One day's yield curve (percent), with interpolated maturities ``at``."""
    from bondwatch.service import market

    frame = market.yield_curve(country, date, at=at, warehouse=warehouse)
    curve, day = frame["curve"].iloc[0], frame["date"].iloc[0]
    with store.Warehouse(warehouse) as wh:
        sources = _sources(wh, [("yields", Rows("yield_curves", {"curve": curve, "date": day}))])
    meta = {"curve": curve, "name": market.CURVE_NAMES[curve], "date": day, "requested_date": date,
            "units": {"yield_pct": "percent", "tenor_years": "years"},
            "interpolation": "linear in maturity between neighbouring published tenors; no extrapolation",
            **frame.attrs}
    return Result("curve", frame, meta, sources)


def series_result(
    series_id: str, since: str | Date | None = None, until: str | Date | None = None,
    *, fetch: bool = False, warehouse: WarehousePath = None,
) -> Result:
    """A stored series' observations (the publisher's units, in ``meta``; ``fetch``: a FRED
    series not stored is fetched first), with its latest, highest and lowest values."""
    from bondwatch.service import market

    frame = market.series(series_id, since, until=until, fetch=fetch, warehouse=warehouse)
    return _series_result("series", frame, frame["series_id"].iloc[0] if len(frame) else series_id, warehouse,
                          summary=market.series_summary(frame))


def _series_result(kind: str, frame, series_id: str, warehouse: WarehousePath, **meta: Any) -> Result:
    first = frame["date"].iloc[0] if len(frame) else None
    last = frame["date"].iloc[-1] if len(frame) else None
    with store.Warehouse(warehouse) as wh:
        rows = Rows("series", {"series_id": series_id}, date_column="date", since=first, until=last)
        sources = _sources(wh, [(f"{series_id} observations", rows)])
    return Result(kind, frame, {"series_id": series_id, **frame.attrs, **meta, "first": first, "last": last}, sources)


def fx_result(pair: str = "usdjpy", since: str | Date | None = None, *, warehouse: WarehousePath = None) -> Result:
    """A daily exchange rate (FRED H.10)."""
    from bondwatch.service import market

    frame = market.fx(pair, since, warehouse=warehouse)
    series_id = market.FX_PAIRS[frame["pair"].iloc[0] if len(frame) else pair.lower()][0]
    return _series_result("fx", frame, series_id, warehouse, pair=pair.lower())


def foreign_result(
    holder: str = "total", tenor: str = "30y", since: str | Date | None = None, *, warehouse: WarehousePath = None,
) -> Result:
    """Foreign demand for a tenor: per auction (data) and per TIC month (table ``months``), with caveats."""
    from bondwatch.service import market
    from bondwatch.tenors import parse_tenor

    per_auction = market.foreign_demand(holder, tenor, since, by="auction", warehouse=warehouse)
    per_month = market.foreign_demand(holder, tenor, since, by="month", warehouse=warehouse)
    country = per_auction["holder"].iloc[0] if len(per_auction) else holder
    code = parse_tenor(tenor)
    with store.Warehouse(warehouse) as wh:
        sources = _sources(wh, [
            ("TIC holdings", Rows("tic_holdings", {"country": country})),
            ("indirect shares", Rows("auction_results", {"tenor": code})),
            ("foreign allotment shares", Rows("allotments", {"tenor": code})),
        ])
    meta = {"holder": country, "tenor": code, "since": since,
            "units": {"holdings": "US$ billions", "shares": "percent"}, "caveats": list(market.CAVEATS),
            "warnings": per_auction.attrs["warnings"]}
    return Result("foreign", per_auction, meta, sources, tables={"months": per_month})


SNAPSHOT_CSV = ("label", "value", "unit", "as_of", "stale", "chg_1w", "chg_1m", "chg_1y", "change_unit", "source")


def snapshot_result(date: str | Date | None = None, *, warehouse: WarehousePath = None) -> Result:
    """The market snapshot (items: value, as-of date, changes) and the latest verdict per tenor."""
    from bondwatch.service.market import snapshot_rows

    rows = snapshot_rows(date, warehouse=warehouse)
    used: list[tuple[str, Rows]] = []
    for item in rows["items"]:
        source, day = item["source"], item["as_of"]
        if source is None or day is None or " - " in source:
            continue
        if " " in source:  # 'us_par 10y': a curve node
            curve, years = source.split(" ")
            equal = {"curve": curve, "date": Date.fromisoformat(day), "tenor_years": float(years.rstrip("y"))}
            used.append((item["label"], Rows("yield_curves", equal)))
        else:
            used.append((item["label"], Rows("series", {"series_id": source, "date": Date.fromisoformat(day)})))
    for a in rows["auctions"]:
        day = Date.fromisoformat(a["auction_date"])
        if a["cusip"] is None:  # a JGB auction: keyed by tenor and date
            used.append((f"{a['tenor']} verdict", Rows("jgb_auction_results", {"tenor": a["tenor"], "auction_date": day})))
        else:
            used.append((f"{a['tenor']} verdict", Rows("auction_results", {"cusip": a["cusip"], "auction_date": day})))
    with store.Warehouse(warehouse) as wh:
        sources = _sources(wh, used)
    meta = {"date": rows["date"], "us_yields_held_to": rows["us_yields_held_to"],
            "change_units": "bp for percent items and spreads, else the item's unit",
            "spreads": "UST minus JGB, percentage points", "warnings": rows["warnings"]}
    return Result("snapshot", rows["items"], meta, sources, tables={"auctions": rows["auctions"]},
                  csv_columns=SNAPSHOT_CSV)


def status_result(*, warehouse: WarehousePath = None) -> Result:
    """Every import in the warehouse with its provenance (data), newest last."""
    with store.Warehouse(warehouse) as wh:
        records = provenance_records(wh)
        where = str(wh.path)
    return Result("status", records, {"warehouse": where}, [_source(r, "import") for r in records])


# ----------------------------------------------------------------------------- debt
def _debt_sources(frame, warehouse: WarehousePath, with_yields: bool) -> list[Source]:
    from bondwatch.service.debt import YIELD_CURVE

    a = frame.attrs
    vintage = next(x["value"] for x in a["assumptions"] if x["name"] == "weo_vintage")
    used = [("WEO baseline", Rows("weo", {"vintage": str(vintage), "iso": a["country"]}))]
    if with_yields:
        used.append(("10-year yields for the shock history",
                     Rows("yield_curves", {"curve": YIELD_CURVE[a["country"]], "tenor_years": 10.0})))
    with store.Warehouse(warehouse) as wh:
        sources = _sources(wh, used)
    cited = [(x["name"], x["source"]) for x in a.get("assumptions", []) if x.get("source")]
    return sources + _preset_sources(cited, f"scenario {a.get('scenario', '')}", "presets/debt")


def debt_project_result(
    country: str, scenario: str | None = None, *, paths: int | None = None, seed: int = 0, method: str = "var",
    warehouse: WarehousePath = None,
) -> Result:
    """Debt projection (percent of GDP) with r-g decomposition, and fan-chart bands with ``paths``."""
    from bondwatch.service.debt import debt_project

    frame = debt_project(country, scenario, paths=paths, seed=seed, method=method, warehouse=warehouse)
    meta = {**frame.attrs, "units": "percent of GDP; contributions in pp; net_interest_rate in percent (net interest / gross debt)"}
    return Result("debt-project", frame, meta, _debt_sources(frame, warehouse, paths is not None))


def debt_stress_result(
    country: str, scenario: str | None = None, *, custom: str | Path | None = None, warehouse: WarehousePath = None,
) -> Result:
    """Standard stress tests on a scenario, and those of a ``custom`` YAML file (long table:
    scenario, year, ...)."""
    from bondwatch.service.debt import debt_stress

    frame = debt_stress(country, scenario, custom=custom, warehouse=warehouse)
    meta = {**frame.attrs, "units": "percent of GDP; debt_gdp_vs_baseline in pp"}
    return Result("debt-stress", frame, meta, _debt_sources(frame, warehouse, False))


def debt_compare_result(country: str, scenarios: list[str], *, warehouse: WarehousePath = None) -> Result:
    """Deterministic paths of several scenarios (long table: scenario, year, ...)."""
    from bondwatch.service.debt import debt_compare, load_scenario

    frame = debt_compare(country, *scenarios, warehouse=warehouse)
    sources: list[Source] = []
    for name in scenarios:
        loaded = load_scenario(name)
        frame.attrs["assumptions"] = [{"name": k, "value": v, "source": loaded["sources"].get(k, "")}
                                      for k, v in loaded["assumptions"].items()]
        frame.attrs["scenario"] = loaded["name"]
        sources += [s for s in _debt_sources(frame, warehouse, False) if s not in sources]
    del frame.attrs["assumptions"], frame.attrs["scenario"]
    return Result("debt-compare", frame, {**frame.attrs, "units": "percent of GDP"}, sources)


def debt_scenarios_result() -> Result:
    """The shipped scenario presets (name, country, description)."""
    from bondwatch.service.debt import load_scenario, preset_names

    rows = [{k: s[k] for k in ("name", "country", "description")} for s in map(load_scenario, preset_names())]
    return Result("debt-scenarios", rows)


# ----------------------------------------------------------------------------- trade
def fx_gap_result(
    country: str = "US", partner: str | None = None, *, target_pct: float = 0.0,
    export_elasticity: float | None = None, import_elasticity: float | None = None,
    pass_through: float | None = None, warehouse: WarehousePath = None,
) -> Result:
    """The real depreciation that closes a trade gap (data: one row), its J-curve and sensitivity table."""
    from bondwatch.service import trade

    options = {"target_pct": target_pct, "export_elasticity": export_elasticity,
               "import_elasticity": import_elasticity, "pass_through": pass_through, "warehouse": warehouse}
    result = trade.fx_gap(country, partner, **options)
    path = trade.fx_gap(country, partner, view="path", **options)
    sensitivity = trade.fx_gap(country, partner, view="sensitivity", **options)
    row = result.iloc[0]
    preset = trade.load_preset("us")
    year = int(row["year"])
    since, until = Date(year, 1, 1), Date(year, 12, 31)
    used = [("GDP", Rows("series", {"series_id": preset["gdp"]["series"]}, "date", since, until))]
    if row["kind"] == "multilateral":
        used.append(("balance check", Rows("series", {"series_id": preset["balance_check"]["series"]}, "date",
                                           since, until)))
    else:
        code = str(trade.load_preset(preset["partners"][partner.strip().upper()])["partner_code"])
        used.append(("bilateral goods trade", Rows("trade_goods", {"partner_code": code}, "month", since, until)))
    with store.Warehouse(warehouse) as wh:
        sources = _sources(wh, used)
    sources += _preset_sources(result.attrs.get("sources", {}).items(), "trade preset", "presets/trade")
    meta = {"units": "percent; $bn; required_depreciation_pct = rise of the dollar price of foreign currency",
            "gap_pct_gdp": sensitivity.attrs.get("gap_pct_gdp")}
    return Result("fx-gap", result, meta, sources, tables={"j_curve": path, "sensitivity": sensitivity})


def tariff_result(exporter: str = "toyota", *, by: str = "period", **options: Any) -> Result:
    """A tariff's effect on an exporter (rows per period and origin), its totals, decomposition,
    the reported figure with the model/reported ratio, and the sensitivity table.

    ``options`` are those of :func:`bondwatch.service.trade.tariff_impact` (start, end, rate_pct,
    pass_through, demand_elasticity, usdjpy, customs_value_usd, market_price_usd, margin_usd).
    """
    from bondwatch.service import trade

    frame = trade.tariff_impact(exporter, **options, by=by)
    summary = trade.tariff_summary(frame)
    sensitivity = trade.tariff_sensitivity(exporter, base=frame, **options)
    totals = summary["totals"]
    meta = {"inputs": frame.attrs["inputs"], "assumptions": frame.attrs["assumptions"], "totals": totals,
            "decomposition": summary["decomposition"],
            "operating_profit_change_jpy": totals["operating_profit_change_jpy"],
            "units": "*_usd US dollars, *_jpy yen, *_pct percent, units = vehicles"}
    cited = [(a["field"], a["source"]) for a in frame.attrs["assumptions"]]
    cited += [("reported figure", r["source"]) for r in frame.attrs["reported"]]
    sources = _preset_sources(cited, f"trade preset {exporter}", f"presets/trade/{exporter}.yaml")
    return Result("tariff", frame, meta, sources, tables={"sensitivity": sensitivity, "reported": summary["reported"]})
