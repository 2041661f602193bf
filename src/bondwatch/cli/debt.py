"""`bondwatch debt project|stress|compare|scenarios`: debt dynamics for the US and Japan.

``--json`` prints the command's Result document, the body of the same REST API endpoint
(:mod:`bondwatch.service.results`); ``--csv`` its table. Heavy libraries (pandas, numpy,
matplotlib) and the models are imported inside the commands.
"""

from __future__ import annotations

import click

from bondwatch.cli.output import emit_result, fmt, table

CONTRIB_LABELS = (
    ("contrib_primary_balance", "c:pb"),
    ("contrib_interest", "c:int"),
    ("contrib_real_growth", "c:growth"),
    ("contrib_inflation", "c:infl"),
    ("contrib_exchange_rate", "c:fx"),
    ("contrib_stock_flow", "c:sfa"),
)


@click.group()
def debt() -> None:
    """Debt dynamics of general government gross debt: projections, fan charts, stress tests
    (IMF WEO baselines)."""


@debt.command("scenarios")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def scenarios(as_json: bool) -> None:
    """List the shipped scenario presets."""
    from bondwatch.service.results import debt_scenarios_result

    result = debt_scenarios_result()
    if emit_result(result, as_json, False):
        return
    click.echo(table([[r["name"], r["country"], r["description"]] for r in result.data],
                     ["scenario", "country", "description"]))


@debt.command("project")
@click.argument("country")
@click.option("--scenario", default=None, help="Preset name (see `bondwatch debt scenarios`) or a YAML file.")
@click.option("--paths", type=int, default=None, help="Stochastic paths for fan-chart bands (1 to 1,000,000).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for the paths.")
@click.option("--method", type=click.Choice(["var", "normal", "bootstrap"]), default="var", show_default=True,
              help="Shock method for the paths.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output.")
@click.option("--chart", type=click.Path(dir_okay=False), default=None, help="Write a PNG or SVG chart.")
def project(country, scenario, paths, seed, method, as_json, as_csv, chart) -> None:
    """Project general government gross debt/GDP (IMF WEO) for COUNTRY (US or JP) year by year, with
    the contributions to its change."""
    from bondwatch.service.debt import save_chart
    from bondwatch.service.results import debt_project_result

    result = debt_project_result(country, scenario, paths=paths, seed=seed, method=method)
    frame = result.data
    if chart:
        save_chart(frame, chart, f"{frame.attrs['country']} {frame.attrs['debt_concept']}: {frame.attrs['scenario']}")
    if emit_result(result, as_json, as_csv):
        return
    a = frame.attrs
    head = [
        "year", "debt", "chg", *(label for _, label in CONTRIB_LABELS), "pb", "int/GDP", "GFN", "int/debt %", "pb*",
    ]
    rows = [
        [r["year"], fmt(r["debt_gdp"]), fmt(r["change_debt"]), *(fmt(r[c]) for c, _ in CONTRIB_LABELS),
         fmt(r["primary_balance"]), fmt(r["net_interest_gdp"]), fmt(r["gfn_gdp"]), fmt(r["net_interest_rate"]),
         fmt(r["debt_stabilising_pb"])]
        for r in result.records()
    ]
    click.echo(f"{a['country']} {a['scenario']}: {a['description']}")
    click.echo(f"debt = {a['debt_concept']}, {a['start_year']}: {a['start_debt_gdp']:.2f}% of GDP; percent of GDP "
               "unless noted")
    click.echo("c:* = contributions to chg (pp of GDP, they sum to chg; c:pb = -pb); pb = primary balance "
               "(+ = surplus, WEO's sign); int = net interest paid (interest expense minus interest revenue); "
               "int/debt = net interest over gross debt at the start of the year; pb* = debt-stabilising "
               "primary balance")
    click.echo(f"maturity: bills {a['short_share']:.0%} of the stock, new bonds {a['maturity_at_issue_years']:.2f} "
               f"years at issue; average remaining maturity {a['avg_remaining_maturity_years']:.2f} years")
    click.echo(table(rows, head, align_right=range(1, len(head))))
    if "probabilities" in a:
        bands = [[r["year"], *(fmt(r[f"debt_gdp_p{p}"]) for p in (5, 10, 25, 50, 75, 90, 95))] for r in result.records()]
        click.echo("")
        click.echo(f"{a['paths']:,} paths, method {a['method']}, seed {a['seed']}; shocks from {a['shock_history']}")
        click.echo(table(bands, ["year", "p5", "p10", "p25", "p50", "p75", "p90", "p95"], align_right=range(1, 8)))
        p = a["probabilities"]
        click.echo(f"P(debt in year 5 > today) = {p['prob_debt_year5_above_today']:.3f}; "
                   f"P(debt stabilises by year 5) = {p['prob_debt_stabilises']:.3f}")
    if chart:
        click.echo(f"chart written to {chart}")


def _summary_table(frame, value: str = "debt_gdp") -> str:
    wide = frame.pivot(index="year", columns="scenario", values=value)
    wide = wide[list(dict.fromkeys(frame["scenario"]))]
    rows = [[year, *(fmt(v) for v in values)] for year, values in zip(wide.index, wide.to_numpy())]
    return table(rows, ["year", *wide.columns], align_right=range(1, len(wide.columns) + 1))


@debt.command("stress")
@click.argument("country")
@click.option("--scenario", default=None, help="Scenario to stress (default: the country's baseline).")
@click.option("--custom", type=click.Path(dir_okay=False), default=None,
              help="YAML file with more scenarios: scenarios: {name: {variable: {year: change}}}.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output.")
def stress(country, scenario, custom, as_json, as_csv) -> None:
    """Standard stress tests (growth, primary balance, +200 bp, exchange rate, combined) for COUNTRY."""
    from bondwatch.service.results import debt_stress_result

    result = debt_stress_result(country, scenario, custom=custom)
    frame = result.data
    if emit_result(result, as_json, as_csv):
        return
    a = frame.attrs
    click.echo(f"{a['country']} {a['scenario']}: {a['debt_concept']}, % of GDP, under stress "
               f"(s.d. real growth {a['sd_real_growth']:.2f} pp, primary balance {a['sd_primary_balance']:.2f} pp)")
    click.echo(_summary_table(frame))


@debt.command("compare")
@click.argument("country")
@click.argument("scenario_names", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output.")
@click.option("--chart", type=click.Path(dir_okay=False), default=None, help="Write a PNG or SVG chart.")
def compare(country, scenario_names, as_json, as_csv, chart) -> None:
    """Compare scenarios for COUNTRY, e.g. `bondwatch debt compare US us-baseline us-deficits-2.4t`."""
    from bondwatch.service.debt import save_chart
    from bondwatch.service.results import debt_compare_result

    result = debt_compare_result(country, list(scenario_names))
    frame = result.data
    if chart:
        save_chart(frame, chart, f"{frame.attrs['country']} {frame.attrs['debt_concept']}: scenarios")
    if emit_result(result, as_json, as_csv):
        return
    click.echo(f"{frame.attrs['country']}: {frame.attrs['debt_concept']}, % of GDP")
    click.echo(_summary_table(frame))
    click.echo("")
    click.echo("net interest paid (interest expense minus interest revenue, IMF WEO), % of GDP")
    click.echo(_summary_table(frame, "net_interest_gdp"))
    if chart:
        click.echo(f"chart written to {chart}")
