"""`bondwatch series`, `curve`, `fx`, `foreign` and `snapshot`.

pandas and matplotlib are imported inside the commands that need them; `snapshot` needs
neither.
"""

from __future__ import annotations

from typing import Any

import click

from bondwatch.cli.output import (
    emit_csv,
    emit_json,
    fmt,
    fmt_published,
    frame_records,
    published_decimals,
    table,
    warn,
)
from bondwatch.errors import UsageError


def _emit(frame, as_json: bool, as_csv: bool, readable: str, **extra: Any) -> None:
    """Print ``frame`` as JSON (with ``extra`` and the frame's warnings), CSV or ``readable``
    text; warnings also go to stderr, one line each."""
    warnings = frame.attrs.get("warnings", [])
    if as_json:
        emit_json({**extra, "warnings": warnings, "rows": frame_records(frame)})
    elif as_csv:
        emit_csv(frame_records(frame), list(frame.columns))
    else:
        click.echo(readable)
    warn(warnings)


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
    from bondwatch.service import market

    frame = market.series(series_id, since, until=until, fetch=fetch)
    meta = frame.attrs
    if chart:
        from bondwatch.charts import series_chart

        series_chart(frame, "date", "value", f"{series_id.upper()}: {meta.get('title') or ''}", chart)
        click.echo(f"chart written to {chart}", err=True)
    stats = {}
    if len(frame):
        top, low = frame.loc[frame["value"].idxmax()], frame.loc[frame["value"].idxmin()]
        stats = {"first": frame["date"].iloc[0].isoformat(), "last": frame["date"].iloc[-1].isoformat(),
                 "latest": float(frame["value"].iloc[-1]), "max": float(top["value"]),
                 "max_date": top["date"].isoformat(), "min": float(low["value"]), "min_date": low["date"].isoformat()}
    head = f"{series_id.upper()}: {meta.get('title') or ''} ({meta.get('units') or 'units as published'})"
    lines = [head, f"the warehouse holds {meta['held_from']} to {meta['held_to']}"]
    if stats:
        lines.append(f"{len(frame)} observations {stats['first']} to {stats['last']}; "
                     f"latest {fmt_published(stats['latest'])}; max {fmt_published(stats['max'])} on {stats['max_date']}; "
                     f"min {fmt_published(stats['min'])} on {stats['min_date']}")
        tail = frame.tail(10)
        digits = published_decimals(tail["value"])
        lines.append(table([[d.isoformat(), fmt(v, digits)] for d, v in zip(tail["date"], tail["value"])],
                           ["date", "value"], align_right=[1]))
    _emit(frame, as_json, as_csv, "\n".join(lines), series_id=series_id.upper(),
          meta={k: meta.get(k) for k in ("title", "units", "frequency", "source", "held_from", "held_to")},
          summary=stats)


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
    from bondwatch.service import market

    if country.lower() == "fit":
        return curves.fit_statistics(fit_country, since, until, "svensson" if model == "linear" else model,
                                     as_json, as_csv)
    if fit_country or (chart and model == "linear"):
        raise UsageError("curve: a second curve name goes only after `fit`, and --chart needs --fit")
    if model != "linear":
        return curves.fitted_curve(country, day, at, model, kind, chart, as_json, as_csv)

    frame = market.yield_curve(country, day, at=list(at))
    used = frame["date"].iloc[0].isoformat()
    rows = [[t, fmt(y, 3), "interpolated" if i else ""] for t, y, i in
            zip(frame["tenor"], frame["yield_pct"], frame["interpolated"])]
    held = f"the warehouse holds {frame.attrs['held_from']} to {frame.attrs['held_to']}"
    readable = f"{market.CURVE_NAMES[frame['curve'].iloc[0]]}, {used} (percent; {held})\n" + table(
        rows, ["tenor", "yield %", ""], align_right=[1])
    _emit(frame, as_json, as_csv, readable, curve=frame["curve"].iloc[0], date=used,
          held_from=frame.attrs["held_from"], held_to=frame.attrs["held_to"],
          interpolation="linear in maturity between neighbouring published tenors; no extrapolation")


@click.command()
@click.argument("pair", default="usdjpy")
@click.option("--since", help="First date, YYYY-MM-DD.")
@with_output
def fx(pair: str, since: str | None, as_json: bool, as_csv: bool) -> None:
    """An exchange rate (usdjpy: yen per dollar; usdcny: yuan per dollar), FRED H.10 noon rates."""
    from bondwatch.service import market

    frame = market.fx(pair, since)
    tail = frame.tail(15)
    held = f"the warehouse holds {frame.attrs['held_from']} to {frame.attrs['held_to']}"
    readable = f"{pair.upper()} ({frame.attrs['units']}; {held})\n" + table(
        [[d.isoformat(), fmt(r, published_decimals(tail["rate"]))] for d, r in zip(tail["date"], tail["rate"])],
        ["date", "rate"], align_right=[1])
    _emit(frame, as_json, as_csv, readable, pair=pair.lower(), units=frame.attrs["units"],
          held_from=frame.attrs["held_from"], held_to=frame.attrs["held_to"])


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
    from bondwatch.service import market

    per_auction = market.foreign_demand(holder, tenor, since, by="auction")
    per_month = market.foreign_demand(holder, tenor, since, by="month")
    if as_json:
        emit_json({"holder": per_auction["holder"].iloc[0] if len(per_auction) else holder, "tenor": tenor,
                   "units": {"holdings": "US$ billions", "shares": "percent"}, "caveats": list(market.CAVEATS),
                   "warnings": per_auction.attrs["warnings"],
                   "auctions": frame_records(per_auction), "months": frame_records(per_month)})
        warn(per_auction.attrs["warnings"])
        return
    frame = per_auction if by == "auction" else per_month
    if as_csv:
        emit_csv(frame_records(frame), list(frame.columns))
        warn(frame.attrs["warnings"])
        return
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
    name = frame["holder"].iloc[0] if len(frame) else holder
    caveats = "\n".join(f"- {c}" for c in market.CAVEATS)
    click.echo(f"Foreign demand, {name} (TIC) and {tenor} auctions (last 24 rows)\n"
               + table(rows, header, align_right=range(2, len(header))) + f"\n\nCaveats:\n{caveats}")
    warn(frame.attrs["warnings"])


@click.command()
@click.option("--date", "day", help="Snapshot date, YYYY-MM-DD (default: the latest US yield).")
@with_output
def snapshot(day: str | None, as_json: bool, as_csv: bool) -> None:
    """UST and JGB 10y/30y, their spreads, USD/JPY, breakevens, Fed assets; latest auction verdicts."""
    from bondwatch.service.market import snapshot_rows

    data = snapshot_rows(day)
    columns = ["label", "value", "unit", "as_of", "stale", "chg_1w", "chg_1m", "chg_1y", "change_unit", "source"]
    if as_json:
        emit_json(data)
    elif as_csv:
        emit_csv(data["items"], columns)
    else:
        click.echo(_snapshot_text(data))
    warn(data["warnings"])


def _snapshot_text(data: dict[str, Any]) -> str:
    rows = [[i["label"], fmt(i["value"], 3), i["unit"], i["as_of"] or "-", fmt(i["chg_1w"], 1), fmt(i["chg_1m"], 1),
             fmt(i["chg_1y"], 1), i["change_unit"]] for i in data["items"]]
    lines = [f"Market snapshot, {data['date']} (each value is the latest on or before it, dated under 'as of'; "
             f"US yields held to {data['us_yields_held_to']})",
             table(rows, ["", "value", "unit", "as of", "1w", "1m", "1y", "change in"], align_right=[1, 4, 5, 6])]
    if data["auctions"]:
        lines += ["", "Latest auction per tenor",
                  table([[a["tenor"], a["auction_date"], a["cusip"] or "-", a["verdict"] or "-"] for a in data["auctions"]],
                        ["tenor", "auction", "cusip", "verdict"])]
    return "\n".join(lines)
