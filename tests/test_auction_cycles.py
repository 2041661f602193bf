"""Auctions are grouped by the cycle they were auctioned in (the term auctioned), not the original term."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bondwatch.analytics.scorecard import score_auctions
from bondwatch.service.auctions import find_cards, list_cards, merged_results
from bondwatch.sources import fiscaldata, treasurydirect
from bondwatch.tenors import auction_cycle, canonical_tenor, term_months
from tests.conftest import MIRROR, need_mirror, run_cli
from tests.test_sources_treasurydirect import ANNOUNCEMENT_30Y, results_xml

# Every distinct (kind, security_term, original_security_term) of the mirror's Fiscal Data file
# (1,716 note and bond auctions 2009-2026), with the cycle each was auctioned in.
MIRROR_TERM_PAIRS = [
    ("frn", "1-Year 10-Month", "2-Year", "2y-frn"), ("frn", "1-Year 11-Month", "2-Year", "2y-frn"),
    ("frn", "2-Year", "2-Year", "2y-frn"),
    ("nominal", "10-Year", "10-Year", "10y"), ("nominal", "9-Year 10-Month", "10-Year", "10y"),
    ("nominal", "9-Year 11-Month", "10-Year", "10y"),
    ("nominal", "20-Year", "20-Year", "20y"), ("nominal", "19-Year 10-Month", "20-Year", "20y"),
    ("nominal", "19-Year 11-Month", "20-Year", "20y"),
    ("nominal", "30-Year", "30-Year", "30y"), ("nominal", "29-Year 10-Month", "30-Year", "30y"),
    ("nominal", "29-Year 11-Month", "30-Year", "30y"),
    ("nominal", "2-Year", "2-Year", "2y"), ("nominal", "2-Year", "5-Year", "2y"), ("nominal", "2-Year", "7-Year", "2y"),
    ("nominal", "3-Year", "3-Year", "3y"), ("nominal", "3-Year", "10-Year", "3y"),
    ("nominal", "5-Year", "5-Year", "5y"), ("nominal", "5-Year", "7-Year", "5y"),
    ("nominal", "7-Year", "7-Year", "7y"),
    ("tips", "5-Year", "5-Year", "5y-tips"), ("tips", "4-Year 10-Month", "5-Year", "5y-tips"),
    ("tips", "4-Year 8-Month", "5-Year", "5y-tips"), ("tips", "4-Year 6-Month", "5-Year", "5y-tips"),
    ("tips", "4-Year 4-Month", "5-Year", "5y-tips"),
    ("tips", "10-Year", "10-Year", "10y-tips"), ("tips", "9-Year 10-Month", "10-Year", "10y-tips"),
    ("tips", "9-Year 9-Month", "10-Year", "10y-tips"), ("tips", "9-Year 8-Month", "10-Year", "10y-tips"),
    ("tips", "20-Year", "20-Year", "20y-tips"), ("tips", "19-Year 6-Month", "20-Year", "20y-tips"),
    ("tips", "30-Year", "30-Year", "30y-tips"), ("tips", "29-Year 8-Month", "30-Year", "30y-tips"),
    ("tips", "29-Year 6-Month", "30-Year", "30y-tips"), ("tips", "29-Year 4-Month", "30-Year", "30y-tips"),
]

# The 19 auctions of the mirror in which a 2-, 3- or 5-year cycle auction reopened an older
# 5-, 7- or 10-year note (Fiscal Data security_term vs original_security_term).
CROSS_CYCLE_REOPENINGS = [
    ("2013-08-28", "912828RE2", "5y", "7-Year"), ("2013-09-25", "912828RH5", "5y", "7-Year"),
    ("2015-05-26", "912828SY7", "2y", "5-Year"), ("2015-08-25", "912828TM2", "2y", "5-Year"),
    ("2015-09-22", "912828TS9", "2y", "5-Year"), ("2015-11-04", "912828TW0", "2y", "5-Year"),
    ("2016-02-23", "912828UR9", "2y", "5-Year"), ("2017-04-25", "912828ST8", "2y", "7-Year"),
    ("2017-10-24", "912828F62", "2y", "5-Year"), ("2017-11-27", "912828M80", "5y", "7-Year"),
    ("2017-12-27", "912828N30", "5y", "7-Year"), ("2019-03-26", "912828C57", "2y", "7-Year"),
    ("2019-03-27", "912828W71", "5y", "7-Year"), ("2019-04-23", "912828WG1", "2y", "7-Year"),
    ("2019-05-28", "912828XT2", "5y", "7-Year"), ("2019-11-05", "912828TY6", "3y", "10-Year"),
    ("2022-01-25", "912828Z78", "5y", "7-Year"), ("2025-02-25", "91282CGQ8", "5y", "7-Year"),
    ("2026-01-26", "91282CGH8", "2y", "5-Year"),
]


@pytest.mark.parametrize("kind, term, original, cycle", MIRROR_TERM_PAIRS)
def test_every_term_pair_of_the_mirror_falls_in_its_cycle(kind, term, original, cycle):
    assert auction_cycle(kind, term) == cycle
    # the original term is a new-issue term of the kind, but not always the cycle's
    assert canonical_tenor(kind, original) in {c for _, _, _, c in MIRROR_TERM_PAIRS}


@pytest.mark.parametrize(
    "kind, term, cycle",
    [
        ("nominal", "1-Year 11-Month", "2y"),  # a 5-year note reopened in a 2-year cycle, mid-month issue
        ("nominal", "4-Year", "4y"),  # 1980s 4-year notes: a year from 3 and 5, their own cycle
        ("nominal", "6-Year 7-Month", "7y"),  # October 2008 off-the-run reopenings: nearest is 7 years
        ("frn", "29-Year 11-Month", "30y-frn"),  # no FRN cycle near: whole years
        ("bill", "13-Week", "13w"),  # a bill reopening is auctioned in the cycle of its term
        ("cmb", "42-Day", "42d-cmb"),
        ("nominal", "not a term", None),
    ],
)
def test_cycle_rule_edges(kind, term, cycle):
    assert auction_cycle(kind, term) == cycle


# Fiscal Data auctions_query JSON (official layout: every value a string), results as published:
# the 7-year note 91282CGQ8 reopened in the 5-year cycle auction of 2025-02-25, and the 5- and
# 7-year cycle auctions before it.
def _fiscaldata_row(day, cusip, term, original, reopening, btc, high, comp, dealer, direct, indirect, maturity):
    return {
        "record_date": day, "auction_date": day, "cusip": cusip, "security_type": "Note", "security_term": term,
        "original_security_term": original, "reopening": reopening, "inflation_index_security": "No",
        "floating_rate": "No", "maturity_date": maturity, "offering_amt": "70000000000", "comp_accepted": comp,
        "primary_dealer_accepted": dealer, "direct_bidder_accepted": direct, "indirect_bidder_accepted": indirect,
        "high_yield": high, "avg_med_yield": "null", "bid_to_cover_ratio": btc,
    }


def _five_year(day, cusip, btc, high, dealer):
    comp = 69_800_000_000
    return _fiscaldata_row(day, cusip, "5-Year", "5-Year", "No", btc, high, str(comp), str(int(comp * dealer / 100)),
                           "7000000000", str(int(comp * (1 - dealer / 100)) - 7_000_000_000), "2030-01-31")


REOPENED_7Y_IN_5Y_CYCLE = _fiscaldata_row(
    "2025-02-25", "91282CGQ8", "5-Year", "7-Year", "Yes", "2.420000", "4.123000", "69797603000", "7390090000",
    "10151800000", "52255713000", "2030-02-28",
)
FIVE_YEAR_CYCLE = [  # bid-to-cover and high yield as published; dealer shares rounded to whole percent
    _five_year("2024-08-28", "91282CLK5", "2.410000", "3.645000", 12),
    _five_year("2024-09-25", "91282CLN9", "2.380000", "3.519000", 13),
    _five_year("2024-10-28", "91282CLR0", "2.390000", "4.138000", 12),
    _five_year("2024-11-26", "91282CMA6", "2.430000", "4.197000", 11),
    _five_year("2024-12-24", "91282CMD0", "2.400000", "4.478000", 14),
    _five_year("2025-01-27", "91282CMG3", "2.400000", "4.330000", 12),
]
SEVEN_YEAR_CYCLE = [
    {**_five_year(day, cusip, btc, "4.000000", 10), "security_term": "7-Year", "original_security_term": "7-Year"}
    for day, cusip, btc in [("2024-10-29", "91282CLU3", "2.740000"), ("2024-11-27", "91282CLZ2", "2.710000"),
                            ("2024-12-26", "91282CMC2", "2.760000"), ("2025-01-28", "91282CMK4", "2.640000")]
]


def test_reopening_in_a_shorter_cycle_is_scored_against_that_cycle():
    page = {"data": [*FIVE_YEAR_CYCLE, *SEVEN_YEAR_CYCLE, REOPENED_7Y_IN_5Y_CYCLE], "meta": {"total-pages": 1}}
    rows = fiscaldata.parse(json.dumps(page).encode(), "auctions_query page 1").frame
    reopened = rows[rows.cusip == "91282CGQ8"].iloc[0]
    assert (reopened.tenor, reopened.original_term, reopened.security_term) == ("5y", "7-Year", "5-Year")
    cards = {c["cusip"]: c for c in score_auctions(merged_results(rows.assign(provenance_id=1)), pd.DataFrame())}
    card = cards["91282CGQ8"]
    assert card["tenor"] == "5y" and card["original_term"] == "7-Year"
    stats = card["vs_last6"]["bid_to_cover"]
    assert stats["n"] == 6  # the six 5-year cycle auctions, none of the 7-year ones
    assert stats["mean"] == pytest.approx((2.41 + 2.38 + 2.39 + 2.43 + 2.40 + 2.40) / 6, abs=1e-4)
    assert {c["tenor"] for c in cards.values() if c["original_term"] == "7-Year"} == {"7y", "5y"}


def test_reopening_into_a_cycle_not_yet_running_is_left_out_of_statistics():
    # a 10-year note reopened with 6 years 7 months left before any 7-year new issue (as on
    # 2008-10-08), then the first 7-year new issue and a 7-year note reopened in the 5-year cycle
    args = ("2.000000", "3.000000", "10000000000", "5000000000", "1000000000", "4000000000")
    rows = [
        _fiscaldata_row("2008-10-08", "912828DV9", "6-Year 7-Month", "10-Year", "Yes", *args, "2015-05-15"),
        _fiscaldata_row("2009-02-26", "912828KS8", "7-Year", "7-Year", "No", *args, "2016-02-29"),
        _fiscaldata_row("2011-02-24", "912828KS8", "5-Year", "7-Year", "Yes", *args, "2016-02-29"),
    ]
    frame = fiscaldata.parse(json.dumps({"data": rows, "meta": {"total-pages": 1}}).encode(), "page").frame
    cards = score_auctions(merged_results(frame.assign(provenance_id=1)), pd.DataFrame())
    excluded = {c["auction_date"]: c["excluded"] for c in cards}
    assert excluded["2008-10-08"].startswith("off-cycle reopening")
    # no 5-year new issue held: no cut-off for the 5-year cycle
    assert excluded["2009-02-26"] is None and excluded["2011-02-24"] is None


def test_treasurydirect_reopening_takes_its_original_term_from_the_first_auction():
    # the results file of a 2-year cycle auction reopening a 5-year note does not name the 5-year term
    xml = results_xml({**ANNOUNCEMENT_30Y, "CUSIP": "91282CGH8", "SecurityType": "NOTE", "AuctionDate": "2026-01-26",
                       "SecurityTermWeekYear": "2-YEAR", "SecurityTermDayMonth": "0-MONTH"})
    reopening = treasurydirect.parse(xml, "R_20260126_1.xml").frame
    assert (reopening.tenor[0], reopening.original_term[0]) == ("2y", None)
    first = reopening.assign(source="fiscaldata", auction_date=pd.Timestamp("2023-01-26"), security_term="5-Year",
                             original_term="5-Year", tenor="5y", reopening=False)
    merged = merged_results(pd.concat([first, reopening]).assign(provenance_id=1)).set_index("auction_date")
    assert merged.loc["2026-01-26", ["tenor", "original_term"]].tolist() == ["2y", "5-Year"]


@pytest.mark.mirror
def test_the_mirror_holds_exactly_the_19_cross_cycle_reopenings():
    raw = pd.read_csv(need_mirror() / "treasury/auctions/fiscaldata_auctions_2009_2026.csv")
    kinds = raw["kind"].str.lower()
    cycles = [auction_cycle(k, t) for k, t in zip(kinds, raw["security_term"])]
    originals = [canonical_tenor(k, t) for k, t in zip(kinds, raw["original_security_term"])]
    found = [
        (day, cusip, cycle, original)
        for day, cusip, cycle, code, original in zip(
            raw["auction_date"], raw["cusip"], cycles, originals, raw["original_security_term"]
        )
        if cycle != code
    ]
    assert found == CROSS_CYCLE_REOPENINGS
    pairs = set(zip(kinds, raw["security_term"], raw["original_security_term"]))
    assert pairs == {(k, t, o) for k, t, o, _ in MIRROR_TERM_PAIRS}


@pytest.mark.mirror
@pytest.mark.parametrize("day, cusip, cycle, original", CROSS_CYCLE_REOPENINGS)
def test_each_cross_cycle_reopening_is_scored_in_its_cycle(home_with_auctions, day, cusip, cycle, original):
    card = find_cards(cycle, date=day)[0]
    assert (card["cusip"], card["tenor"], card["original_term"]) == (cusip, cycle, original)
    assert card["reopening"] is True
    # not filed under the original term's tenor
    assert all(c["tenor"] == cycle for c in find_cards(cusip, date=day))


@pytest.mark.mirror
def test_5y_card_of_2025_02_25_compares_the_previous_six_5_year_cycle_auctions(home_with_auctions, capsys):
    code, out, _ = run_cli(capsys, "auction", "5y", "--date", "2025-02-25", "--json")
    assert code == 0
    [card] = json.loads(out)["data"]
    assert (card["cusip"], card["tenor"], card["security_term"], card["original_term"]) == (
        "91282CGQ8", "5y", "5-Year", "7-Year")
    assert (card["high_yield"], card["bid_to_cover"]) == (4.123, 2.42)
    raw = pd.read_csv(MIRROR / "treasury/auctions/fiscaldata_auctions_2009_2026.csv")
    previous = raw[(raw.kind == "NOMINAL") & (raw.security_term == "5-Year") & (raw.auction_date < "2025-02-25")]
    six = previous.tail(6)
    assert list(six.auction_date) == ["2024-08-28", "2024-09-25", "2024-10-28", "2024-11-26", "2024-12-24", "2025-01-27"]
    stats = card["vs_last6"]["bid_to_cover"]
    assert stats["n"] == 6 and stats["mean"] == pytest.approx(six.bid_to_cover_ratio.mean(), abs=1e-4)
    dealer = six.primary_dealer_accepted / six.comp_accepted * 100
    assert card["vs_last6"]["dealer_pct"]["mean"] == pytest.approx(dealer.mean(), abs=1e-3)


@pytest.mark.mirror
def test_october_2008_off_cycle_reopenings_do_not_score_the_first_new_7_year(home_with_auctions):
    off_cycle = [c for c in list_cards("7y", until="2009-02-26") if c["excluded"]]
    assert [c["cusip"] for c in off_cycle] == ["912828DV9", "912828EE6", "912828DM9"]
    first = find_cards("7y", date="2009-02-26")[0]
    assert first["cusip"] == "912828KS8" and first["verdict"] is None


@pytest.mark.mirror
def test_no_7y_auction_on_2025_02_25(home_with_auctions, capsys):
    code, _, err = run_cli(capsys, "auction", "7y", "--date", "2025-02-25")
    assert code == 2
    assert err == "error: no 7-year auction on 2025-02-25; nearest: 2025-02-26, 2025-01-28\n"


@pytest.mark.parametrize("missing", [None, float("nan"), "", "x" * 41])
def test_a_missing_or_overlong_term_has_no_cycle_and_raises_nothing(missing):
    # found by the fuzz test: a Fiscal Data JSON record without its security_term key
    assert term_months(missing) is None
    assert auction_cycle("nominal", missing) is None
