"""The live auction watch: poll TreasuryDirect for a day's results files and score each as it appears.

Every ``interval`` seconds the watch asks for the next unpublished ``R_<day>_<N>.xml``
(see :mod:`bondwatch.sources.treasurydirect`); each new file is imported into the warehouse
(so the auction is scored against the stored history of its tenor, see
:func:`bondwatch.service.update.import_batches`) and its scorecard is yielded. The watch ends
when ``timeout_minutes`` have passed; for a past day, after one pass (everything is published).
A poll that cannot reach TreasuryDirect does not end the watch: it polls again until the timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from bondwatch import http
from bondwatch.errors import NotFoundError, SourceUnavailableError, UsageError
from bondwatch.service.auctions import find_cards, parse_date
from bondwatch.service.update import import_batches
from bondwatch.sources import treasurydirect
from bondwatch.sources.registry import by_name

if TYPE_CHECKING:
    import httpx

DATASET = "treasurydirect.results"


def watch_results(
    day: str | Date | None = None,
    *,
    interval: float = 30.0,
    timeout_minutes: float = 120.0,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    warehouse: str | Path | None = None,
    on_failure: Callable[[SourceUnavailableError], None] | None = None,
) -> Iterator[dict]:
    """Yield the scorecard of each auction held on ``day`` as soon as its results are published.

    ``day``: YYYY-MM-DD (default: today, US Eastern). ``interval``: seconds between polls.
    ``timeout_minutes``: when to stop watching (the generator then simply ends). A poll that
    fails to reach TreasuryDirect (SourceUnavailableError: network, timeouts, HTTP errors) is
    passed to ``on_failure`` and the watch polls again at the next interval; if the last poll
    before the timeout failed (or the only one, for a past day), its error is raised.
    ``sleep`` and ``clock`` (seconds, monotonic) are injectable so tests run without waiting.
    """
    when = parse_date(day) or treasurydirect.today_eastern()
    if not interval > 0:
        raise UsageError(f"--interval {interval}: expected a number of seconds above 0")
    if not timeout_minutes >= 0:
        raise UsageError(f"--timeout {timeout_minutes}: expected a number of minutes, 0 or more")
    today = treasurydirect.today_eastern()
    if when > today:
        raise UsageError(
            f"--date {when.isoformat()}: after today ({today.isoformat()}, US Eastern); "
            "results are published on the auction day"
        )
    dataset = by_name(DATASET)
    deadline = clock() + timeout_minutes * 60.0
    owned = client is None
    client = client or http.make_client()
    next_number = 1
    try:
        while True:
            try:
                published, failure = treasurydirect.fetch_day(client, when, first=next_number), None
            except SourceUnavailableError as exc:
                published, failure = [], exc
                if on_failure is not None:
                    on_failure(exc)
            next_number += len(published)
            if published:
                parsed = [dataset.parse_function()(f.data, f.location) for f in published]
                import_batches([(dataset, f) for f in published], warehouse=warehouse)
                for result in parsed:
                    for cusip, auction_day in result.frame[["cusip", "auction_date"]].itertuples(index=False):
                        yield from _scorecards(cusip, auction_day.date(), warehouse)
            remaining = deadline - clock()
            if when < today or remaining <= 0:
                if failure is not None:
                    raise failure
                return
            sleep(min(interval, remaining))
    finally:
        if owned:
            client.close()


def _scorecards(cusip: str, day: Date, warehouse: str | Path | None) -> list[dict]:
    """The scorecard(s) of ``cusip`` auctioned on ``day``; none if the auction has no tenor to score."""
    try:
        return find_cards(cusip, date=day, warehouse=warehouse)
    except NotFoundError:
        return []
