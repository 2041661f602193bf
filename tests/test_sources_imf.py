"""IMF WEO: the by-countries extract of the mirror, the official tab/UTF-16 layout, DataMapper, bad input."""

from __future__ import annotations

import json

import httpx
import pytest

from bondwatch.errors import DataFormatError, NotFoundError
from bondwatch.sources import imf
from tests.conftest import need_mirror


@pytest.fixture(scope="module")
def weo():
    path = need_mirror() / "imf" / "weo_2025-04_usa_jpn.csv"
    return imf.parse(path.read_bytes(), str(path))


def _value(frame, iso, code, year):
    hit = frame[(frame["iso"] == iso) & (frame["subject_code"] == code) & (frame["year"] == year)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_gross_debt_and_vintage(weo):
    frame = weo.frame
    assert (frame["vintage"] == "2025-04").all()
    assert _value(frame, "JPN", "GGXWDG_NGDP", 2024)["value"] == 236.66
    assert _value(frame, "USA", "GGXWDG_NGDP", 2024)["value"] == 120.79
    assert _value(frame, "JPN", "GGXWDG_NGDP", 2025)["value"] == 234.86
    row = _value(frame, "USA", "GGXWDG_NGDP", 2025)
    assert row["value"] == 122.46 and row["estimate"] and row["units"] == "Percent of GDP"
    assert not _value(frame, "USA", "GGXWDG_NGDP", 2023)["estimate"]


OFFICIAL = (
    "WEO Country Code\tISO\tWEO Subject Code\tCountry\tSubject Descriptor\tSubject Notes\tUnits\tScale\t"
    "Country/Series-specific Notes\t2023\t2024\t2025\tEstimates Start After\n"
    "158\tJPN\tGGXWDG\tJapan\tGeneral government gross debt\t\tNational currency\tBillions\t\t"
    "\"1,414,232.10\"\t\"1,442,318.00\"\tn/a\t2023\n"
    "\n"
    "International Monetary Fund, World Economic Outlook Database, April 2025\n"
)  # format replay: the official tab-delimited layout (numbers illustrative of the layout only)


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_official_layout_encodings(encoding):
    parsed = imf.parse(OFFICIAL.encode(encoding), "WEOApr2025all.xls")
    frame = parsed.frame
    assert parsed.vintage == "WEO 2025-04"
    assert frame["value"].tolist() == [1414232.1, 1442318.0]  # n/a dropped, thousands commas read
    assert frame["estimate"].tolist() == [False, True]


def test_bad_input():
    for data, message in [
        (b"", "empty"),
        (b"<!doctype html><html>Error</html>", "HTML page"),
        (OFFICIAL.replace("JPN", "Japan").encode(), "ISO 'Japan': expected a 3-letter ISO country code"),
        (OFFICIAL.replace("1,442,318.00", "1.4e6x").encode(), "GGXWDG 2024 = '1.4e6x'"),
        (OFFICIAL.split("\n", 1)[0].encode() + b"\n158\tJPN\tGGXWDG\tJapan\tx\ty\n", "line 2: 6 fields"),
        (OFFICIAL.encode("utf-16-le"), "NUL bytes"),
        (OFFICIAL.replace("April 2025", "").encode(), "cannot tell the WEO release"),
    ]:
        with pytest.raises(DataFormatError, match=message):
            imf.parse(data, "weo_upload.tsv")


def test_datamapper_replay_and_unknown_country():
    indicators = {"indicators": {"GGXWDG_NGDP": {"label": "Gross debt", "source": "World Economic Outlook (April 2025)"}}}
    values = {"values": {"GGXWDG_NGDP": {"JPN": {"2024": 236.66}, "USA": {"2024": 120.79}}}}

    def handler(request):
        if request.url.path.endswith("/indicators"):
            return httpx.Response(200, json=indicators)
        return httpx.Response(200, json=values)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = imf.fetch(client, indicators=("GGXWDG_NGDP",))
        assert fetched[0].location.endswith("/GGXWDG_NGDP/USA/JPN#vintage=2025-04")
        frame = imf.parse(fetched[0].data, fetched[0].location).frame
        assert _value(frame, "JPN", "GGXWDG_NGDP", 2024)["value"] == 236.66
        with pytest.raises(NotFoundError, match="no GGXWDG_NGDP for XXX"):
            imf.fetch(client, indicators=("GGXWDG_NGDP",), countries=("USA", "XXX"))
    with pytest.raises(DataFormatError, match="#vintage="):
        imf.parse(json.dumps(values).encode(), "https://www.imf.org/external/datamapper/api/v1/GGXWDG_NGDP")
