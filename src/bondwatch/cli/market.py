"""`bondwatch series`, `curve`, `fx`, `foreign` and `snapshot`.

pandas and matplotlib are imported inside the commands that need them; `snapshot` needs
neither.
"""

from __future__ import annotations

import math
from typing import Any

import click

from bondwatch.cli.output import emit_csv, emit_json, fmt, table
from bondwatch.errors import UsageError


def _records(frame) -> list[dict[str, Any]]:
    """DataFrame -> JSON-safe records (NaN -> None, dates -> ISO text)."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                value = None
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif hasattr(value, "item"):
                value = value.item()
            clean[key] = value
        out.append(clean)
    return out


def _emit(frame, as_json: bool, as_csv: bool, readable: str, **extra: Any) -> None:
    records = _records(frame)
    if as_json:
        emit_json({**extra, "rows": records})
    elif as_csv:
        emit_csv(records, list(frame.columns))
    else:
        click.echo(readable)


def _chart(frame, x: str, y: str, title: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(frame[x], frame[y], linewidth=1)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    click.echo(f"chart written to {path}", err=True)


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
@click.option("--chart", type=click.Path(dir_okay=False), help="Write a line chart (.png or .svg).")
@with_output
def series(series_id: str, since: str | None, until: str | None, fetch: bool, chart: str | None,
           as_json: bool, as_csv: bool) -> None:
    """A stored time series by ID (FRED: DGS10, T10YIE, DEXJPUS, ...; BOJ:FM01:STRDCLUCON)."""
    from bondwatch.service import market

    frame = market.series(series_id, since, until=until, fetch=fetch)
    meta = frame.attrs
    if chart:
        _chart(frame, "date", "value", f"{frame['series_id'].iloc[0]}: {meta.get('title') or ''}", chart)
    stats = {}
    if len(frame):
        top, low = frame.loc[frame["value"].idxmax()], frame.loc[frame["value"].idxmin()]
        stats = {"first": frame["date"].iloc[0].isoformat(), "last": frame["date"].iloc[-1].isoformat(),
                 "latest": float(frame["value"].iloc[-1]), "max": float(top["value"]),
                 "max_date": top["date"].isoformat(), "min": float(low["value"]), "min_date": low["date"].isoformat()}
    head = f"{series_id.upper()}: {meta.get('title') or ''} ({meta.get('units') or 'units as published'})"
    lines = [head]
    if stats:
        lines.append(f"{len(frame)} observations {stats['first']} to {stats['last']}; latest {stats['latest']:g}; "
                     f"max {stats['max']:g} on {stats['max_date']}; min {stats['min']:g} on {stats['min_date']}")
        tail = frame.tail(10)
        lines.append(table([[d.isoformat(), fmt(v, 4)] for d, v in zip(tail["date"], tail["value"])],
                           ["date", "value"], align_right=[1]))
    _emit(frame, as_json, as_csv, "\n".join(lines), series_id=series_id.upper(),
          meta={k: meta.get(k) for k in ("title", "units", "frequency", "source")}, summary=stats)


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
@click.option("--chart", type=click.Path(dir_okay=False), help="With --fit: quotes, fitted par and forward curves (.png/.svg).")
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
    readable = f"{market.CURVE_NAMES[frame['curve'].iloc[0]]}, {used} (percent)\n" + table(
        rows, ["tenor", "yield %", ""], align_right=[1])
    _emit(frame, as_json, as_csv, readable, curve=frame["curve"].iloc[0], date=used,
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
    readable = f"{pair.upper()} ({frame.attrs['units']})\n" + table(
        [[d.isoformat(), fmt(r, 2)] for d, r in zip(tail["date"], tail["rate"])], ["date", "rate"], align_right=[1])
    _emit(frame, as_json, as_csv, readable, pair=pair.lower(), units=frame.attrs["units"])


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
                   "auctions": _records(per_auction), "months": _records(per_month)})
        return
    frame = per_auction if by == "auction" else per_month
    if as_csv:
        emit_csv(_records(frame), list(frame.columns))
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


@click.command()
@click.option("--date", "day", help="Snapshot date, YYYY-MM-DD (default: the latest US yield).")
@with_output
def snapshot(day: str | None, as_json: bool, as_csv: bool) -> None:
    """UST and JGB 10y/30y, their spreads, USD/JPY, breakevens, Fed assets; latest auction verdicts."""
    from bondwatch.service.market import snapshot_rows

    data = snapshot_rows(day)
    columns = ["label", "value", "unit", "as_of", "chg_1w", "chg_1m", "chg_1y", "change_unit", "source"]
    if as_json:
        emit_json(data)
        return
    if as_csv:
        emit_csv(data["items"], columns)
        return
    rows = [[i["label"], fmt(i["value"], 3), i["unit"], i["as_of"] or "-", fmt(i["chg_1w"], 1), fmt(i["chg_1m"], 1),
             fmt(i["chg_1y"], 1), i["change_unit"]] for i in data["items"]]
    lines = [f"Market snapshot, {data['date']}",
             table(rows, ["", "value", "unit", "as of", "1w", "1m", "1y", "change in"], align_right=[1, 4, 5, 6])]
    if data["auctions"]:
        lines += ["", "Latest auction per tenor",
                  table([[a["tenor"], a["auction_date"], a["cusip"], a["verdict"] or "-"] for a in data["auctions"]],
                        ["tenor", "auction", "cusip", "verdict"])]
    click.echo("\n".join(lines))
