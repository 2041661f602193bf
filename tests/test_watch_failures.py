"""The watch keeps polling through transient failures until its timeout (format replays, no mirror)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from test_sources_treasurydirect import results_xml
from test_watch import FIRST, FakeTime

from bondwatch.errors import SourceUnavailableError
from bondwatch.service.watch import watch_results
from bondwatch.sources import treasurydirect
from tests.conftest import run_cli

DAY = date(2025, 6, 12)


def flaky_client(failing_polls: int, files: dict[str, bytes]) -> tuple[httpx.Client, list[str]]:
    """TreasuryDirect answering 503 to the first ``failing_polls`` polls (every attempt of them),
    then ``files`` (anything else 404)."""
    log: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(str(request.url))
        if len(log) <= failing_polls * 4:  # four attempts per poll (bondwatch.http.ATTEMPTS)
            return httpx.Response(503, text="Service Unavailable")
        content = files.get(str(request.url))
        return httpx.Response(200, content=content) if content is not None else httpx.Response(404)

    return httpx.Client(transport=httpx.MockTransport(handler)), log


def test_two_failed_polls_then_the_results_are_scored(monkeypatch):
    monkeypatch.setattr(treasurydirect, "today_eastern", lambda: DAY)
    time = FakeTime()
    failures: list[str] = []
    client, _ = flaky_client(2, {FIRST: results_xml()})
    with client:
        cards = list(watch_results(DAY, interval=30, timeout_minutes=2, client=client, sleep=time.sleep,
                                   clock=time.clock, on_failure=lambda exc: failures.append(str(exc))))
    assert len(failures) == 2
    assert failures[0] == f"{treasurydirect.PUBLISHER}: HTTP 503 from {FIRST} after 4 attempts"
    assert [(c["cusip"], c["auction_date"], c["indirect_pct"]) for c in cards] == [("912810UK2", "2025-06-12", 65.16)]
    assert time.sleeps == [30, 30, 30, 30]  # polled on through the failures until the 2-minute timeout
    assert time.now == 120


def test_failing_until_the_timeout_raises_the_last_failure(monkeypatch):
    monkeypatch.setattr(treasurydirect, "today_eastern", lambda: DAY)
    time = FakeTime()
    failures: list[str] = []
    client, log = flaky_client(100, {})
    with client, pytest.raises(SourceUnavailableError, match="HTTP 503 from .*R_20250612_1.xml after 4 attempts"):
        list(watch_results(DAY, interval=60, timeout_minutes=3, client=client, sleep=time.sleep, clock=time.clock,
                           on_failure=lambda exc: failures.append(str(exc))))
    assert time.sleeps == [60, 60, 60] and len(failures) == 4 and len(log) == 16


def test_a_past_day_fails_at_once():
    time = FakeTime()
    client, _ = flaky_client(100, {})
    with client, pytest.raises(SourceUnavailableError):
        list(watch_results("2025-06-12", client=client, sleep=time.sleep, clock=time.clock))
    assert time.sleeps == []


def test_the_watch_command_warns_and_keeps_polling(monkeypatch, capsys):
    from bondwatch import http

    monkeypatch.setattr(treasurydirect, "today_eastern", lambda: DAY)
    client, _ = flaky_client(1, {FIRST: results_xml()})
    monkeypatch.setattr(http, "make_client", lambda: client)
    code, out, err = run_cli(capsys, "watch", "--date", "2025-06-12", "--interval", "1", "--timeout", "0.02", "--json")
    assert code == 0, err
    assert err.splitlines()[0] == f"warning: {treasurydirect.PUBLISHER}: HTTP 503 from {FIRST} after 4 attempts; polling again in 1 s"
    assert '"cusip": "912810UK2"' in out
