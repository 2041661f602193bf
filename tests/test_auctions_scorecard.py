"""Auction scorecards against published Treasury figures (offline mirror)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bondwatch.errors import NotFoundError, UsageError
from bondwatch.service.auctions import find_cards, is_cusip, list_cards
from tests.conftest import MIRROR, run_cli


def test_june_2025_reopening_matches_published_results(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    assert code == 0
    [card] = json.loads(out)["data"]
    # TreasuryDirect / Fiscal Data published results for 912810UK2 on 2025-06-12
    assert card["cusip"] == "912810UK2"
    assert card["high_yield"] == 4.844
    assert card["median_yield"] == 4.8
    assert card["bid_to_cover"] == 2.43
    assert (card["indirect_pct"], card["direct_pct"], card["dealer_pct"]) == (65.16, 23.42, 11.41)
    assert card["reopening"] is True and card["offering_amount"] == 22e9
    assert card["original_term"] == "30-Year" and card["security_term"] == "29-Year 11-Month"
    assert card["tail_median_bp"] == pytest.approx(4.4)
    assert card["verdict"] in ("strong", "solid")
    assert card["reasons"]
    required = {
        "auction_date", "cusip", "security_term", "original_term", "reopening", "offering_amount",
        "high_yield", "median_yield", "bid_to_cover", "indirect_pct", "direct_pct", "dealer_pct",
        "tail_curve_bp", "tail_median_bp", "vs_last6", "percentile_10y", "verdict", "reasons", "sources",
    }
    assert required <= set(card)
    assert {s["dataset"] for s in card["sources"]} == {
        "fiscaldata.auctions", "compiled.coupon_auctions", "treasury.par_yield_curve",
    }


def test_six_auction_mean_is_the_previous_six_30y_auctions(home_with_auctions):
    card = find_cards("30y", date="2025-06-12")[0]
    # bid-to-cover of the 30-year auctions 2024-12-12 .. 2025-05-08 (Fiscal Data)
    previous = [2.39, 2.52, 2.33, 2.37, 2.43, 2.31]
    stats = card["vs_last6"]["bid_to_cover"]
    assert stats["n"] == 6
    assert stats["mean"] == pytest.approx(sum(previous) / 6, abs=1e-4)
    assert stats["diff"] == pytest.approx(2.43 - sum(previous) / 6, abs=1e-4)
    assert stats["z"] == pytest.approx((2.43 - sum(previous) / 6) / pd.Series(previous).std(), abs=0.01)


def test_tail_against_par_curve_uses_exact_remaining_maturity(home_with_auctions):
    card = find_cards("30y", date="2025-06-12")[0]
    # par curve 2025-06-12: 20y 4.86, 30y 4.84; remaining maturity to 2055-05-15
    years = (pd.Timestamp("2055-05-15") - pd.Timestamp("2025-06-12")).days / 365.25
    curve = 4.86 + (4.84 - 4.86) * (years - 20) / 10
    assert card["remaining_years"] == pytest.approx(years, abs=1e-3)
    assert card["curve_yield"] == pytest.approx(curve, abs=1e-4)
    assert card["tail_curve_bp"] == pytest.approx((4.844 - curve) * 100, abs=0.05)


def test_percentile_matches_independent_count(home_with_auctions):
    raw = pd.read_csv(MIRROR / "treasury/auctions/fiscaldata_auctions_2009_2026.csv")
    bonds = raw[(raw.tenor == "30y") & (raw.kind == "NOMINAL") & (raw.offering_amt > 1e8)]
    window = bonds[(bonds.auction_date < "2025-06-12") & (bonds.auction_date > "2015-06-12")]
    dealer = window.primary_dealer_accepted / window.comp_accepted * 100
    x = 2507004000 / 21965397000 * 100
    expected = 100 * ((dealer < x).sum() + 0.5 * (dealer == x).sum()) / len(dealer)
    card = find_cards("30y", date="2025-06-12")[0]
    assert card["percentile_10y"]["dealer_pct"] == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(
    "tenor, day, cusip, high, btc, dealer",
    [
        ("3y", "2009-02-10", "912828KC3", 1.419, 2.67, 54.10),
        ("30y", "2011-08-11", "912810QS0", 3.75, 2.08, 68.32),
        ("10y", "2016-05-11", "912828R36", 1.71, 2.68, 14.73),
        ("7y", "2021-02-25", "91282CBP5", 1.195, 2.04, 39.81),
        ("30y", "2023-11-09", "912810TV0", 4.769, 2.24, 24.73),
    ],
)
def test_published_figures_across_tenors_and_decades(home_with_auctions, tenor, day, cusip, high, btc, dealer):
    card = find_cards(tenor, date=day)[0]
    assert card["cusip"] == cusip
    assert card["high_yield"] == pytest.approx(high)
    assert card["bid_to_cover"] == pytest.approx(btc)
    assert card["dealer_pct"] == pytest.approx(dealer, abs=0.01)


@pytest.mark.parametrize(
    "tenor, day",
    [
        ("30y", "2011-08-11"),  # post-downgrade 30-year: dealers took 68%
        ("7y", "2021-02-25"),  # the "disastrous" 7-year: record-low 2.04 cover, dealers 40%
        ("30y", "2023-11-09"),  # 30-year tailed about 5bp, dealers 25%
        ("30y", "2023-02-09"),  # ugly February 2023 bond auction
    ],
)
def test_auctions_the_market_judged_weak(home_with_auctions, tenor, day):
    card = find_cards(tenor, date=day)[0]
    assert card["verdict"] in ("weak", "very weak"), card["reasons"]
    assert card["score"] < -1


def test_small_value_test_reopenings_are_excluded(home_with_auctions):
    excluded = find_cards("10y", date="2019-06-21")[0]
    assert excluded["offering_amount"] == 25e6
    assert excluded["verdict"] is None and "small-value test" in excluded["excluded"]
    assert "small-value test" in find_cards("20y", date="2021-12-02")[0]["excluded"]
    # the next 10-year auction's last-six history skips the test reopening
    cards = [c for c in list_cards("10y", since="2019-06-01", until="2019-08-31") if not c["excluded"]]
    following = cards[-1]
    history = [c for c in list_cards("10y", until=following["auction_date"]) if not c["excluded"]][-7:-1]
    assert following["vs_last6"]["bid_to_cover"]["mean"] == pytest.approx(
        sum(c["bid_to_cover"] for c in history) / 6, abs=1e-4
    )
    # the latest 10-year is a real auction, never the test
    assert find_cards("10y")[0]["offering_amount"] > 1e9


def test_cusip_lookup_returns_every_auction_of_the_issue(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auction", "912810UK2", "--json")
    assert code == 0
    cards = json.loads(out)["data"]
    assert [c["auction_date"] for c in cards] == ["2025-05-08", "2025-06-12", "2025-07-10"]
    assert [c["bid_to_cover"] for c in cards] == [2.31, 2.43, 2.38]


def test_auctions_listing_csv(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auctions", "--tenor", "10y", "--since", "2024-01-01", "--csv")
    assert code == 0
    frame = pd.read_csv(pd.io.common.StringIO(out))
    assert (frame.auction_date >= "2024-01-01").all()
    assert set(frame.tenor) == {"10y"}
    assert {"bid_to_cover", "indirect_pct", "verdict"} <= set(frame.columns)


def test_readable_table_and_chart(home_with_auctions, capsys, tmp_path):
    chart = tmp_path / "thirty.svg"
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--chart", str(chart))
    assert code == 0
    assert "verdict:" in out and "912810UK2" in out
    assert chart.read_text().lstrip().startswith("<?xml") and "2025-06-12" in chart.read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["auction", "45y"], "no 45-year auctions"),
        (["auction", "30z"], "unknown tenor '30z'"),
        (["auction", "30y", "--date", "2025-06-13"], "no 30-year auction on 2025-06-13; nearest: 2025-06-12"),
        (["auction", "30y", "--date", "13/06/2025"], "expected a date as YYYY-MM-DD"),
        (["auction", "912810UK3"], "not a valid CUSIP"),
        (["auction", "912810ZZ4"], "no auction of CUSIP 912810ZZ4"),
        (["auction", "30y", "--chart", "x.gif"], "expected a file name ending in .png, .svg or .pdf"),
    ],
)
def test_bad_requests_give_one_line_and_exit_2(home_with_auctions, capsys, args, message):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_no_warehouse_yet_says_how_to_fill_it(capsys):
    code, _, err = run_cli(capsys, "auction", "30y")
    assert code == 2 and "bondwatch update --from auto" in err


def test_cusip_check_digit():
    assert is_cusip("912810UK2") and is_cusip("91282CBP5")
    assert not is_cusip("912810UK3") and not is_cusip("30y")


def test_api_returns_dataframes(home_with_auctions):
    import bondwatch as bw

    one = bw.auction("30y", date="2025-06-12")
    assert one.loc[0, "bid_to_cover"] == 2.43 and one.loc[0, "dealer_pct_last6_mean"] == pytest.approx(14.41, abs=0.01)
    many = bw.auctions(tenor="10y", since="2024-01-01")
    assert len(many) >= 20 and many.auction_date.min() >= pd.Timestamp("2024-01-01")
    with pytest.raises(NotFoundError):
        bw.auction("912810ZZ4")
    with pytest.raises(UsageError):
        bw.auctions(tenor="banana")


def test_a_blank_curve_tail_says_why():
    from bondwatch.service.auctions import _curve_caveats

    card = {"kind": "nominal", "curve_yield": None, "auction_date": "2025-08-07"}
    assert _curve_caveats(card, "2025-07-11") == [
        "no curve tail: the US par curve held ends 2025-07-11, before this auction "
        "(`bondwatch update` adds later curves)"
    ]
    assert _curve_caveats(card, None) == ["no curve tail: no US par curve is held (`bondwatch update` imports it)"]
    assert _curve_caveats({**card, "curve_yield": 4.84}, "2025-07-11") == []
    assert _curve_caveats({**card, "kind": "tips"}, "2025-07-11") == []


def test_the_card_after_the_last_curve_day_carries_the_caveat(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-08-07")
    assert code == 0
    assert "note: no curve tail: the US par curve held ends 2025-07-11, before this auction" in out
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    assert json.loads(out)["data"][0]["caveats"] == []


def test_after_curve_fit_the_card_shows_the_svensson_tail_at_the_exact_maturity(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    [before] = json.loads(out)["data"]
    assert before["fitted_curve_yield"] is None and before["tail_fitted_curve_bp"] is None
    assert run_cli(capsys, "curve", "fit", "us", "--since", "2025")[0] == 0
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    document = json.loads(out)
    [card] = document["data"]
    # 912810UK2 matures 2055-05-15: 10,929 days = 29.922 years; the Svensson par yield there
    assert card["fitted_curve_yield"] == pytest.approx(4.8962, abs=5e-4)
    assert card["tail_fitted_curve_bp"] == pytest.approx((4.844 - card["fitted_curve_yield"]) * 100, abs=0.051)
    assert any("Svensson fit" in s["used_for"] for s in card["sources"])
    assert any("Svensson fit" in (s["used_for"] or "") for s in document["sources"])
    # shown beside the linear close-curve tail, never scored: the verdict is unchanged
    assert (card["score"], card["verdict"], card["tail_curve_bp"]) == (before["score"], before["verdict"], before["tail_curve_bp"])
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12")
    assert "Svensson fit of the close curve at the exact maturity 4.896%: tail -5.2 bp (shown, not scored)" in out
