"""One module per publisher: live fetch plus parsers for its official formats.

Each dataset in :data:`bondwatch.sources.registry.DATASETS` names a parser
``parse(data: bytes, location: str) -> Parsed`` and, where the publisher has one, a live fetcher
``fetch(client) -> list[Fetched]``. Parsers are pure: bytes in, tidy frame out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Parsed:
    """A parsed file or response: rows for one warehouse table, keyed for upserts."""

    table: str
    frame: pd.DataFrame
    key: tuple[str, ...]
    vintage: str | None = None
    retrieved_at: datetime | None = None  # when the publisher served it, if the file says
    extra: list[Parsed] = field(default_factory=list)  # further tables from the same file


@dataclass
class Fetched:
    """Raw bytes of one file or response: fetched live from a publisher, or read from the mirror."""

    location: str
    data: bytes
    retrieved_at: datetime
    # True for a mirror file: the bytes are all that ``location`` holds, so rows an earlier import
    # of it stored and these bytes lack are obsolete. A live response may be one page or window of
    # a longer record, so its import only adds and replaces rows.
    whole_file: bool = False
