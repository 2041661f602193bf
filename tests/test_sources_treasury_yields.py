"""Treasury par yield curve: both CSV header styles and date formats, the XML feed, bad input."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from bondwatch.analytics.curve import interpolate
from bondwatch.errors import DataFormatError
from bondwatch.sources import treasury_yields
from tests.conftest import need_mirror


def curve_on(frame, day: str) -> dict[str, float]:
    rows = frame[frame.date == dt.datetime.fromisoformat(day)]
    return dict(zip(rows.tenor, rows.yield_pct))


def test_historical_file_lowercase_header_us_dates():
    path = need_mirror() / "treasury/par_yield_curve/par-yield-curve-rates-1990-2023.csv"
    frame = treasury_yields.parse(path.read_bytes(), str(path)).frame
    first = curve_on(frame, "1990-01-02")
    assert first == {"3 Mo": 7.83, "6 Mo": 7.89, "1 Yr": 7.81, "2 Yr": 7.87, "3 Yr": 7.9, "5 Yr": 7.87,
                     "7 Yr": 7.98, "10 Yr": 7.94, "30 Yr": 8.0}
    assert curve_on(frame, "2023-10-19")["30 Yr"] == 5.11  # also DGS30 on that day
    # the 30-year was not published 2002-02-19 .. 2006-02-08
    assert "30 Yr" not in curve_on(frame, "2004-06-01")


def test_yearly_file_iso_dates_and_new_tenor():
    path = need_mirror() / "treasury/par_yield_curve/2025-daily-treasury-rates.csv"
    parsed = treasury_yields.parse(path.read_bytes(), str(path))
    day = curve_on(parsed.frame, "2025-05-21")
    assert day["1.5 Mo"] == 4.34 and day["10 Yr"] == 4.58 and day["30 Yr"] == 5.08
    assert parsed.vintage == "curves through 2025-07-11"


def test_both_files_agree_on_2023():
    mirror = need_mirror() / "treasury/par_yield_curve"
    old = treasury_yields.parse((mirror / "par-yield-curve-rates-1990-2023.csv").read_bytes(), "old").frame
    new = treasury_yields.parse((mirror / "2023-daily-treasury-rates.csv").read_bytes(), "new").frame
    old = old[old.date.dt.year == 2023].set_index(["date", "tenor"]).yield_pct
    new = new.set_index(["date", "tenor"]).yield_pct
    assert len(new) == 3250 and old.reindex(new.index).equals(new)


XML = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<feed xml:base="https://home.treasury.gov/" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices"
 xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns="http://www.w3.org/2005/Atom">
 <title type="text">DailyTreasuryYieldCurveRateData</title>
 <entry><content type="application/xml"><m:properties>
  <d:Id m:type="Edm.Int32">8800</d:Id>
  <d:NEW_DATE m:type="Edm.DateTime">2025-06-12T00:00:00</d:NEW_DATE>
  <d:BC_1MONTH m:type="Edm.Double">4.18</d:BC_1MONTH>
  <d:BC_1_5MONTH m:type="Edm.Double">4.30</d:BC_1_5MONTH>
  <d:BC_10YEAR m:type="Edm.Double">4.36</d:BC_10YEAR>
  <d:BC_20YEAR m:type="Edm.Double">4.86</d:BC_20YEAR>
  <d:BC_30YEAR m:type="Edm.Double">4.84</d:BC_30YEAR>
  <d:BC_30YEARDISPLAY m:type="Edm.Double">4.84</d:BC_30YEARDISPLAY>
 </m:properties></content></entry>
</feed>"""


def test_xml_feed_replay_matches_csv():
    frame = treasury_yields.parse(XML.encode(), "feed.xml").frame
    assert curve_on(frame, "2025-06-12") == {"1 Mo": 4.18, "1.5 Mo": 4.3, "10 Yr": 4.36, "20 Yr": 4.86, "30 Yr": 4.84}


def test_xml_bomb_and_truncated_xml_are_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><feed>&lol2;</feed>'
    with pytest.raises(DataFormatError, match="refused unsafe XML"):
        treasury_yields.parse(bomb.encode(), "bomb.xml")
    with pytest.raises(DataFormatError, match="malformed or truncated XML"):
        treasury_yields.parse(XML[:600].encode(), "cut.xml")


@pytest.mark.parametrize(
    "text, message",
    [
        ("Date,1 Mo,10 Yr\n2025-06-12,4.18,4.3.6\n", "field '10 Yr' = '4.3.6': expected a yield in percent"),
        ("Date,1 Mo,10 Yr\n12.06.2025,4.18,4.36\n", "date '12.06.2025': expected MM/DD/YYYY or YYYY-MM-DD"),
        ("When,1 Mo\n2025-06-12,4.1\n", "no 'Date' column"),
        ("Date,1 Mo,10 Yr\n2025-06-12,4.18\n", "line 2: 2 fields where the header has 3"),
    ],
)
def test_bad_csv(text, message):
    with pytest.raises(DataFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        treasury_yields.parse(text.encode(), "rates.csv")


def test_fetch_requests_each_year():
    years = []

    def handler(request: httpx.Request) -> httpx.Response:
        years.append(request.url.params["field_tdr_date_value"])
        return httpx.Response(200, text="Date,1 Mo,30 Yr\n06/12/2025,4.18,4.84\n")

    fetched = treasury_yields.fetch(httpx.Client(transport=httpx.MockTransport(handler)), years=[2024, 2025])
    assert years == ["2024", "2025"] and len(fetched) == 2
    assert curve_on(treasury_yields.parse(fetched[1].data, fetched[1].location).frame, "2025-06-12")["30 Yr"] == 4.84


def test_interpolation_is_linear_in_maturity_and_flat_just_past_30y():
    x, y = [10.0, 20.0, 30.0], [4.36, 4.86, 4.84]
    assert interpolate(x, y, 15.0) == pytest.approx(4.61)
    assert interpolate(x, y, 30.02) == pytest.approx(4.84)
    assert interpolate(x, y, 31.0) != interpolate(x, y, 31.0)  # NaN: not priced
