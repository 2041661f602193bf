"""Charts (matplotlib; PNG, SVG or PDF by file suffix). Imported only when a chart is asked for.

Every chart is checked by :func:`figure_path` before it is drawn and written by :func:`save_figure`,
so every command accepts the same formats and fails the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bondwatch.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

SUFFIXES = (".png", ".svg", ".pdf")


def figure_path(path: str | Path) -> Path:
    """Check the chart file name: it must end in .png, .svg or .pdf, in a folder that exists
    (UsageError otherwise)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        found = f"unknown chart format {path.suffix!r}" if path.suffix else "no file extension"
        raise UsageError(f"--chart {path}: {found}; expected a file name ending in .png, .svg or .pdf")
    if not path.parent.is_dir():
        raise UsageError(f"--chart {path}: no folder {path.parent} to write it in")
    return path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix, see :func:`figure_path`), close it and
    return the path."""
    path = figure_path(path)
    try:
        fig.savefig(path, format=path.suffix.lower()[1:])
    finally:
        _pyplot().close(fig)
    return path


def series_chart(frame: pd.DataFrame, x: str, y: str, title: str, path: str | Path) -> Path:
    """A line chart of ``frame[y]`` against ``frame[x]`` (the publisher's units). Returns the path."""
    figure_path(path)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(frame[x], frame[y], linewidth=1)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path)


def auction_chart(card: dict, path: str | Path, count: int = 24) -> Path:
    """The tenor's last ``count`` auctions up to ``card``'s: bid-to-cover, bidder shares, tails.

    The chosen auction is highlighted. Returns the written path.
    """
    figure_path(path)
    plt = _pyplot()

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
    shares = (("indirect_pct", "indirect", "tab:green"), ("direct_pct", "direct", "tab:purple"), ("dealer_pct", "dealers", "tab:red"))
    for key, name, colour in shares:
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
    return save_figure(fig, path)


def jgb_auction_chart(card: dict, path: str | Path, count: int = 24) -> Path:
    """A JGB tenor's last ``count`` auctions up to ``card``'s: bid-to-cover, price tail (yen) and
    auction yield minus the previous day's MOF benchmark (bp). The chosen auction is highlighted."""
    path = figure_path(path)
    plt = _pyplot()
    from bondwatch.jgb_tenors import describe_jgb
    from bondwatch.service.jgb_auctions import list_jgb_cards

    history = list_jgb_cards(card["tenor"], until=card["auction_date"])[-count:]
    chosen = [c["auction_date"] == card["auction_date"] for c in history]
    x = range(len(history))
    fig, axes = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    panels = (("bid_to_cover", "bid-to-cover (x)"), ("tail_yen", "price tail (yen per 100)"),
              ("yield_vs_benchmark_bp", "yield - prev-day benchmark (bp)"))
    for ax, (key, label) in zip(axes, panels):
        ax.bar(x, [c[key] if c[key] is not None else 0.0 for c in history],
               color=["tab:orange" if c else "tab:blue" for c in chosen])
        ax.set_ylabel(label)
        ax.axhline(0, color="grey", linewidth=0.8)
    axes[2].set_xticks(list(x), [c["auction_date"] for c in history], rotation=60, fontsize=7)
    fig.suptitle(f"{describe_jgb(card['tenor'])} auctions: {card['auction_date']} "
                 f"({card['verdict'] or 'not scored'}) highlighted")
    fig.text(0.01, 0.005, "Source: Ministry of Finance Japan (auction results, JGB benchmark yields). bondwatch",
             fontsize=7)
    fig.tight_layout()
    return save_figure(fig, path)


def fitted_curve_chart(country: str, date: str, model: str, path: str | Path) -> Path:
    """One day's quoted par yields (points), the fitted par curve and the fitted instantaneous
    forward curve (lines), percent against maturity in years. Returns the written path."""
    path = figure_path(path)
    plt = _pyplot()
    import numpy as np

    from bondwatch.service.curves import day_curve
    from bondwatch.service.market import CURVE_NAMES

    fitted, fit, quotes = day_curve(country, date, model)
    years = np.linspace(quotes["tenor_years"].min(), quotes["tenor_years"].max(), 240)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(quotes["tenor_years"], quotes["yield_pct"], "o", color="black", label="quoted par yields")
    ax.plot(years, fitted.par(years), color="tab:blue", label=f"fitted par curve ({fit['model']})")
    ax.plot(years, fitted.forward(years), color="tab:orange", linestyle="--", label="instantaneous forward")
    ax.set_xlabel("maturity, years")
    ax.set_ylabel("percent")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{CURVE_NAMES[fit['curve']]}, {fit['date']}: par RMSE {fit['rmse_bp']:.2f} bp")
    fig.tight_layout()
    return save_figure(fig, path)
