"""`bondwatch series`, `curve`, `fx`, `foreign` and `snapshot`.

``--json`` prints the command's Result document, the body of the same REST API endpoint
(:mod:`bondwatch.service.results`); ``--csv`` its primary table. pandas and matplotlib are
imported inside the commands that need them; `snapshot` needs neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from bondwatch.cli.output import emit_result, fmt, fmt_published, published_decimals, table, warn
from bondwatch.errors import UsageError

if TYPE_CHECKING:
    from bondwatch.result import Result

output_options = [
    click.option("--json", "as_json", is_flag=True, help="Print JSON."),
    click.option("--csv", "as_csv", is_flag=True, help="Print CSV."),
]


def with_output(command):
    for option in reversed(output_options):
        command = option(command)
    return command


@click.command()
@click.argument("series_id")
@click.option("--since", help="First date, YYYY-MM-DD.")
@click.option("--until", help="Last date, YYYY-MM-DD.")
@click.option("--fetch", is_flag=True, help="Fetch the series from FRED first if it is not stored.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Write a line chart (.png, .svg or .pdf).")
@with_output
def series(series_id: str, since: str | None, until: str | None, fetch: bool, chart: str | None,
           as_json: bool, as_csv: bool) -> None:
    """A stored time series by ID (FRED: DGS10, T10YIE, DEXJPUS, ...; BOJ:FM01:STRDCLUCON)."""
    from bondwatch.service.results import series_result

    result = series_result(series_id, since, until, fetch=fetch)
    frame, meta = result.data, result.meta
    if chart:
        from bondwatch.charts import series_chart

        series_chart(frame, "date", "value", f"{series_id.upper()}: {meta.get('title') or ''}", chart)
        click.echo(f"chart written to {chart}", err=True)
    if not emit_result(result, as_json, as_csv):
        click.echo(_series_text(series_id, frame, meta))
    warn(meta["warnings"])


def _series_text(series_id: str, frame, meta: dict[str, Any]) -> str:
    head = f"{series_id.upper()}: {meta.get('title') or ''} ({meta.get('units') or 'units as published'})"
    lines = [head, f"the warehouse holds {meta['held_from']} to {meta['held_to']}"]
    stats = meta["summary"]
    if stats:
        lines.append(f"{len(frame)} observations {meta['first']} to {meta['last']}; "
                     f"latest {fmt_published(stats['latest'])}; max {fmt_published(stats['max'])} on {stats['max_date']}; "
                     f"min {fmt_published(stats['min'])} on {stats['min_date']}")
        tail = frame.tail(10)
        digits = published_decimals(tail["value"])
        lines.append(table([[d.isoformat(), fmt(v, digits)] for d, v in zip(tail["date"], tail["value"])],
                           ["date", "value"], align_right=[1]))
    return "\n".join(lines)


@click.command()
@click.argument("country", type=click.Choice(["us", "jp", "fit"], case_sensitive=False))
@click.argument("fit_country", required=False, type=click.Choice(["us", "jp"], case_sensitive=False))
@click.option("--date", "day", help="Curve date, YYYY-MM-DD (default: latest).")
@click.option("--at", "at", multiple=True, help="Also the yield at this maturity (e.g. 7.5y, 18m); repeatable.")
@click.option("--fit", "model", type=click.Choice(["linear", "svensson", "nelson-siegel", "spline"]), default="linear",
              show_default=True, help="Linear interpolation of the quotes, or a curve fitted to them.")
@click.option("--par", "kind", flag_value="par", default=True, help="Fitted par yields (default).")
@click.option("--zero", "kind", flag_value="zero", help="Fitted zero-coupon yields.")
@click.option("--forward", "kind", flag_value="forward", help="Fitted instantaneous forward rates.")
@click.option("--since", help="`curve fit`: first date, YYYY-MM-DD or YYYY.")
@click.option("--until", help="`curve fit`: last date, YYYY-MM-DD or YYYY.")
@click.option("--chart", type=click.Path(dir_okay=False), help="With --fit: quotes, fitted par and forward curves (.png, .svg or .pdf).")
@with_output
def curve(country: str, fit_country: str | None, day: str | None, at: tuple[str, ...], model: str, kind: str,
          since: str | None, until: str | None, chart: str | None, as_json: bool, as_csv: bool) -> None:
    """A yield curve on one date: every published tenor, plus --at maturities (linear interpolation),
    or a fitted curve (--fit svensson); `curve fit us` fits every day and prints the fit statistics."""
    from bondwatch.cli import curves
    from bondwatch.service.results import curve_result

    if country.lower() == "fit":
        return curves.fit_statistics(fit_country, since, until, "svensson" if model == "linear" else model,
                                     as_json, as_csv)
    if fit_country or (chart and model == "linear"):
        raise UsageError("curve: a second curve name goes only after `fit`, and --chart needs --fit")
    if model != "linear":
        return curves.fitted_curve(country, day, at, model, kind, chart, as_json, as_csv)

    result = curve_result(country, day, list(at) or None)
    frame = result.data
    if not emit_result(result, as_json, as_csv):
        rows = [[t, fmt(y, 3), "interpolated" if i else ""] for t, y, i in
                zip(frame["tenor"], frame["yield_pct"], frame["interpolated"])]
        held = f"the warehouse holds {result.meta['held_from']} to {result.meta['held_to']}"
        click.echo(f"{result.meta['name']}, {result.meta['date']} (percent; {held})\n"
                   + table(rows, ["tenor", "yield %", ""], align_right=[1]))
    warn(result.meta["warnings"])


@click.command()
@click.argument("pair", default="usdjpy")
@click.option("--since", help="First date, YYYY-MM-DD.")
@with_output
def fx(pair: str, since: str | None, as_json: bool, as_csv: bool) -> None:
    """An exchange rate (usdjpy: yen per dollar; usdcny: yuan per dollar), FRED H.10 noon rates."""
    from bondwatch.service.results import fx_result

    result = fx_result(pair, since)
    if not emit_result(result, as_json, as_csv):
        tail, meta = result.data.tail(15), result.meta
        held = f"the warehouse holds {meta['held_from']} to {meta['held_to']}"
        click.echo(f"{pair.upper()} ({meta['units']}; {held})\n" + table(
            [[d.isoformat(), fmt(r, published_decimals(tail["rate"]))] for d, r in zip(tail["date"], tail["rate"])],
            ["date", "rate"], align_right=[1]))
    warn(result.meta["warnings"])


@click.command()
@click.option("--holder", default="total", show_default=True,
              help="TIC holder: japan, china, total, uk, official, or a TIC country name.")
@click.option("--tenor", default="30y", show_default=True, help="Auction tenor, e.g. 10y, 30y.")
@click.option("--since", help="First auction date or month, YYYY-MM-DD.")
@click.option("--by", type=click.Choice(["auction", "month"]), default="auction", show_default=True,
              help="Readable/CSV output per auction or per TIC month (JSON has both).")
@with_output
def foreign(holder: str, tenor: str, since: str | None, by: str, as_json: bool, as_csv: bool) -> None:
    """Foreign demand: TIC holdings beside the Foreign-and-international allotment and indirect shares."""
    from bondwatch.service.results import foreign_result

    result = foreign_result(holder, tenor, since)
    frame = result.data if by == "auction" else result.tables["months"]
    if not emit_result(result, as_json, as_csv, None if by == "auction" else "months"):
        click.echo(_foreign_text(result, frame, by, tenor))
    warn(frame.attrs["warnings"])


def _foreign_text(result: Result, frame, by: str, tenor: str) -> str:
    if by == "auction":
        rows = [[a.isoformat(), c, fmt(f, 2), fmt(i, 2), fmt(h, 1), fmt(c3, 1), fmt(c12, 1)]
                for a, c, f, i, h, c3, c12 in zip(frame["auction_date"], frame["cusip"], frame["foreign_allotment_pct"],
                                                   frame["indirect_pct"], frame["holdings_bn"], frame["chg_3m_bn"],
                                                   frame["chg_12m_bn"])][-24:]
        header = ["auction", "cusip", "foreign alloc %", "indirect %", "TIC $bn", "3m chg", "12m chg"]
    else:
        rows = [[m.isoformat()[:7], fmt(h, 1), fmt(c3, 1), fmt(c12, 1), "break" if b else "", str(n), fmt(f, 2), fmt(i, 2)]
                for m, h, c3, c12, b, n, f, i in zip(frame["month"], frame["holdings_bn"], frame["chg_3m_bn"],
                                                     frame["chg_12m_bn"], frame["series_break"], frame["auctions"],
                                                     frame["foreign_allotment_pct"], frame["indirect_pct"])][-24:]
        header = ["month", "TIC $bn", "3m chg", "12m chg", "", "auctions", "foreign alloc %", "indirect %"]
    caveats = "\n".join(f"- {c}" for c in result.meta["caveats"])
    return (f"Foreign demand, {result.meta['holder']} (TIC) and {tenor} auctions (last 24 rows)\n"
            + table(rows, header, align_right=range(2, len(header))) + f"\n\nCaveats:\n{caveats}")


@click.command()
@click.option("--date", "day", help="Snapshot date, YYYY-MM-DD (default: the latest US yield).")
@with_output
def snapshot(day: str | None, as_json: bool, as_csv: bool) -> None:
    """UST and JGB 10y/30y, their spreads, USD/JPY, breakevens, Fed assets; latest auction verdicts."""
    from bondwatch.service.results import snapshot_result

    result = snapshot_result(day)
    if not emit_result(result, as_json, as_csv):
        click.echo(_snapshot_text(result))
    warn(result.meta["warnings"])


def _snapshot_text(result: Result) -> str:
    rows = [[i["label"], fmt(i["value"], 3), i["unit"], i["as_of"] or "-", fmt(i["chg_1w"], 1), fmt(i["chg_1m"], 1),
             fmt(i["chg_1y"], 1), i["change_unit"]] for i in result.data]
    meta, auctions = result.meta, result.tables["auctions"]
    lines = [f"Market snapshot, {meta['date']} (each value is the latest on or before it, dated under 'as of'; "
             f"US yields held to {meta['us_yields_held_to']})",
             table(rows, ["", "value", "unit", "as of", "1w", "1m", "1y", "change in"], align_right=[1, 4, 5, 6])]
    if auctions:
        lines += ["", "Latest auction per tenor",
                  table([[a["tenor"], a["auction_date"], a["cusip"] or "-", a["verdict"] or "-"] for a in auctions],
                        ["tenor", "auction", "cusip", "verdict"])]
    return "\n".join(lines)
