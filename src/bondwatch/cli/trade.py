"""`bondwatch fx-gap` and `bondwatch tariff`: trade-balance and tariff models.

``--json`` prints the command's Result document, the body of the same REST API endpoint
(:mod:`bondwatch.service.results`); ``--csv`` one of its tables. pandas,
numpy and the models are imported inside the commands so that the CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bondwatch.cli.output import emit_result, fmt, table

if TYPE_CHECKING:
    from bondwatch.result import Result

def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None or value != value else f"{value:.{digits}f}%"


@click.command("fx-gap")
@click.argument("country", default="US")
@click.option("--partner", metavar="CODE", help="Bilateral: partner country (JP = Japan, goods only).")
@click.option("--target", type=float, default=0.0, show_default=True,
              help="Target trade balance, percent of GDP (negative: deficit).")
@click.option("--export-elasticity", type=float, help="Price elasticity of export volumes (0-5; default 1).")
@click.option("--import-elasticity", type=float, help="Price elasticity of import volumes (0-5; default 1).")
@click.option("--pass-through", type=float, help="Share of the exchange-rate change reaching import prices (0-1; default 1).")
@click.option("--table", "as_table", is_flag=True, help="Print the sensitivity table as Markdown (for docs/methods.md).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the sensitivity table as CSV.")
def fx_gap(country: str, partner: str | None, target: float, export_elasticity: float | None,
           import_elasticity: float | None, pass_through: float | None, as_table: bool, as_json: bool,
           as_csv: bool) -> None:
    """Real depreciation of the dollar that closes the trade gap (or reaches --target).

    COUNTRY is US: goods and services with all partners (BEA 2024), or with --partner JP goods
    trade with Japan (Census, from the warehouse). The required depreciation is the rise of the
    dollar price of foreign currency; the dollar's own value falls by 1 - 1/(1+e).
    """
    from bondwatch.service.results import fx_gap_result

    result = fx_gap_result(country, partner, target_pct=target, export_elasticity=export_elasticity,
                           import_elasticity=import_elasticity, pass_through=pass_through)
    sensitivity = result.records("sensitivity")
    if as_table:
        click.echo(sensitivity_markdown(sensitivity, result.meta["gap_pct_gdp"]))
    elif not emit_result(result, as_json, as_csv, "sensitivity"):
        click.echo(_render_gap(result.records()[0], sensitivity, result.records("j_curve")))


def _render_gap(row: dict, sensitivity: list[dict], path: list[dict]) -> str:
    scope = "goods and services, all partners" if row["kind"] == "multilateral" else "goods, bilateral"
    stored = (f" (stored BOPGSTB sum {row['stored_balance_bn']:,.1f})" if row["stored_balance_bn"] is not None else "")
    lines = [
        f"{row['economy']} {row['year']}, {scope}: exports ${row['exports_bn']:,.1f}bn, imports "
        f"${row['imports_bn']:,.1f}bn, balance ${row['balance_bn']:,.1f}bn{stored} "
        f"= {row['balance_pct_gdp']:.2f}% of GDP (${row['gdp_bn']:,.0f}bn)",
        f"elasticities: exports {row['export_elasticity']:g}, imports {row['import_elasticity']:g}, "
        f"import-price pass-through {row['pass_through']:g}; Marshall-Lerner slope "
        f"{row['marshall_lerner_slope']:+.4f} of GDP per unit e ({'holds' if row['marshall_lerner_holds'] else 'fails'})",
        f"to reach a balance of {row['target_pct_gdp']:.2f}% of GDP the foreign currency must rise "
        f"{_pct(row['required_depreciation_pct'])} against the dollar "
        f"(dollar {_pct(row['home_currency_value_change_pct'])} in foreign-currency terms)",
        "",
        "J-curve (balance change, % of GDP, by quarter): "
        + " ".join(f"{r['balance_change_pct_gdp']:+.2f}" for r in path),
        "",
    ]
    rows = [[r["set"], fmt(r["export_elasticity"], 2), fmt(r["import_elasticity"], 2), fmt(r["pass_through"], 2),
             _pct(r["required_depreciation_pct"]), _pct(r["home_currency_value_change_pct"])]
            for r in sensitivity if r["group"] != "grid"]
    lines.append(table(rows, ["elasticity set", "ex", "em", "phi", "e*", "dollar value"], align_right=range(1, 6)))
    lines.append("(full grid: --table or --csv; sources: --json)")
    return "\n".join(lines)


def sensitivity_markdown(records: list[dict], gap_pct_gdp: float) -> str:
    """Markdown: the elasticity grid (e*, and the dollar's fall) and the literature rows."""
    economy = records[0]["economy"]
    grid = [r for r in records if r["group"] == "grid"]
    exports = sorted({r["export_elasticity"] for r in grid})
    imports = sorted({r["import_elasticity"] for r in grid})
    phi = grid[0]["pass_through"]
    cell = {(r["export_elasticity"], r["import_elasticity"]): r for r in grid}
    out = [
        f"**{economy}**: the balance must improve by {gap_pct_gdp:.2f}% of GDP; cells give e*, the rise of the "
        f"foreign currency against the dollar, and in brackets the dollar's fall in foreign-currency terms "
        f"(import-price pass-through {phi:g}; n/a: not reachable between -80% and +400%).",
        "",
        "| export elasticity \\ import elasticity | " + " | ".join(f"{m:g}" for m in imports) + " |",
        "|---|" + "---|" * len(imports),
    ]
    for x in exports:
        cells = []
        for m in imports:
            r = cell[(x, m)]
            cells.append(f"{_pct(r['required_depreciation_pct'], 0)} ({_pct(r['home_currency_value_change_pct'], 0)})")
        out.append(f"| {x:g} | " + " | ".join(cells) + " |")
    out += ["", "| set | ex | em | pass-through | e* | dollar value |", "|---|---|---|---|---|---|"]
    for r in records:
        if r["group"] == "grid":
            continue
        out.append(
            f"| {r['set']} | {fmt(r['export_elasticity'], 2)} | {fmt(r['import_elasticity'], 2)} | "
            f"{fmt(r['pass_through'], 2)} | {_pct(r['required_depreciation_pct'])} | "
            f"{_pct(r['home_currency_value_change_pct'])} |"
        )
    return "\n".join(out)


@click.command()
@click.argument("exporter", default="toyota")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: the preset's period).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day, inclusive.")
@click.option("--rate", type=float, help="One flat tariff, percent, on every tariffed origin for the whole period.")
@click.option("--pass-through", type=float, help="Share of the extra duty passed into US prices (0-1; default: from the preset's evidence).")
@click.option("--elasticity", "demand_elasticity", type=float, help="Price elasticity of US demand (0-10).")
@click.option("--usdjpy", type=float, help="Yen per dollar (default: the exporter's planning rate; a different rate adds an FX effect).")
@click.option("--customs-value", type=float, help="Customs value per vehicle, US dollars (default: from the preset's public figures).")
@click.option("--price", type=float, help="US transaction price per vehicle, US dollars.")
@click.option("--margin", type=float, help="Contribution margin per vehicle, US dollars.")
@click.option("--by", type=click.Choice(["month", "quarter", "year", "period"]), default="period", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per period and origin).")
def tariff(exporter: str, start: str | None, end: str | None, rate: float | None, pass_through: float | None,
           demand_elasticity: float | None, usdjpy: float | None, customs_value: float | None,
           price: float | None, margin: float | None, by: str, as_json: bool, as_csv: bool) -> None:
    """Operating-profit effect of US tariffs on EXPORTER (preset: toyota), with its decomposition
    and the sensitivity to each figure the exporter does not publish.

    The period is computed piecewise over the dated tariff schedules (Japanese cars: 2.5%,
    27.5% from 2025-04-03, 15% from 2025-09-16).
    """
    from bondwatch.service.results import tariff_result

    result = tariff_result(exporter, by=by, start=start, end=end, rate_pct=rate, pass_through=pass_through,
                           demand_elasticity=demand_elasticity, usdjpy=usdjpy, customs_value_usd=customs_value,
                           market_price_usd=price, margin_usd=margin)
    if not emit_result(result, as_json, as_csv):
        click.echo(_render_tariff(result))


def _render_tariff(result: Result) -> str:
    inputs, summary, decomposition = (result.meta[k] for k in ("inputs", "totals", "decomposition"))
    rows = [[r["bucket"], r["origin"], fmt(r["tariff_pct"], 1), fmt(r["units_before"], 0), fmt(r["units_change"], 0),
             fmt(r["extra_tariff_usd"] / 1e6, 0), fmt(r["borne_by_buyers_usd"] / 1e6, 0),
             fmt(r["borne_by_exporter_usd"] / 1e6, 0), fmt(r["volume_effect_usd"] / 1e6, 0),
             fmt(r["profit_change_jpy"] / 1e9, 1)] for r in result.records()]
    body = table(rows, ["period", "origin", "tariff %", "units", "units chg", "extra duty $m", "buyers $m",
                        "exporter $m", "lost volume $m", "profit bn yen"], align_right=range(2, 10))
    lines = [
        f"{inputs['exporter']}, US market, {inputs['from']} to {inputs['to']}"
        + (f", flat tariff {inputs['rate_pct']:g}%" if inputs["rate_pct"] is not None else ", dated schedules"),
        f"pass-through {inputs['pass_through']:.3f}" + (" (derived from May 2025 export statistics)" if inputs["pass_through_derived"] else "")
        + f", demand elasticity {inputs['demand_elasticity']:g}, {inputs['usdjpy']:g} yen per dollar",
        f"per vehicle: customs value ${inputs['customs_value_usd']:,.0f}, price ${inputs['market_price_usd']:,.0f}, "
        f"margin ${inputs['margin_usd']:,.0f}"
        + (f" ({', '.join(inputs['overridden'])} as given)" if inputs["overridden"] else " (from the preset)"),
        "",
        body,
        "",
        f"operating profit change: {summary['operating_profit_change_jpy'] / 1e9:,.1f} bn yen = "
        f"absorbed duty {decomposition['absorbed_tariff_jpy'] / 1e9:,.1f} + lost volume "
        f"{decomposition['lost_volume_jpy'] / 1e9:,.1f} + FX {decomposition['fx_effect_jpy'] / 1e9:,.1f}",
        f"duties: ${summary['tariff_paid_usd'] / 1e6:,.0f}m paid, of which ${summary['extra_tariff_usd'] / 1e6:,.0f}m "
        f"above the baseline rates: buyers ${summary['borne_by_buyers_usd'] / 1e6:,.0f}m, exporter "
        f"${summary['borne_by_exporter_usd'] / 1e6:,.0f}m; revenue change ${round(summary['revenue_change_usd'] / 1e6):,}m",
    ]
    for r in result.records("reported"):
        lines.append(f"reported: {r['operating_profit_change_jpy'] / 1e9:,.0f} bn yen; model/reported = "
                     f"{r['model_over_reported']:.2f} ({r['source']})")
    lines += ["", "sensitivity (one input changed at a time, whole period):"]
    lines += [table(
        [[r["case"], "" if r["value"] is None else fmt(r["value"], 3 if r["field"] in ("pass_through", "demand_elasticity") else 0),
          r["note"] or fmt(r["operating_profit_change_jpy"] / 1e9, 1),
          "" if r["field"] is None or r["change_pct"] is None else f"{r['change_pct']:+.1f}%"]
         for r in result.records("sensitivity")],
        ["case", "value", "profit bn yen", "vs base"], align_right=range(1, 4),
    )]
    lines += ["", "assumptions:"]
    lines += [f"  - {a['field']} = {a['value']}" + (" (replaced by the value given)" if a["field"] in inputs["overridden"] else "")
              + f": {a['source']}" for a in result.meta["assumptions"]]
    return "\n".join(lines)
