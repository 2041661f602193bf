"""TIC Major Foreign Holders: history file, series breaks, renamed holders, mfh.txt layout, bad input."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from bondwatch.errors import DataFormatError
from bondwatch.sources import tic
from tests.conftest import need_mirror


@pytest.fixture(scope="module")
def history():
    path = need_mirror() / "tic" / "mfhhis01.txt"
    return tic.parse(path.read_bytes(), str(path))


def _at(frame: pd.DataFrame, country: str, month: str) -> pd.Series:
    hit = frame[(frame["country"] == country) & (frame["month"] == pd.Timestamp(month))]
    assert len(hit) == 1, (country, month)
    return hit.iloc[0]


def test_published_holdings(history):
    frame = history.frame
    assert _at(frame, "Japan", "2025-12-01")["holdings_bn"] == 1185.5
    assert _at(frame, "China, Mainland", "2025-12-01")["holdings_bn"] == 683.5
    assert _at(frame, "Japan", "2024-12-01")["holdings_bn"] == 1061.5
    assert _at(frame, "China, Mainland", "2024-12-01")["holdings_bn"] == 759.0
    assert history.vintage == "holdings through 2025-12, published 2026-03-18"


def test_series_break_keeps_newer_basis(history):
    frame = history.frame
    june = _at(frame, "Japan", "2011-06-01")  # Series XII (881.5) beside Series XI (911.1)
    assert (june["holdings_bn"], june["prior_basis_bn"], june["series_break"]) == (881.5, 911.1, True)
    march = _at(frame, "Grand Total", "2000-03-01")  # Series II 1085.0 vs Series I 1252.1
    assert (march["holdings_bn"], march["prior_basis_bn"]) == (1085.0, 1252.1)
    assert _at(frame, "Japan", "2011-12-01")["series_break"]  # SLT basis from Dec 2011, no duplicate column
    assert not _at(frame, "Japan", "2011-11-01")["series_break"]
    assert not frame.duplicated(["country", "month"]).any()


def test_renamed_holders_and_footnotes(history):
    names = set(history.frame["country"])
    assert {"Korea, South", "United Kingdom", "Caribbean Banking Centers", "Foreign official",
            "Foreign official: Treasury bills"} <= names
    assert not any(n.endswith(("/", " ")) or '"' in n for n in names)
    assert tic.canonical_holder('"Korea, South "') == "Korea, South"
    assert tic.canonical_holder("Carib Bnkng Ctrs 4/") == "Caribbean Banking Centers"
    assert _at(history.frame, "Luxembourg", "2011-04-01") is not None  # 'n.a.' months are skipped
    assert (history.frame["country"] == "Luxembourg").sum() > 100


# format replay: the space-aligned current mfh.txt layout (figures from the mirror's history file)
MFH = """\
                    MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES
                              (in billions of dollars)
                            HOLDINGS 1/ AT END OF PERIOD

                       Dec      Nov      Oct
Country               2025     2025     2025
                    ------   ------   ------

Japan               1185.5   1202.7   1200.0
China, Mainland      683.5    683.9    687.7
Grand Total         9271.0   9359.3   9230.2

Of which:
  For. Official     3887.0   3921.6   3875.8
    Treasury Bills   388.5    385.6    386.2

Department of the Treasury/Federal Reserve Board
February 18, 2026
"""


def test_current_file_space_layout():
    parsed = tic.parse(MFH.encode(), "mfh.txt")
    frame = parsed.frame
    assert _at(frame, "China, Mainland", "2025-11-01")["holdings_bn"] == 683.9
    assert _at(frame, "Foreign official", "2025-12-01")["holdings_bn"] == 3887.0
    assert _at(frame, "Foreign official: Treasury bills", "2025-10-01")["holdings_bn"] == 386.2
    assert parsed.vintage == "holdings through 2025-12, published 2026-02-18"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<html><body>Service unavailable</body></html>", "HTML page"),
        (MFH.replace("683.5    683.9    687.7", "683.5    683.9").encode(), "'China, Mainland' has 2 values where the header has 3 months"),
        (MFH.split("Japan")[0].encode(), "no holdings rows"),
        (MFH.replace("683.9", "683,9x").encode(), "value '683,9x': expected $ billions"),
        (b"Country\tDec\nJapan\t1.0\n", "no 'MAJOR FOREIGN HOLDERS"),
        (MFH.encode("utf-16"), "UTF-16 text?"),
    ],
)
def test_bad_input(data, message):
    with pytest.raises(DataFormatError) as err:
        tic.parse(data, "mfh.txt")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_live_fetch_replay():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, content=MFH.encode())

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = tic.fetch(client)
    assert seen == list(tic.URLS)
    assert len(tic.parse(fetched[1].data, fetched[1].location).frame) == 15
