"""Treasury auctions: merged results, scorecards, lookups by tenor, date and CUSIP.

Results from several sources are merged field by field in order of authority:
TreasuryDirect results XML, then Fiscal Data, then the compiled table (which chiefly
supplies median yields). Scorecards are computed once per import (:func:`rebuild_scorecards`)
and stored as JSON, so lookups need neither pandas nor the models.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError
from bondwatch.tenors import describe, parse_tenor

if TYPE_CHECKING:
    import pandas as pd

SOURCE_PRIORITY = {"treasurydirect": 0, "fiscaldata": 1, "compiled": 2}
_CUSIP = re.compile(r"^[0-9A-Z]{8}[0-9]$")
UNITS = {
    "yields": "percent",
    "shares": "percent of competitive accepted (excludes SOMA add-ons and non-competitive awards)",
    "tails": "basis points",
    "offering_amount": "US dollars",
}


def merged_results(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (cusip, auction_date): each field from the most authoritative source that has it.

    A reopening whose original term no source gives (TreasuryDirect files do not) takes it from
    the same CUSIP's other auctions.
    """
    frame = frame.assign(_priority=frame["source"].map(SOURCE_PRIORITY).fillna(9))
    frame = frame.sort_values(["cusip", "auction_date", "_priority"])
    keys = ["cusip", "auction_date"]
    merged = frame.groupby(keys, sort=False).first()
    merged = merged.drop(columns=["source", "provenance_id", "_priority"]).reset_index()
    same_security = merged.groupby("cusip", sort=False)["original_term"].transform("first")
    merged["original_term"] = merged["original_term"].fillna(same_security)
    return merged


def rebuild_scorecards(writer: store.Writer) -> int:
    """Recompute every scorecard from the merged results and the US par curve; returns the count."""
    import pandas as pd

    from bondwatch.analytics.scorecard import score_auctions

    results = writer.frame("SELECT * FROM auction_results")
    if results.empty:
        writer.replace_table("auction_scorecards", pd.DataFrame())
        return 0
    merged = merged_results(results)
    merged = merged[merged["tenor"].notna()]
    curve = writer.frame(  # the par curve of each auction day and of the last curve day before it
        "WITH days AS (SELECT DISTINCT date FROM yield_curves WHERE curve = 'us_par'), "
        "auction_days AS (SELECT DISTINCT auction_date AS day FROM auction_results), "
        "wanted AS (SELECT day AS date FROM auction_days UNION "
        "SELECT d.date FROM auction_days a ASOF JOIN days d ON a.day > d.date) "
        "SELECT date, tenor_years, yield_pct, provenance_id FROM yield_curves WHERE curve = 'us_par' "
        "AND date IN (SELECT date FROM wanted)"
    )
    provenance = {
        int(record["id"]): record for record in writer.frame("SELECT * FROM provenance").to_dict("records")
    }
    curve_provenance = {
        pd.Timestamp(d).strftime("%Y-%m-%d"): pid for d, pid in curve.groupby("date")["provenance_id"].max().items()
    }
    cards = score_auctions(merged, curve)
    _add_fitted_curve_tails(writer, cards)
    curve_end = writer.frame("SELECT max(date) AS last FROM yield_curves WHERE curve = 'us_par'")["last"].iloc[0]
    curve_end = None if pd.isna(curve_end) else pd.Timestamp(curve_end).strftime("%Y-%m-%d")
    origins: dict[tuple[str, str], list[tuple[str, int]]] = {}
    ordered = results.sort_values("source", key=lambda s: s.map(SOURCE_PRIORITY), kind="stable")
    days = pd.to_datetime(ordered["auction_date"]).dt.strftime("%Y-%m-%d")
    for cusip, day, name, pid in zip(ordered["cusip"], days, ordered["source"], ordered["provenance_id"]):
        origins.setdefault((cusip, day), []).append((name, pid))
    encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    source_entry = functools.cache(functools.partial(_source_entry, provenance))
    texts = []
    for card in cards:
        card["sources"] = [
            source_entry(pid, name, "auction results") for name, pid in origins[(card["cusip"], card["auction_date"])]
        ]
        for day, used_for, priced in (
            (card["auction_date"], "par curve for tail_curve_bp", card["curve_yield"]),
            (card["prior_curve_date"], "prior-day par curve for tail_prior_curve_bp", card["prior_curve_yield"]),
            (card["auction_date"], "Svensson fit of the par curve for tail_fitted_curve_bp", card["fitted_curve_yield"]),
        ):
            curve_pid = curve_provenance.get(day)
            if curve_pid is not None and priced is not None:
                card["sources"].append(source_entry(curve_pid, "us_par", used_for))
        card["caveats"] = _curve_caveats(card, curve_end)
        texts.append(encode(card))
    table = pd.DataFrame(
        {
            "cusip": [c["cusip"] for c in cards],
            "auction_date": pd.to_datetime([c["auction_date"] for c in cards]),
            "tenor": [c["tenor"] for c in cards],
            "excluded": [c["excluded"] for c in cards],
            "verdict": [c["verdict"] for c in cards],
            "card": texts,
        }
    )
    writer.replace_table("auction_scorecards", table)
    return len(cards)


def _add_fitted_curve_tails(writer: store.Writer, cards: list[dict]) -> None:
    """Set ``fitted_curve_yield`` (percent) and ``tail_fitted_curve_bp`` on each card: the Svensson
    fit of the auction day's par curve (table ``curve_fits``) priced at the security's exact
    remaining maturity, (maturity - auction date) / 365.25 years, and the high yield minus it in bp.
    Shown beside the linear close-curve tail, not scored (the fit is of the same end-of-day curve);
    None where the day has no stored fit (`bondwatch curve fit us` fits every day, and imports
    then refit new days) or the security is not a nominal coupon."""
    import pandas as pd

    from bondwatch.analytics.curve_fit import fitted_par_yield

    fits = writer.frame(
        "SELECT date, beta0, beta1, beta2, beta3, tau1, tau2 FROM curve_fits "
        "WHERE curve = 'us_par' AND model = 'svensson' AND tau1 IS NOT NULL "
        "AND date IN (SELECT DISTINCT auction_date FROM auction_results)"
    )
    params = {
        pd.Timestamp(day).strftime("%Y-%m-%d"): row
        for day, row in zip(fits["date"], fits[["beta0", "beta1", "beta2", "beta3", "tau1", "tau2"]].to_numpy(float))
    }
    for card in cards:
        card["fitted_curve_yield"] = card["tail_fitted_curve_bp"] = None
        day = params.get(card["auction_date"])
        if day is None or card["kind"] != "nominal" or card["high_yield"] is None or not card["maturity_date"]:
            continue
        years = (Date.fromisoformat(card["maturity_date"]) - Date.fromisoformat(card["auction_date"])).days / 365.25
        fitted = fitted_par_yield(day, years)
        card["fitted_curve_yield"] = round(fitted, 4)
        card["tail_fitted_curve_bp"] = round((card["high_yield"] - fitted) * 100.0, 1)


def _curve_caveats(card: dict, curve_end: str | None) -> list[str]:
    """Why a nominal auction's curve tails are blank when the par curve held ends before it."""
    if card["kind"] not in ("nominal", "bill", "cmb") or card["curve_yield"] is not None:
        return []
    if curve_end is None:
        return ["no curve tail: no US par curve is held (`bondwatch update` imports it)"]
    if card["auction_date"] > curve_end:
        return [f"no curve tail: the US par curve held ends {curve_end}, before this auction "
                "(`bondwatch update` adds later curves)"]
    return []


def _source_entry(provenance: dict[int, dict], pid: int, name: str, used_for: str) -> dict[str, Any]:
    record = provenance[int(pid)]
    return {
        "used_for": used_for,
        "source": name,
        "publisher": record["source"],
        "dataset": record["dataset"],
        "location": record["location"],
        "retrieved_at": record["retrieved_at"].isoformat() + "Z",
        "vintage": record["vintage"],
    }


def parse_date(text: str | Date | None, what: str = "--date") -> Date | None:
    """YYYY-MM-DD text -> date (None stays None; surrounding spaces ignored); UsageError naming
    ``what`` otherwise. The one date rule of every command's and endpoint's date arguments."""
    if text is None or isinstance(text, Date):
        return text
    try:
        return Date.fromisoformat(str(text).strip())
    except ValueError:
        raise UsageError(f"{what} {text!r}: expected a date as YYYY-MM-DD") from None


def is_cusip(text: str) -> bool:
    """Whether ``text`` is a well-formed CUSIP with a valid check digit. One CUSIP in pure Python:
    ``sources.checks.cusip_check_digit_ok`` is the vectorised rule for whole files, but importing
    it loads pandas, which `bondwatch auction` must not at start-up (a test keeps the two equal)."""
    text = text.strip().upper()
    if not _CUSIP.match(text):
        return False
    total = 0
    for i, char in enumerate(text[:8]):
        value = int(char) if char.isdigit() else ord(char) - 55
        value = value * 2 if i % 2 else value
        total += value // 10 + value % 10
    return (10 - total % 10) % 10 == int(text[8])


def _cards(rows: list[tuple]) -> list[dict]:
    """Stored scorecard JSON -> dicts, each with the ``units`` of its numbers."""
    return [{**json.loads(r[0]), "units": UNITS} for r in rows]


def find_cards(
    target: str,
    *,
    date: str | Date | None = None,
    warehouse: str | Path | None = None,
) -> list[dict]:
    """Scorecards for a tenor ('30y': the latest, or the one on ``date``) or a CUSIP (all its auctions)."""
    when = parse_date(date)
    with store.Warehouse(warehouse) as wh:
        if is_cusip(target):
            cusip = target.strip().upper()
            sql = "SELECT card FROM auction_scorecards WHERE cusip = ?"
            params: list[Any] = [cusip]
            if when:
                sql, params = sql + " AND auction_date = ?", params + [when]
            cards = _cards(wh.rows(sql + " ORDER BY auction_date", params))
            if not cards:
                raise NotFoundError(
                    f"no auction of CUSIP {cusip}{' on ' + when.isoformat() if when else ''} in the warehouse"
                )
            return cards
        if re.fullmatch(r"[0-9A-Z]{9}", target.strip().upper()):
            raise UsageError(f"{target!r} is not a valid CUSIP: its check digit does not match")
        tenor = parse_tenor(target)
        known = {r[0] for r in wh.rows("SELECT DISTINCT tenor FROM auction_scorecards")}
        if tenor not in known:
            raise NotFoundError(
                f"no {describe(tenor)} auctions in the warehouse{_no_bills_note(tenor, known)}; "
                f"tenors held: {', '.join(sorted(known))}"
            )
        if when is None:
            rows = wh.rows(
                "SELECT card FROM auction_scorecards WHERE tenor = ? AND excluded IS NULL "
                "ORDER BY auction_date DESC LIMIT 1",
                [tenor],
            )
            return _cards(rows)
        rows = wh.rows("SELECT card FROM auction_scorecards WHERE tenor = ? AND auction_date = ?", [tenor, when])
        if not rows:
            nearest = wh.rows(
                "SELECT auction_date FROM auction_scorecards WHERE tenor = ? "
                "ORDER BY abs(date_diff('day', auction_date, ?::DATE)) LIMIT 2",
                [tenor, when],
            )
            hint = ", ".join(r[0].isoformat() for r in nearest)
            raise NotFoundError(
                f"no {describe(tenor)} auction on {when.isoformat()}; nearest: {hint}"
            )
        return _cards(rows)


def list_cards(
    tenor: str | None = None,
    *,
    since: str | Date | None = None,
    until: str | Date | None = None,
    last: int | None = None,
    warehouse: str | Path | None = None,
) -> list[dict]:
    """Scorecards of every auction (of one tenor, within dates), oldest first; ``last``: only the
    latest ``last`` of them."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    clauses, params = [], []
    if tenor:
        clauses.append("tenor = ?")
        params.append(parse_tenor(tenor))
    if start:
        clauses.append("auction_date >= ?")
        params.append(start)
    if end:
        clauses.append("auction_date <= ?")
        params.append(end)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    with store.Warehouse(warehouse) as wh:
        cards = _cards(wh.rows(f"SELECT card FROM auction_scorecards{where} ORDER BY auction_date, cusip", params))
    if not cards and tenor:
        with store.Warehouse(warehouse) as wh:
            known = {r[0] for r in wh.rows("SELECT DISTINCT tenor FROM auction_scorecards")}
        raise NotFoundError(f"no {describe(parse_tenor(tenor))} auctions in that range{_no_bills_note(parse_tenor(tenor), known)}")
    if last is not None and last < 1:
        raise UsageError(f"--last {last}: expected a whole number of auctions, 1 or more")
    return cards[-last:] if last else cards


def _is_bill(tenor: str) -> bool:
    return tenor.endswith(("w", "d", "-cmb"))


def _no_bills_note(tenor: str, held: set[str]) -> str:
    """Why a bill tenor has no auctions: the offline mirror's Fiscal Data file holds notes and bonds only."""
    if not _is_bill(tenor) or any(_is_bill(t) for t in held):
        return ""
    return (" (no bills held: the offline mirror holds coupon auctions only, notes and bonds; "
            "a live `bondwatch update` imports bills)")


FLAT_COLUMNS = (
    "auction_date", "cusip", "tenor", "security_term", "original_term", "reopening", "offering_amount",
    "high_yield", "median_yield", "bid_to_cover", "indirect_pct", "direct_pct", "dealer_pct",
    "tail_curve_bp", "tail_median_bp", "tail_prior_curve_bp", "score", "verdict", "excluded",
)


def cards_frame(cards: list[dict]) -> pd.DataFrame:
    """Scorecards as a flat DataFrame: the metrics, their last-6 differences and z-scores, verdicts."""
    import pandas as pd

    rows = []
    for card in cards:
        row = {c: card.get(c) for c in FLAT_COLUMNS}
        for metric, s in card["vs_last6"].items():
            row[f"{metric}_last6_mean"] = s["mean"]
            row[f"{metric}_diff"] = s["diff"]
            row[f"{metric}_z"] = s["z"]
            row[f"{metric}_pct10y"] = card["percentile_10y"][metric]
        row["reasons"] = "; ".join(card["reasons"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["auction_date"] = pd.to_datetime(frame["auction_date"])
    return frame


def auction(target: str, date: str | None = None, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """Scorecard(s) of one auction (tenor: the latest or on ``date``) or of a CUSIP, as a DataFrame."""
    return cards_frame(find_cards(target, date=date, warehouse=warehouse))


def auctions(
    tenor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Scorecards of all auctions (optionally one tenor, within dates), oldest first."""
    return cards_frame(list_cards(tenor, since=since, until=until, warehouse=warehouse))


def auction_history(*, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The merged auction results (one row per auction, every field with its best source)."""
    with store.Warehouse(warehouse) as wh:
        return merged_results(wh.frame("SELECT * FROM auction_results"))


PUBLISHED_TAILS = "presets/auction_tails.yaml"


def published_tails() -> list[dict]:
    """Published when-issued tails compiled from press reports (``presets/auction_tails.yaml``), each
    with its citation; tails in basis points, yields in percent."""
    from importlib import resources

    import yaml

    text = resources.files("bondwatch").joinpath(PUBLISHED_TAILS).read_text(encoding="utf-8")
    return yaml.safe_load(text)["tails"]


def tail_evaluation(*, warehouse: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scorecard's tail proxies against published when-issued tails: (per-auction table, summary
    per proxy), see :mod:`bondwatch.analytics.tail_evaluation`. Each report's high yield must equal
    the official result of the auction it names."""
    from bondwatch.analytics.tail_evaluation import evaluation_summary, evaluation_table
    from bondwatch.errors import DataFormatError

    tails = published_tails()
    cards = []
    for number, tail in enumerate(tails, start=1):
        card = find_cards(tail["tenor"], date=str(tail["auction_date"]), warehouse=warehouse)[0]
        if card["high_yield"] is None or abs(card["high_yield"] - tail["high_yield"]) > 5e-4:
            raise DataFormatError(
                "published tails", f"{PUBLISHED_TAILS} entry {number} ({tail['tenor']} {tail['auction_date']})",
                f"high_yield {tail['high_yield']}: expected the official {card['high_yield']}",
            )
        cards.append(card)
    table = evaluation_table(tails, cards)
    return table, evaluation_summary(table)
