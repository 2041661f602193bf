"""Text, JSON and CSV rendering of JGB auction scorecards, for `bondwatch auction jgb-20y` and
`bondwatch auctions --market jp` (routed here from :mod:`bondwatch.cli.auctions`)."""

from __future__ import annotations

import click

from bondwatch.cli.output import emit_csv, fmt, table
from bondwatch.jgb_tenors import describe_jgb
from bondwatch.service import jgb_auctions as service
from bondwatch.service.results import jgb_cards_result

METRIC_ROWS = (  # card field, label, digits
    ("bid_to_cover", "bid-to-cover", 2),
    ("tail_yen", "price tail (yen)", 3),
    ("yield_vs_benchmark_bp", "yield - prev-day benchmark (bp)", 1),
)
PROXY_NOTE = service.PROXY_NOTE


def _yen(billions: float | None) -> str:
    return "-" if billions is None else f"{billions:,.1f}bn yen"


def render_jgb_card(card: dict) -> str:
    """One JGB scorecard as readable text."""
    issue = f" (issue {card['issue_number']})" if card["issue_number"] is not None else ""
    head = (f"{describe_jgb(card['tenor'])} auction {card['auction_date']}{issue}: "
            f"offering {_yen(card['offering_bn_jpy'])}")
    amounts = (f"competitive bids {_yen(card['competitive_bids_bn_jpy'])}  accepted {_yen(card['accepted_bn_jpy'])}  "
               f"lowest price {fmt(card['lowest_price'], 3)}  average price {fmt(card['average_price'], 3)}")
    yields = f"auction yield {fmt(card['auction_yield'], 3)}% ({card['auction_yield_basis']})"
    if card["benchmark_date"]:
        yields += f"; MOF benchmark {card['benchmark_date']} {fmt(card['benchmark_yield'], 3)}%"
    rows = []
    for key, label, digits in METRIC_ROWS:
        s, held = card["vs_last6"][key], card["mean_12m"][key]
        rows.append([label, fmt(card[key], digits), fmt(s["mean"], digits), fmt(s["diff"], digits), fmt(s["z"], 1),
                     fmt(held["mean"], digits), fmt(card["percentile_history"][key], 0)])
    body = table(rows, ["metric", "value", "last-6 mean", "diff", "z", "12m mean", "pctile (held)"],
                 align_right=range(1, 7))
    verdict = f"verdict: {(card['verdict'] or 'none').upper()}" + (
        f" (score {card['score']:+.2f})" if card["score"] is not None else "")
    reasons = "\n".join(f"  - {r}" for r in card["reasons"])
    sources = "\n".join(
        f"  {s['used_for']}: {s['publisher']} ({s['location']}, retrieved {s['retrieved_at'][:10]}, {s['vintage']})"
        for s in card.get("sources", [])
    )
    return "\n".join([head, amounts, yields, "", body, "", verdict, reasons, "", PROXY_NOTE, "sources:", sources])


def show_auction(target: str, date: str | None, as_json: bool, as_csv: bool, chart: str | None) -> None:
    """`bondwatch auction jgb-20y [--date D] [--json|--csv] [--chart F]`."""
    cards = service.find_jgb_cards(target, date=date)
    if chart:
        from bondwatch.charts import jgb_auction_chart

        jgb_auction_chart(cards[-1], chart)
    if as_json:  # the same document as GET /api/v1/auction/jgb-20y
        click.echo(jgb_cards_result("jgb_auction", cards, None, target=target, date=date).to_json())
    elif as_csv:
        emit_csv(cards, service.FLAT_COLUMNS)
    else:
        click.echo(render_jgb_card(cards[0]))
    if chart:
        click.echo(f"chart written to {chart}", err=True)


def show_auctions(tenor: str | None, since: str | None, until: str | None, last: int | None, as_json: bool,
                  as_csv: bool) -> None:
    """`bondwatch auctions --market jp [--tenor 20y] [--since D] [--until D] [--last N] [--json|--csv]`."""
    cards = service.list_jgb_cards(tenor, since=since, until=until, last=last)
    if as_json:  # the same document as GET /api/v1/auctions?market=jp
        click.echo(jgb_cards_result("jgb_auctions", cards, None, tenor=tenor, since=since, until=until,
                                    last=last).to_json())
        return
    if as_csv:
        emit_csv(cards, service.FLAT_COLUMNS)
        return
    rows = [
        [c["auction_date"], c["tenor"], fmt(c["offering_bn_jpy"], 1), fmt(c["auction_yield"], 3), fmt(c["bid_to_cover"]),
         fmt(c["tail_yen"], 3), fmt(c["yield_vs_benchmark_bp"], 1), c["verdict"] or "-"]
        for c in cards
    ]
    header = ["date", "tenor", "bn yen", "yield %", "btc", "tail yen", "vs bench bp", "verdict"]
    click.echo(table(rows, header, align_right=range(2, 7)))
