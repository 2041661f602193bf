"""Trade and tariff models fed from the warehouse and the presets in ``presets/trade``.

* :func:`fx_gap`: the real exchange-rate change that moves a trade balance to a target
  (multilateral US goods and services, or bilateral US-Japan goods), its J-curve and a
  sensitivity table over literature elasticities.
* :func:`tariff_impact`: what dated tariff schedules do to an exporter's volume, revenue and
  operating profit (preset ``toyota``), piecewise over the schedule's changes.

The computations are in :mod:`bondwatch.models.trade_gap` and :mod:`bondwatch.models.tariff`;
this module reads the warehouse and the YAML presets and returns DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError
from bondwatch.models import tariff as tm
from bondwatch.models import trade_gap as tg

PRESET_DIR = "presets/trade"
RUN_UPDATE = "run `bondwatch update --from auto` (offline mirror) or `bondwatch update` first"


def _preset_names() -> list[str]:
    folder = resources.files("bondwatch").joinpath(PRESET_DIR)
    return sorted(Path(p.name).stem for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_preset(name: str) -> dict[str, Any]:
    """A YAML preset of ``presets/trade`` by name (safe-loaded); NotFoundError listing the known ones."""
    key = name.strip().lower()
    known = _preset_names()
    if key not in known:
        raise NotFoundError(f"preset {name!r}: no such trade preset; known presets: {', '.join(known)}")
    text = resources.files("bondwatch").joinpath(PRESET_DIR, f"{key}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# --------------------------------------------------------------------------- trade gap


@dataclass(frozen=True)
class TradeContext:
    """The flows of one economy (or pair) in one year: $bn, and as shares of home GDP."""

    name: str
    kind: str  # 'multilateral' | 'bilateral'
    year: int
    exports_bn: float
    imports_bn: float
    gdp_bn: float
    stored_balance_bn: float | None  # BOPGSTB sum (multilateral) for comparison
    sources: dict[str, str]

    @property
    def shares(self) -> tg.TradeShares:
        return tg.TradeShares(self.exports_bn / self.gdp_bn, self.imports_bn / self.gdp_bn)

    @property
    def balance_pct_gdp(self) -> float:
        return 100 * (self.exports_bn - self.imports_bn) / self.gdp_bn


def _annual_gdp(wh: store.Warehouse, series_id: str, year: int) -> float:
    rows = wh.rows(
        "SELECT value FROM series WHERE series_id = ? AND year(date) = ? ORDER BY date", [series_id, year]
    )
    if len(rows) != 4:
        raise NotFoundError(
            f"series {series_id}: {len(rows)} quarter(s) of {year} in the warehouse, need 4; {RUN_UPDATE}"
        )
    return sum(r[0] for r in rows) / 4


def trade_context(country: str = "US", partner: str | None = None, warehouse: str | Path | None = None) -> TradeContext:
    """Flows for ``country`` (only 'US') with all partners, or with ``partner`` ('JP'), from preset + warehouse."""
    if country.strip().upper() != "US":
        raise UsageError(f"country {country!r}: expected US (the presets cover the United States)")
    home = load_preset("us")
    preset = home
    if partner:
        partners = home.get("partners", {})
        if partner.strip().upper() not in partners:
            raise NotFoundError(f"--partner {partner}: no preset; expected one of {', '.join(partners)}")
        preset = load_preset(partners[partner.strip().upper()])
    year = int(preset["year"])
    with store.Warehouse(warehouse) as wh:
        if not wh.has_table("series"):
            raise NotFoundError(f"the warehouse has no series table; {RUN_UPDATE}")
        gdp = _annual_gdp(wh, preset["gdp"]["series"], year)
        sources = {"gdp": preset["gdp"]["source"]}
        if preset["kind"] == "multilateral":
            rows = wh.rows(
                "SELECT count(*), sum(value) FROM series WHERE series_id = ? AND year(date) = ?",
                [preset["balance_check"]["series"], year],
            )
            stored = rows[0][1] / 1000 if rows[0][0] == 12 else None
            sources.update(exports=preset["exports"]["source"], imports=preset["imports"]["source"],
                           balance_check=preset["balance_check"]["source"])
            return TradeContext(preset["name"], "multilateral", year, float(preset["exports"]["value"]),
                                float(preset["imports"]["value"]), gdp, stored, sources)
        code = str(preset["partner_code"])
        if not wh.has_table("trade_goods"):
            raise NotFoundError(f"the warehouse has no trade_goods table; {RUN_UPDATE}")
        rows = wh.rows(
            "SELECT count(*), sum(exports_musd), sum(imports_musd) FROM trade_goods "
            "WHERE partner_code = ? AND year(month) = ?",
            [code, year],
        )
    months, exports, imports = rows[0]
    if months != 12:
        raise NotFoundError(
            f"trade_goods: {months} month(s) of {year} for partner {code}, need 12; {RUN_UPDATE}"
        )
    sources["trade"] = preset["trade"]["source"]
    return TradeContext(preset["name"], "bilateral", year, exports / 1000, imports / 1000, gdp, None, sources)


def _elasticities(export: float | None, import_: float | None, pass_through: float | None) -> tg.Elasticities:
    default = load_preset("literature")["default"]
    return tg.Elasticities(
        default["export"] if export is None else export,
        default["import"] if import_ is None else import_,
        default["pass_through"] if pass_through is None else pass_through,
    )


def _solve_or_nan(context: TradeContext, gap: float, el: tg.Elasticities) -> float:
    """e* for one elasticity set of a table; NaN when no rate in the solver's range reaches the gap."""
    try:
        return tg.required_depreciation(gap, context.shares, el)
    except UsageError:
        return float("nan")


def _result_columns(context: TradeContext, el: tg.Elasticities, e: float) -> dict[str, float]:
    """Elasticities, e* (percent), the dollar's own value change (percent) and the Marshall-Lerner slope."""
    return {
        "export_elasticity": el.export,
        "import_elasticity": el.import_,
        "pass_through": el.pass_through,
        "required_depreciation_pct": 100 * e,
        "home_currency_value_change_pct": 100 * tg.dollar_value_change(e),
        "marshall_lerner_slope": tg.marshall_lerner_slope(context.shares, el),
    }


def fx_gap(
    country: str = "US",
    partner: str | None = None,
    *,
    target_pct: float = 0.0,
    export_elasticity: float | None = None,
    import_elasticity: float | None = None,
    pass_through: float | None = None,
    view: str = "result",
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Real depreciation of the dollar that moves the trade balance to ``target_pct`` of GDP.

    ``view='result'``: one row with the inputs, ``required_depreciation_pct`` (rise of the
    dollar price of foreign currency, %), ``home_currency_value_change_pct`` (the dollar's own
    value, %), the Marshall-Lerner slope and the balance figures ($bn and % of GDP).
    ``view='sensitivity'``: one row per literature set, elasticity grid point and IMF
    reduced-form value. ``view='path'``: the J-curve, balance change by quarter (% of GDP)
    after the required depreciation. Elasticities default to 1 (presets/trade/literature.yaml).
    """
    views = ("result", "sensitivity", "path")
    if view not in views:
        raise UsageError(f"view = {view!r}: expected one of {', '.join(views)}")
    target = tg.check_range("target", target_pct, -50.0, 50.0, unit=" percent of GDP")
    el = _elasticities(export_elasticity, import_elasticity, pass_through)
    context = trade_context(country, partner, warehouse)
    gap = (target - context.balance_pct_gdp) / 100
    if view == "sensitivity":
        return _sensitivity(context, gap, el.pass_through)
    e = tg.required_depreciation(gap, context.shares, el)
    if view == "path":
        profile = load_preset("literature")["lag_profile"]
        path = tg.j_curve(e, context.shares, el, profile["volume"], profile["price"])
        return pd.DataFrame(
            {
                "quarter": range(1, len(path) + 1),
                "volume_share": profile["volume"],
                "price_share": profile["price"],
                "balance_change_pct_gdp": 100 * path,
                "balance_pct_gdp": context.balance_pct_gdp + 100 * path,
            }
        )
    row = {
        "economy": context.name,
        "kind": context.kind,
        "year": context.year,
        "exports_bn": context.exports_bn,
        "imports_bn": context.imports_bn,
        "balance_bn": context.exports_bn - context.imports_bn,
        "stored_balance_bn": context.stored_balance_bn,
        "gdp_bn": context.gdp_bn,
        "exports_pct_gdp": 100 * context.shares.exports,
        "imports_pct_gdp": 100 * context.shares.imports,
        "balance_pct_gdp": context.balance_pct_gdp,
        "target_pct_gdp": target,
        **_result_columns(context, el, e),
    }
    row["marshall_lerner_holds"] = row["marshall_lerner_slope"] > 0
    frame = pd.DataFrame([row])
    frame.attrs["sources"] = context.sources
    return frame


def _sensitivity(context: TradeContext, gap: float, pass_through: float) -> pd.DataFrame:
    """e* over the literature sets, the elasticity grid (at ``pass_through``) and the IMF reduced form."""
    literature = load_preset("literature")
    rows = []
    for item in literature["sets"]:
        el = tg.Elasticities(item["export"], item["import"], item["pass_through"])
        rows.append({"group": "literature", "set": item["label"],
                     **_result_columns(context, el, _solve_or_nan(context, gap, el)),
                     "source": item["source"]})
    grid = literature["grid"]
    for export in grid["export"]:
        for import_ in grid["import"]:
            el = tg.Elasticities(export, import_, pass_through)
            rows.append({"group": "grid", "set": f"ex={export:g}, em={import_:g}",
                         **_result_columns(context, el, _solve_or_nan(context, gap, el)),
                         "source": grid["source"]})
    reduced = literature["reduced_form"]
    # a REER semi-elasticity says nothing about one bilateral balance: multilateral only
    labels = ("semi_elasticity", "low", "high") if context.kind == "multilateral" else ()
    for label in labels:
        e = tg.semi_elasticity_depreciation(gap, reduced[label])
        rows.append({
            "group": "reduced form",
            "set": f"IMF WEO 2015: {10 * reduced[label]:.1f}% of GDP per 10%"
            + ("" if label == "semi_elasticity" else f" ({label})"),
            "export_elasticity": float("nan"), "import_elasticity": float("nan"), "pass_through": float("nan"),
            "required_depreciation_pct": 100 * e,
            "home_currency_value_change_pct": 100 * tg.dollar_value_change(e),
            "marshall_lerner_slope": float("nan"),
            "source": reduced["source"],
        })
    frame = pd.DataFrame(rows)
    frame.insert(0, "economy", context.name)
    frame.attrs["gap_pct_gdp"] = 100 * gap
    return frame


# --------------------------------------------------------------------------- tariffs


def tariff_schedules() -> dict[str, tm.TariffSchedule]:
    """The dated schedules of presets/trade/tariff-schedules.yaml, rates as fractions."""
    raw = load_preset("tariff-schedules")["schedules"]
    return {
        name: tm.TariffSchedule(
            name, tuple((r["from"], r["rate_pct"] / 100) for r in spec["rates"]), valid_to=spec["valid_to"]
        )
        for name, spec in raw.items()
    }


def _as_date(value: str | date | None, field: str, default: date) -> date:
    if value is None:
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"{field} = {value!r}: expected a date YYYY-MM-DD") from None


def preset_pass_through(preset: dict[str, Any]) -> float:
    """Pass-through derived from the preset's export-statistics evidence (fraction, clipped to 0-1)."""
    spec = preset["behaviour"]["pass_through"]
    return _pass_through_from(spec["evidence"], spec)


def _pass_through_from(evidence: dict[str, Any], spec: dict[str, Any]) -> float:
    """Pass-through (clipped to 0-1) from one piece of evidence: a dollar price change
    (``price_change_usd``), or yen value and volume changes with the yen per dollar before and
    after (``fx_before``/``fx_after``, defaulting to the main evidence's)."""
    tariffs = {"tariff_before": spec["tariff_before_pct"] / 100, "tariff_after": spec["tariff_after_pct"] / 100}
    if "price_change_usd" in evidence:
        rho = tm.pass_through_from_price(price_change=evidence["price_change_usd"], **tariffs)
    else:
        rho = tm.pass_through_from_unit_values(
            value_change=evidence["value_change"], volume_change=evidence["volume_change"],
            fx_before=evidence.get("fx_before", spec["fx_before"]), fx_after=evidence.get("fx_after", spec["fx_after"]),
            **tariffs,
        )
    return min(max(rho, 0.0), 1.0)


def origin_shares(preset: dict[str, Any]) -> dict[str, float]:
    """Each origin's share of ``units_per_year`` (fraction), from its public unit volume; the one
    origin marked ``units: remainder`` (if any) gets what the others leave. Without a remainder,
    units not in any origin are left out of the model."""
    total = preset["units_per_year"]["value"]
    named: dict[str, float] = {}
    for origin in preset["origins"]:
        units = origin.get("units")
        if units == "remainder":
            continue
        if isinstance(units, bool) or not isinstance(units, (int, float)) or units < 0:
            raise UsageError(f"preset {preset['name']}: origin {origin['name']} units = {units!r}: "
                             "expected a number of vehicles >= 0 or 'remainder'")
        named[origin["name"]] = units
    rest = [o["name"] for o in preset["origins"] if o.get("units") == "remainder"]
    if len(rest) > 1:
        raise UsageError(f"preset {preset['name']}: origins {', '.join(rest)} are all 'remainder'; expected at most one")
    left = total - sum(named.values())
    if left < 0:
        raise UsageError(f"preset {preset['name']}: origin units {sum(named.values()):,} exceed "
                         f"units_per_year {total:,}; expected at most the total")
    shares = {name: units / total for name, units in named.items()}
    return {o["name"]: shares.get(o["name"], left / total) for o in preset["origins"]}


def per_unit_values(preset: dict[str, Any], market_price_usd: float | None = None) -> dict[str, float]:
    """Customs value, market price and contribution margin per vehicle (US dollars), from the
    preset's public figures: customs value = value_jpy / vehicles / usdjpy; margin = its share of
    the market price (``market_price_usd`` if given, else the preset's)."""
    spec = preset["per_unit"]
    customs = spec["customs_value_usd"]
    price = spec["market_price_usd"]["value"] if market_price_usd is None else market_price_usd
    return {
        "customs_value_usd": customs["value_jpy"] / customs["vehicles"] / customs["usdjpy"],
        "market_price_usd": price,
        "margin_usd": spec["margin_usd"]["share_of_market_price"] * price,
    }


def tariff_impact(
    exporter: str = "toyota",
    *,
    start: str | date | None = None,
    end: str | date | None = None,
    rate_pct: float | None = None,
    pass_through: float | None = None,
    demand_elasticity: float | None = None,
    usdjpy: float | None = None,
    customs_value_usd: float | None = None,
    market_price_usd: float | None = None,
    margin_usd: float | None = None,
    by: str = "period",
) -> pd.DataFrame:
    """Effect of US tariffs on an exporter's shipments, one row per period bucket and origin.

    ``start``/``end`` (inclusive) default to the preset's period; ``rate_pct`` replaces every
    dated schedule by one flat rate (percent) for the whole period; ``pass_through`` (0-1)
    defaults to the value derived from the preset's evidence; ``usdjpy`` (yen per dollar)
    defaults to the exporter's planning rate, and a different rate adds an FX effect;
    ``customs_value_usd``, ``market_price_usd`` and ``margin_usd`` (US dollars a vehicle) replace
    the preset's (:func:`per_unit_values`; a given price also moves the margin, unless one is
    given). ``by``: month, quarter, year or period. Each bucket has a row ``origin='all'`` with
    the totals, the value-weighted effective tariff rate and ``operating_profit_change_jpy``
    (tariff + FX).
    Money columns: ``*_usd`` US dollars, ``*_jpy`` yen.
    """
    exporters = [name for name in _preset_names() if "origins" in load_preset(name)]
    if exporter.strip().lower() not in exporters:
        raise NotFoundError(f"exporter {exporter!r}: no such preset; known exporter presets: {', '.join(exporters)}")
    preset = load_preset(exporter)
    start_d = _as_date(start, "--from", preset["default_period"]["from"])
    end_d = _as_date(end, "--to", preset["default_period"]["to"])
    per_unit = per_unit_values(preset, market_price_usd)
    given = {"customs_value_usd": customs_value_usd, "market_price_usd": market_price_usd, "margin_usd": margin_usd}
    per_unit |= {key: value for key, value in given.items() if value is not None}
    shares = origin_shares(preset)
    rho = preset_pass_through(preset) if pass_through is None else pass_through
    eps = preset["behaviour"]["demand_elasticity"]["value"] if demand_elasticity is None else demand_elasticity
    base_fx = preset["fx"]["usdjpy"]["value"]
    fx = base_fx if usdjpy is None else tg.check_range("usdjpy", usdjpy, 50.0, 400.0, unit=" yen per dollar")
    flat = None if rate_pct is None else rate_pct / 100
    units_per_year = preset["units_per_year"]["value"]
    value, price, margin = (per_unit[k] for k in ("customs_value_usd", "market_price_usd", "margin_usd"))
    tm.validate_inputs(units_per_year=units_per_year, customs_value=value, market_price=price, margin=margin,
                       tariff=flat, pass_through=rho, demand_elasticity=eps)
    schedules = tariff_schedules()
    buckets = tm.calendar_buckets(start_d, end_d, by)
    if flat is None:  # refuse a period the schedules do not cover before computing anything
        for origin in preset["origins"]:
            if origin["schedule"] in schedules:
                schedules[origin["schedule"]].pieces(start_d, end_d)

    rows = []
    for label, first, last in buckets:
        days = (last - first).days + 1
        for origin in preset["origins"]:
            units = units_per_year * shares[origin["name"]] * days / tm.DAYS_PER_YEAR
            schedule = schedules.get(origin["schedule"]) if origin["schedule"] else None
            if origin["schedule"] and schedule is None:
                raise NotFoundError(f"origin {origin['name']}: no tariff schedule {origin['schedule']!r}")
            if schedule is None:
                pieces, baseline = [(first, last, 0.0)], 0.0
            elif flat is not None:
                pieces, baseline = [(first, last, flat)], schedule.changes[0][1]
            else:
                pieces, baseline = schedule.pieces(first, last), schedule.changes[0][1]
            rates = [p[2] for p in pieces]
            weights = [units * ((p[1] - p[0]).days + 1) / days for p in pieces]
            effect = tm.tariff_effect(units=np.asarray(weights), customs_value=value, market_price=price,
                                      margin=margin, tariff=np.asarray(rates), baseline_tariff=baseline,
                                      pass_through=rho, demand_elasticity=eps)
            rows.append({
                "bucket": label, "from": first, "to": last, "days": days, "origin": origin["name"],
                "tariff_pct": 100 * tm.effective_tariff_rate(rates, weights) if units else 100 * rates[0],
                "baseline_tariff_pct": 100 * baseline,
                **_sums(effect, fx),
            })
    frame = pd.DataFrame(rows)
    totals = _bucket_totals(frame, preset, fx, base_fx)
    order = {o["name"]: i for i, o in enumerate(preset["origins"])}
    frame = pd.concat([frame, totals], ignore_index=True)
    frame = frame.assign(_order=frame["origin"].map(order).fillna(len(order)))
    frame = frame.sort_values(["from", "_order"], kind="stable").drop(columns="_order")
    frame.attrs["inputs"] = {
        "exporter": preset["exporter"], "from": start_d.isoformat(), "to": end_d.isoformat(), "by": by,
        "rate_pct": rate_pct, "pass_through": rho, "pass_through_derived": pass_through is None,
        "demand_elasticity": eps, "usdjpy": fx, "usdjpy_base": base_fx,
        "fx_sensitivity_jpy_per_yen_year": preset["fx"]["sensitivity_jpy_per_yen_year"]["value"],
        "units_per_year": units_per_year, "customs_value_usd": value, "market_price_usd": price,
        "margin_usd": margin, "origins": shares,
        "schedules": {o["name"]: o["schedule"] for o in preset["origins"]},
        "overridden": sorted(key for key, value in given.items() if value is not None),
    }
    frame.attrs["assumptions"] = _assumptions(preset)
    frame.attrs["reported"] = [
        r for r in preset.get("reported", []) if r["from"] == start_d and r["to"] == end_d
    ]
    return frame.reset_index(drop=True)


MONEY = ("revenue_change", "tariff_paid", "extra_tariff", "borne_by_buyers", "borne_by_exporter",
         "volume_effect", "profit_change")


def _sums(effect: tm.TariffEffect, usdjpy: float) -> dict[str, float]:
    out = {
        "units_before": float(effect.units_before.sum()),
        "units_after": float(effect.units_after.sum()),
        "units_change": float(effect.units_change.sum()),
    }
    for name in MONEY:
        out[f"{name}_usd"] = float(getattr(effect, name).sum())
    out["profit_change_jpy"] = out["profit_change_usd"] * usdjpy
    return out


def _bucket_totals(frame: pd.DataFrame, preset: dict, usdjpy: float, base_fx: float) -> pd.DataFrame:
    """One 'all' row per bucket: sums, effective tariff rate, FX effect and the total in yen.

    The effective rate weights each origin by its units, which equals weighting by customs value
    because the preset gives every origin the same customs value per unit.
    """
    sensitivity = preset["fx"]["sensitivity_jpy_per_yen_year"]["value"]
    summed = ["units_before", "units_after", "units_change", *(f"{m}_usd" for m in MONEY), "profit_change_jpy"]
    rows = []
    for (label, first, last, days), part in frame.groupby(["bucket", "from", "to", "days"], sort=False):
        row = {"bucket": label, "from": first, "to": last, "days": days, "origin": "all",
               **{c: float(part[c].sum()) for c in summed}}
        row["tariff_pct"] = 100 * tm.effective_tariff_rate(part["tariff_pct"] / 100, part["units_before"]) \
            if part["units_before"].sum() > 0 else 0.0
        row["baseline_tariff_pct"] = 100 * tm.effective_tariff_rate(
            part["baseline_tariff_pct"] / 100, part["units_before"]
        ) if part["units_before"].sum() > 0 else 0.0
        row["fx_effect_jpy"] = tm.fx_effect(sensitivity, usdjpy, base_fx, days)
        row["operating_profit_change_jpy"] = row["profit_change_jpy"] + row["fx_effect_jpy"]
        rows.append(row)
    return pd.DataFrame(rows)


def _assumptions(preset: dict) -> list[dict[str, str]]:
    """Every figure of an exporter preset with its source, in reading order."""
    out = [{"field": "units_per_year", "value": preset["units_per_year"]["value"],
            "source": preset["units_per_year"]["source"]}]
    shares = origin_shares(preset)
    out += [{"field": f"origin {o['name']} share", "value": round(shares[o["name"]], 4), "source": o["source"]}
            for o in preset["origins"]]
    values = per_unit_values(preset)
    out += [{"field": k, "value": round(values[k]), "source": v["source"]} for k, v in preset["per_unit"].items()]
    behaviour = preset["behaviour"]
    out.append({"field": "demand_elasticity", "value": behaviour["demand_elasticity"]["value"],
                "source": behaviour["demand_elasticity"]["source"]})
    pt = behaviour["pass_through"]
    out.append({"field": "pass_through (derived)", "value": round(preset_pass_through(preset), 4),
                "source": f"{pt['evidence']['source']} {pt['fx_source']} {pt['note']}"})
    out += [{"field": k, "value": v["value"], "source": v["source"]} for k, v in preset["fx"].items()]
    return out


TARIFF_TOTALS = (
    "units_change", "revenue_change_usd", "tariff_paid_usd", "extra_tariff_usd", "borne_by_buyers_usd",
    "borne_by_exporter_usd", "volume_effect_usd", "profit_change_usd", "profit_change_jpy",
    "fx_effect_jpy", "operating_profit_change_jpy",
)


def tariff_summary(frame: pd.DataFrame) -> dict[str, Any]:
    """Of a :func:`tariff_impact` frame: ``totals`` over the period (the rows of origin 'all'),
    the ``decomposition`` of the operating-profit change (absorbed duty + lost volume + FX, yen)
    and each ``reported`` figure with ``model_over_reported``, the model's change over it."""
    all_rows = frame[frame["origin"] == "all"]
    totals = {k: float(all_rows[k].sum()) for k in TARIFF_TOTALS}
    fx = frame.attrs["inputs"]["usdjpy"]
    decomposition = {
        "absorbed_tariff_jpy": -totals["borne_by_exporter_usd"] * fx,
        "lost_volume_jpy": totals["volume_effect_usd"] * fx,
        "fx_effect_jpy": totals["fx_effect_jpy"],
    }
    reported = [{**r, "model_over_reported": totals["operating_profit_change_jpy"] / r["operating_profit_change_jpy"]}
                for r in frame.attrs["reported"]]
    return {"totals": totals, "decomposition": decomposition, "reported": reported}


def tariff_sensitivity(exporter: str = "toyota", *, base: pd.DataFrame | None = None, **options: Any) -> pd.DataFrame:
    """How much each input that the exporter does not publish moves the result.

    Reruns :func:`tariff_impact` (same ``options``; ``base`` is its result if already computed)
    with one input changed at a time: the pass-through from each cross-check in the preset's
    evidence (unless a pass-through is given), and the demand elasticity, contribution margin and
    customs value scaled around the values used. One row per case: ``case``, ``field``, ``value``,
    ``operating_profit_change_jpy`` (yen, whole period), ``change_pct`` against the base run
    (percent) and ``note`` (why a case was not run: a value outside the accepted range).
    """
    preset = load_preset(exporter)
    base = tariff_impact(exporter, **options) if base is None else base
    base_total = float(base.loc[base["origin"] == "all", "operating_profit_change_jpy"].sum())
    inputs = base.attrs["inputs"]
    spec = preset["behaviour"]["pass_through"]
    cases: list[tuple[str, str, float]] = []
    if options.get("pass_through") is None:
        cases += [(f"pass-through from {c['label']}", "pass_through", _pass_through_from(c, spec))
                  for c in spec.get("cross_checks", [])]
    cases += [(f"demand elasticity x{f:g}", "demand_elasticity", inputs["demand_elasticity"] * f) for f in (0.5, 1.5)]
    cases += [(f"contribution margin x{f:g}", "margin_usd", inputs["margin_usd"] * f) for f in (0.5, 1.5)]
    cases += [(f"customs value x{f:g}", "customs_value_usd", inputs["customs_value_usd"] * f) for f in (0.9, 1.1)]
    rows = [{"case": "base", "field": None, "value": None, "operating_profit_change_jpy": base_total,
             "change_pct": 0.0, "note": None}]
    for case, field, value in cases:
        try:
            frame = tariff_impact(exporter, **{**options, field: value})
        except UsageError as exc:  # the scaled value left the accepted range
            rows.append({"case": case, "field": field, "value": value, "operating_profit_change_jpy": None,
                         "change_pct": None, "note": f"not run: {exc}"})
            continue
        total = float(frame.loc[frame["origin"] == "all", "operating_profit_change_jpy"].sum())
        rows.append({"case": case, "field": field, "value": value, "operating_profit_change_jpy": total,
                     "change_pct": 100 * (total - base_total) / abs(base_total) if base_total else None,
                     "note": None})
    return pd.DataFrame(rows)


__all__ = ["fx_gap", "tariff_impact", "tariff_summary", "tariff_sensitivity", "trade_context", "load_preset", "tariff_schedules"]
