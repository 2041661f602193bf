"""MOF Japan JGB yields: both official files, era dates, encodings, bad input, live fetch replay."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondwatch.errors import DataFormatError
from bondwatch.sources import mof_japan
from tests.conftest import need_mirror


def _parse(name: str) -> pd.DataFrame:
    path = need_mirror() / "mof_japan" / name
    return mof_japan.parse(path.read_bytes(), str(path)).frame


@pytest.fixture(scope="module")
def japanese() -> pd.DataFrame:
    return _parse("jgbcm_all.csv")


def _at(frame: pd.DataFrame, day: str, tenor: str) -> float:
    hit = frame[(frame["date"] == pd.Timestamp(day)) & (frame["tenor"] == tenor)]
    assert len(hit) == 1, (day, tenor)
    return float(hit["yield_pct"].iloc[0])


def test_published_yields(japanese):
    assert _at(japanese, "2025-05-21", "10Y") == 1.53
    assert _at(japanese, "2025-05-21", "30Y") == 2.976
    assert _at(japanese, "2026-02-27", "10Y") == 2.132
    assert japanese["curve"].eq("jp_mof").all()


def test_era_changes_in_the_file(japanese):
    # last Showa trading day S64.1.6 and first Heisei trading day H1.1.9 (1989-01-07/08 were a weekend)
    days = set(japanese["date"].dt.date)
    assert date(1989, 1, 6) in days and date(1989, 1, 9) in days
    assert _at(japanese, "1989-01-09", "10Y") == 4.791  # H1.1.9 row
    assert _at(japanese, "2019-05-07", "10Y") == -0.049  # R1.5.7, first trading day of Reiwa


def test_era_boundaries():
    assert mof_japan.era_date("S64.1.7") == date(1989, 1, 7)
    assert mof_japan.era_date("H1.1.8") == date(1989, 1, 8)
    assert mof_japan.era_date("H31.4.30") == date(2019, 4, 30)
    assert mof_japan.era_date("R1.5.1") == date(2019, 5, 1)
    assert mof_japan.era_date("R元.5.1") == date(2019, 5, 1)
    assert mof_japan.era_date("平成31年4月30日") == date(2019, 4, 30)
    for outside in ("S64.1.8", "H1.1.7", "H31.5.1", "R1.4.30"):
        with pytest.raises(ValueError, match="outside"):
            mof_japan.era_date(outside)


@given(st.dates(min_value=date(1926, 12, 25), max_value=date(2040, 12, 31)))
def test_era_round_trip(day):
    assert mof_japan.era_date(mof_japan.to_era(day)) == day


def test_english_and_japanese_files_agree(japanese):
    english = _parse("jgbcme_all.csv")
    keys = ["date", "tenor_years"]
    both = english.merge(japanese, on=keys, suffixes=("_en", "_ja"), how="outer", indicator=True)
    shared_dates = set(english["date"]) & set(japanese["date"])
    on_shared = both[both["date"].isin(shared_dates)]
    assert len(shared_dates) > 12_000
    assert (on_shared["_merge"] == "both").all()  # same tenors quoted on every shared date
    assert (on_shared["yield_pct_en"] == on_shared["yield_pct_ja"]).all()


def test_official_shift_jis_with_title_and_notes():
    text = (
        "国債金利情報,,,(単位 : %)\r\n基準日,1年,10年,30年\r\n"
        "H31.4.26,-0.157,-0.045,0.557\r\nR1.5.7,-0.161,-0.049,0.539\r\nR7.5.21,0.558,1.53,2.976\r\n"
        "※令和元年５月１日より元号が変更されました。,,,\r\n"
    )  # format replay: the publisher's layout, Shift-JIS, title line and a trailing note
    parsed = mof_japan.parse(text.encode("cp932"), "jgbcm.csv")
    frame = parsed.frame
    assert _at(frame, "2025-05-21", "30Y") == 2.976
    assert sorted(frame["date"].dt.date.unique()) == [date(2019, 4, 26), date(2019, 5, 7), date(2025, 5, 21)]
    assert parsed.vintage == "JGB yields through 2025-05-21"


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("平成31年4月26日", date(2019, 4, 26)),  # kanji era and 年月日: read cell by cell
        ("S 49.9.24", date(1974, 9, 24)),
        ("R７.５.２１", date(2025, 5, 21)),  # full-width digits
        ("R元.5.7", date(2019, 5, 7)),  # first year written 元, on the last line of the file
    ],
)
def test_other_ways_of_writing_era_dates(cell, day):
    data = f"基準日,1年,10年\nH31.4.25,0.5,1.5\n{cell},0.5,1.6\n".encode("utf-8")
    frame = mof_japan.parse(data, "jgbcm.csv").frame
    assert sorted(set(frame["date"].dt.date)) == sorted({date(2019, 4, 25), day})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Not Found</body></html>", "HTML page"),
        ("基準日,1年,10年\nR7.5.21,0.558,1.53\n".encode("utf-16"), "UTF-16 text?"),
        (b"Date,1Y,10Y\n2025/5/21,0.558,1.53\n2025/5/22,0.56\n", "line 3: 2 fields where the header has 3"),
        (b"Date,1Y,10Y\n2025/5/21,0.558,abc\n", "line 2: field '10Y' = 'abc'"),
        ("基準日,1年,10年\nS64.1.8,3.8,4.8\n".encode("cp932"), "line 2: date 'S64.1.8'"),
        ("基準日,1年,10年\nR7.5.20,0.5,1.5\nR7.5.2l,0.5,1.5\n".encode("cp932"), "line 3: date 'R7.5.2l'"),
        ("基準日,1年,10年\nR7.2.30,0.5,1.5\nR7.5.2l,0.5,1.5\n".encode("cp932"), "line 2: date 'R7.2.30': day is out of range"),
        (b"Date,1Y,10Y\n2025-13-01,0.5,1.5\n", "expected YYYY/M/D"),
        (b"Year,Value\n2025,1\n", "no header line"),
    ],
)
def test_bad_input_one_line_errors(data, message):
    with pytest.raises(DataFormatError) as err:
        mof_japan.parse(data, "jgbcm.csv")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_live_fetch_replay():
    served = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(str(request.url))
        body = "国債金利情報,,(単位 : %)\r\n基準日,10年,30年\r\nR7.5.21,1.53,2.976\r\n".encode("cp932")
        return httpx.Response(200, content=body)  # format replay of jgbcm_all.csv / jgbcm.csv

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = mof_japan.fetch(client)
    assert served == [mof_japan.URLS["ja_all"], mof_japan.URLS["ja_current"]]
    frame = mof_japan.parse(fetched[0].data, fetched[0].location).frame
    assert _at(frame, "2025-05-21", "10Y") == 1.53


def test_fetch_reports_http_errors():
    from bondwatch.errors import SourceUnavailableError

    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as client:
        with pytest.raises(SourceUnavailableError, match="HTTP 404 from https://www.mof.go.jp/"):
            mof_japan.fetch(client)


def test_dates_are_trading_days_without_gaps_over_a_week(japanese):
    days = pd.Series(sorted(japanese[japanese["tenor"] == "10Y"]["date"].unique()))
    assert days.diff().max() <= timedelta(days=12)  # New Year and Golden Week closures at most
