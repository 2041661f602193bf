"""The live auction watch, replayed: polls, imports each new results file, yields its scorecard.

The history is the offline mirror (../shared/data) with the 2025-06-12 30-year reopening
(912810UK2) taken out of the Fiscal Data and compiled files, so the watch is what brings that
auction in: it arrives as a format replay of its published results (see
test_sources_treasurydirect.py) and is scored against the stored 30-year history.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest
from test_sources_treasurydirect import BILL_ANNOUNCEMENT, BILL_RESULTS, replay_client, results_xml

from bondwatch.errors import NotFoundError, UsageError
from bondwatch.service.auctions import find_cards
from bondwatch.service.watch import watch_results
from bondwatch.sources import treasurydirect

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DAY = date(2025, 6, 12)
FIRST = "https://www.treasurydirect.gov/xml/R_20250612_1.xml"
SECOND = "https://www.treasurydirect.gov/xml/R_20250612_2.xml"

pytestmark = pytest.mark.mirror


def _mirror_without_the_auction(root: Path) -> Path:
    """A copy of the mirror's auction and curve files without the 2025-06-12 30-year rows."""
    auctions = root / "treasury" / "auctions"
    auctions.mkdir(parents=True)
    for name in ("fiscaldata_auctions_2009_2026.csv", "coupon_auctions_compiled_2008_2026.csv"):
        lines = (MIRROR / "treasury" / "auctions" / name).read_text().splitlines(keepends=True)
        kept = [line for line in lines if not ("2025-06-12" in line and "912810UK2" in line)]
        assert len(kept) == len(lines) - 1, name
        (auctions / name).write_text("".join(kept))
    (root / "treasury" / "par_yield_curve").symlink_to(MIRROR / "treasury" / "par_yield_curve")
    return root


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A warehouse holding the mirror's auctions (less 2025-06-12 912810UK2) and par curves."""
    if not MIRROR.is_dir():
        pytest.skip(f"../shared/data not present: {MIRROR}")
    from bondwatch.service.update import update

    root = tmp_path_factory.mktemp("watch")
    path = root / "bondwatch.duckdb"
    mirror = _mirror_without_the_auction(root / "mirror")
    update(from_dir=mirror, only=["fiscaldata", "compiled", "treasury"], warehouse=path)
    return path


@pytest.fixture
def home(history, tmp_path, monkeypatch) -> Path:
    """BONDWATCH_HOME holding a fresh copy of the history warehouse."""
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    shutil.copyfile(history, tmp_path / "bondwatch.duckdb")
    return tmp_path


class FakeTime:
    """A clock that only moves when the watch sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_watch_scores_the_auction_when_its_results_appear(home, monkeypatch):
    monkeypatch.setattr(treasurydirect, "today_eastern", lambda: DAY)  # watching 2025-06-12 live
    with pytest.raises(NotFoundError):
        find_cards("912810UK2", date=DAY)  # not in the history until the watch imports it
    log: list[str] = []
    time = FakeTime()

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(str(request.url))
        if str(request.url) == FIRST and time.now >= 60:  # published a minute into the watch
            return httpx.Response(200, content=results_xml())
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        watch = watch_results(None, interval=30, timeout_minutes=2, client=client, sleep=time.sleep, clock=time.clock)
        cards = list(watch)

    assert time.sleeps == [30, 30, 30, 30]  # polls at 0, 30, 60, 90 and 120 seconds, then the timeout
    assert log == [FIRST, FIRST, FIRST, SECOND, SECOND, SECOND]
    assert len(cards) == 1
    card = cards[0]
    assert (card["cusip"], card["auction_date"], card["tenor"]) == ("912810UK2", "2025-06-12", "30y")
    assert (card["high_yield"], card["median_yield"], card["bid_to_cover"]) == (4.844, 4.8, 2.43)
    assert (card["dealer_pct"], card["direct_pct"], card["indirect_pct"]) == (11.41, 23.42, 65.16)
    # scored against the stored history: the previous six 30-year auctions and the 2025-06-12 par curve
    assert card["vs_last6"]["bid_to_cover"]["n"] == 6
    assert card["vs_last6"]["bid_to_cover"]["mean"] == 2.3917
    assert card["tail_median_bp"] == 4.4
    assert card["tail_curve_bp"] == 0.4
    assert card["tail_prior_curve_bp"] == -6.6  # against the par curve of 2025-06-11
    assert (card["verdict"], card["score"]) == ("strong", 4.04)
    # the results file does not give the reopened bond's original term: the stored history does
    assert (card["security_term"], card["original_term"]) == ("29-Year 11-Month", "30-Year")
    assert card["sources"][0]["source"] == "treasurydirect"
    assert card["sources"][0]["location"] == FIRST
    assert find_cards("912810UK2", date=DAY)[0]["verdict"] == "strong"  # stored, not only yielded


def test_every_file_of_a_past_day_is_scored_in_one_pass(home):
    files = {FIRST: results_xml(BILL_ANNOUNCEMENT | {"AuctionDate": "2025-06-12"}, BILL_RESULTS), SECOND: results_xml()}
    time = FakeTime()
    with replay_client(files) as client:
        cards = list(watch_results("2025-06-12", interval=30, client=client, sleep=time.sleep, clock=time.clock))
    assert time.sleeps == []  # a past day: everything is published, no polling
    assert [(c["cusip"], c["tenor"]) for c in cards] == [("912796SV2", "13w"), ("912810UK2", "30y")]
    assert cards[1]["verdict"] == "strong"


def test_nothing_published_ends_quietly_at_the_timeout(home, monkeypatch):
    monkeypatch.setattr(treasurydirect, "today_eastern", lambda: DAY)
    time = FakeTime()
    with replay_client({}) as client:
        watch = watch_results(DAY, interval=45, timeout_minutes=1.5, client=client, sleep=time.sleep, clock=time.clock)
        cards = list(watch)
    assert cards == []
    assert time.sleeps == [45, 45]
    assert time.now == 90


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": "12/06/2025"}, "--date '12/06/2025': expected a date as YYYY-MM-DD"),
        ({"day": "2999-01-01"}, "--date 2999-01-01: after today"),
        ({"day": "2025-06-12", "interval": 0}, "--interval 0: expected a number of seconds above 0"),
        ({"day": "2025-06-12", "timeout_minutes": -1}, "--timeout -1: expected a number of minutes, 0 or more"),
    ],
)
def test_bad_arguments_are_usage_errors(kwargs, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        next(watch_results(**kwargs))


def test_the_watch_command_prints_each_scorecard(home, monkeypatch):
    from click.testing import CliRunner

    from bondwatch import http
    from bondwatch.cli import cli

    monkeypatch.setattr(http, "make_client", lambda: replay_client({FIRST: results_xml()}))
    result = CliRunner().invoke(cli, ["watch", "--date", "2025-06-12", "--json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert (card["cusip"], card["verdict"], card["indirect_pct"]) == ("912810UK2", "strong", 65.16)


def test_a_bad_file_stops_the_watch_command_with_a_one_line_error(home, monkeypatch, capsys):
    from bondwatch import http
    from bondwatch.cli import main

    page = b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"
    monkeypatch.setattr(http, "make_client", lambda: replay_client({FIRST: page}))
    with pytest.raises(SystemExit) as exited:
        main(["watch", "--date", "2025-06-12"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        f"error: TreasuryDirect auction results XML: {FIRST}: got an HTML page (an error or login page?), "
        "not an auction results XML file\n"
    )


def test_with_the_full_history_the_results_xml_leads_the_merge_and_changes_no_figure(tmp_path, monkeypatch):
    from bondwatch.service.update import update

    if not MIRROR.is_dir():
        pytest.skip(f"../shared/data not present: {MIRROR}")
    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path))
    update(from_dir=MIRROR, only=["fiscaldata", "compiled", "treasury"])
    before = find_cards("912810UK2", date=DAY)[0]
    with replay_client({FIRST: results_xml()}) as client:
        (after,) = watch_results(DAY, client=client)
    assert [s["source"] for s in after["sources"] if s["used_for"] == "auction results"] == [
        "treasurydirect", "fiscaldata", "compiled",
    ]
    figures = ("offering_amount", "high_yield", "median_yield", "bid_to_cover", "dealer_pct", "direct_pct",
               "indirect_pct", "tail_curve_bp", "tail_median_bp", "vs_last6", "percentile_10y", "score", "verdict")
    assert {k: after[k] for k in figures} == {k: before[k] for k in figures}
    assert before["verdict"] == "strong"
