"""Charts (matplotlib, PNG or SVG by file suffix). Imported only when a chart is asked for."""

from __future__ import annotations

from pathlib import Path

from bondwatch.errors import UsageError

SUFFIXES = (".png", ".svg")


def figure_path(path: str | Path) -> Path:
    """Check the chart file name: it must end in .png or .svg, in a folder that exists."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"--chart {path}: expected a file name ending in .png or .svg")
    if not path.parent.is_dir():
        raise UsageError(f"--chart {path}: no folder {path.parent} to write it in")
    return path


def auction_chart(card: dict, path: str | Path, count: int = 24) -> Path:
    """The tenor's last ``count`` auctions up to ``card``'s: bid-to-cover, bidder shares, tails.

    The chosen auction is highlighted. Returns the written path.
    """
    path = figure_path(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bondwatch.service.auctions import list_cards
    from bondwatch.tenors import describe

    history = [c for c in list_cards(card["tenor"], until=card["auction_date"]) if not c["excluded"]][-count:]
    labels = [c["auction_date"] for c in history]
    chosen = [c["cusip"] == card["cusip"] and c["auction_date"] == card["auction_date"] for c in history]
    x = range(len(history))
    fig, axes = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    colours = ["tab:orange" if c else "tab:blue" for c in chosen]
    axes[0].bar(x, [c["bid_to_cover"] or 0 for c in history], color=colours)
    axes[0].set_ylabel("bid-to-cover (x)")
    low = min(c["bid_to_cover"] or 0 for c in history)
    axes[0].set_ylim(max(0, low - 0.3), None)
    bottom = [0.0] * len(history)
    for key, name, colour in (("indirect_pct", "indirect", "tab:green"), ("direct_pct", "direct", "tab:purple"), ("dealer_pct", "dealers", "tab:red")):
        values = [c[key] or 0 for c in history]
        axes[1].bar(x, values, bottom=bottom, label=name, color=colour, edgecolor=["black" if c else "none" for c in chosen])
        bottom = [b + v for b, v in zip(bottom, values)]
    axes[1].set_ylabel("% of competitive accepted")
    axes[1].legend(loc="lower left", fontsize=8)
    axes[2].plot(x, [c["tail_curve_bp"] for c in history], marker="o", label="high - par curve (close)")
    axes[2].plot(x, [c["tail_median_bp"] for c in history], marker="s", label="high - median")
    axes[2].axhline(0, color="grey", linewidth=0.8)
    axes[2].set_ylabel("basis points")
    axes[2].legend(loc="upper left", fontsize=8)
    for ax in axes:
        for i, c in enumerate(chosen):
            if c:
                ax.axvspan(i - 0.45, i + 0.45, color="orange", alpha=0.15)
    axes[2].set_xticks(list(x), labels, rotation=60, fontsize=7)
    fig.suptitle(
        f"{describe(card['tenor'])} auctions: {card['auction_date']} {card['cusip']} "
        f"({card['verdict'] or 'not scored'}) highlighted"
    )
    fig.text(0.01, 0.005, "Source: US Treasury (Fiscal Data, TreasuryDirect), par yield curve. bondwatch", fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
