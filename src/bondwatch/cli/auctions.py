"""`bondwatch auction`, `bondwatch auctions` and `bondwatch watch`."""

from __future__ import annotations

import click

from bondwatch.cli.output import emit_csv, emit_json, fmt, table
from bondwatch.service import auctions as service
from bondwatch.service.results import CARD_NOTES, auction_result, auctions_result, card_document
from bondwatch.tenors import describe

METRIC_ROWS = (
    ("bid_to_cover", "bid-to-cover", 2, "x"),
    ("indirect_pct", "indirect %", 2, ""),
    ("direct_pct", "direct %", 2, ""),
    ("dealer_pct", "dealer %", 2, ""),
    ("tail_curve_bp", "tail vs curve (bp)", 1, ""),
    ("tail_median_bp", "high - median (bp)", 1, ""),
    ("tail_prior_curve_bp", "tail vs prior-day curve (bp)", 1, ""),
)


def render_card(card: dict) -> str:
    """One scorecard as readable text."""
    kind = "reopening" if card["reopening"] else "new issue"
    if card.get("original_tenor") not in (None, card["tenor"]):
        kind += f" of a {describe(card['original_tenor'])} {(card['security_type'] or 'security').lower()}"
    size = card["offering_amount"] / 1e9 if card["offering_amount"] else None
    head = (
        f"{describe(card['tenor'])} {kind} {card['cusip']} auctioned {card['auction_date']}: "
        f"${fmt(size, 1)}bn {card['security_term']}, matures {card['maturity_date']}"
    )
    yields = f"high yield {fmt(card['high_yield'], 3, '%')}  median {fmt(card['median_yield'], 3, '%')}"
    if card["curve_yield"] is not None:
        yields += f"  par curve at {card['remaining_years']:.2f}y {card['curve_yield']:.3f}% (close)"
    if card.get("prior_curve_yield") is not None:
        yields += f", {card['prior_curve_yield']:.3f}% ({card['prior_curve_date']} close)"
    if card.get("fitted_curve_yield") is not None:
        yields += (f"\nSvensson fit of the close curve at the exact maturity {card['fitted_curve_yield']:.3f}%: "
                   f"tail {card['tail_fitted_curve_bp']:+.1f} bp (shown, not scored)")
    rows = []
    for key, label, digits, _ in METRIC_ROWS:
        s = card["vs_last6"][key]
        rows.append(
            [label, fmt(card[key], digits), fmt(s["mean"], digits), fmt(s["diff"], digits),
             fmt(s["z"], 1), fmt(card["percentile_10y"][key], 0)]
        )
    body = table(rows, ["metric", "value", "last-6 mean", "diff", "z", "10y pctile"], align_right=range(1, 6))
    if card["excluded"]:
        verdict = f"not scored: {card['excluded']}"
    else:
        verdict = f"verdict: {(card['verdict'] or 'none').upper()}" + (
            f" (score {card['score']:+.2f})" if card["score"] is not None else ""
        )
    reasons = "\n".join(f"  - {r}" for r in card["reasons"])
    caveats = [f"note: {c}" for c in card.get("caveats", [])]
    sources = "\n".join(
        f"  {s['used_for']}: {s['publisher']} ({s['location']}, retrieved {s['retrieved_at'][:10]}, {s['vintage']})"
        for s in card.get("sources", [])
    )
    return "\n".join(
        [head, yields, *caveats, "", body, "", verdict, reasons, "",
         *(f"{note};" for note in CARD_NOTES[:-1]), CARD_NOTES[-1],
         "sources:", sources]
    )


@click.command()
@click.argument("target")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="The auction of this tenor on this date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Draw the tenor's last 24 auctions to a .png, .svg or .pdf.")
def auction(target: str, date: str | None, as_json: bool, as_csv: bool, chart: str | None) -> None:
    """Scorecard of an auction: TARGET is a tenor (30y, 10y-tips, 2y-frn; 13w bills when imported live) or a CUSIP.

    A tenor gives its latest auction (or the one on --date); a CUSIP gives all its auctions.
    JGB auctions: jgb-2y, jgb-5y, jgb-10y, jgb-20y, jgb-30y, jgb-40y.
    """
    if target.strip().lower().startswith("jgb"):
        from bondwatch.cli.jgb_auctions import show_auction

        return show_auction(target, date, as_json, as_csv, chart)
    if as_json:  # the same document as GET /api/v1/auction/TARGET
        result = auction_result(target, date=date)
        cards = result.data
    else:
        cards = service.find_cards(target, date=date)
    if chart:
        from bondwatch.charts import auction_chart

        auction_chart(cards[-1], chart)
    if as_json:
        click.echo(result.to_json())
    elif as_csv:
        emit_csv(_flat(cards), FLAT_CSV)
    else:
        click.echo("\n\n".join(render_card(c) for c in cards))
    if chart:
        click.echo(f"chart written to {chart}", err=True)


FLAT_CSV = [*service.FLAT_COLUMNS]


def _flat(cards: list[dict]) -> list[dict]:
    return [{c: card.get(c) for c in FLAT_CSV} for card in cards]


@click.command()
@click.option("--market", type=click.Choice(["us", "jp"]), default="us", show_default=True,
              help="us: Treasury auctions; jp: JGB auctions (MOF Japan).")
@click.option("--tenor", help="Only this tenor (30y, 10y, 10y-tips, ...; with --market jp: 2y ... 40y).")
@click.option("--since", metavar="YYYY-MM-DD", help="Auctions on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Auctions on or before this date.")
@click.option("--last", type=click.IntRange(min=1), metavar="N", help="Only the last N of those auctions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (full scorecards).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per auction).")
def auctions(market: str, tenor: str | None, since: str | None, until: str | None, last: int | None,
             as_json: bool, as_csv: bool) -> None:
    """List auctions with their key metrics and verdicts, oldest first."""
    if market == "jp" or (tenor or "").strip().lower().startswith("jgb"):
        from bondwatch.cli.jgb_auctions import show_auctions

        return show_auctions(tenor, since, until, last, as_json, as_csv)
    if as_json:  # the same document as GET /api/v1/auctions
        click.echo(auctions_result(tenor, since, until, last=last).to_json())
        return
    cards = service.list_cards(tenor, since=since, until=until, last=last)
    if as_csv:
        emit_csv(_flat(cards), FLAT_CSV)
        return
    rows = [
        [c["auction_date"], c["tenor"], c["cusip"], "R" if c["reopening"] else "", fmt(c["offering_amount"] and c["offering_amount"] / 1e9, 1),
         fmt(c["high_yield"], 3), fmt(c["bid_to_cover"]), fmt(c["indirect_pct"], 1), fmt(c["direct_pct"], 1),
         fmt(c["dealer_pct"], 1), fmt(c["tail_curve_bp"], 1), fmt(c["tail_median_bp"], 1),
         c["verdict"] or ("excluded" if c["excluded"] else "-")]
        for c in cards
    ]
    header = ["date", "tenor", "cusip", "", "$bn", "high %", "btc", "ind %", "dir %", "dlr %", "tail bp", "hi-med bp", "verdict"]
    click.echo(table(rows, header, align_right=range(4, 12)))


@click.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Auction day to watch (default: today, US Eastern).")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between polls.")
@click.option("--timeout", "timeout_minutes", default=120.0, show_default=True, help="Give up after this many minutes.")
@click.option("--json", "as_json", is_flag=True, help="Print each scorecard as JSON.")
def watch(day: str | None, interval: float, timeout_minutes: float, as_json: bool) -> None:
    """Poll TreasuryDirect for the day's auction results and score each one as it is published."""
    from bondwatch.service.watch import watch_results

    def report(failure: Exception) -> None:
        click.echo(f"warning: {failure}; polling again in {interval:g} s", err=True)

    for card in watch_results(day, interval=interval, timeout_minutes=timeout_minutes, on_failure=report):
        if as_json:
            emit_json(card_document(card))
        else:
            click.echo(render_card(card) + "\n")
