"""Investor class allotments: the compiled CSV of the mirror, the official sheet layout, bad input."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from bondwatch.errors import DataFormatError
from bondwatch.sources import allotments
from tests.conftest import need_mirror, run_cli


@pytest.fixture(scope="module")
def compiled() -> pd.DataFrame:
    path = need_mirror() / "treasury/auctions/investor_class_allotments_2000_2026.csv"
    return allotments.parse(path.read_bytes(), str(path)).frame


def test_foreign_share_of_912810UK2_reopening(compiled):
    row = compiled[(compiled["cusip"] == "912810UK2") & (compiled["issue_date"] == pd.Timestamp("2025-06-16"))].iloc[0]
    assert round(row["foreign_pct"], 2) == 11.45
    assert row["tenor"] == "30y"
    assert round(row["public_bn"], 2) == 22.0
    shares = row[[f"{c}_pct" for c in allotments.CLASSES]].sum()
    assert abs(shares - 100.0) < 1e-6


def _sheet(rows: list[list]) -> pd.DataFrame:
    # format replay: title rows then the official IC-Coupons header, cells as read from the sheet
    header = ["Issue Date", "Security Type", "Coupon Rate or Spread", "CUSIP", "Maturity Date", "Total Issue",
              "Federal Reserve Banks", "Depository Institutions", "Individuals", "Dealers and Brokers",
              "Pension and Retirement Funds and Ins. Co.", "Investment Funds", "Foreign and International", "Other"]
    title = [["Investor Class Allotments: Coupon Auctions"] + [None] * 13, ["(In millions of dollars)"] + [None] * 13]
    return pd.DataFrame(title + [header] + rows, dtype=object)


def test_official_sheet_shares_of_public_allotment():
    sheet = _sheet([[pd.Timestamp("2025-06-16"), "Bond", 4.75, "912810UK2", pd.Timestamp("2055-05-15"),
                     1000.0, 100.0, 9.0, 0.0, 180.0, 0.0, 600.0, 90.0, 21.0]])
    row = allotments.tidy_official(sheet, "IC-Coupons.xls").iloc[0]
    assert row["tenor"] == "30y"  # 29 years 11 months to maturity: a 30-year reopening
    assert row["public_bn"] == 0.9  # (1000 - 100) $ millions
    assert row["foreign_pct"] == 10.0 and row["investment_funds_pct"] == pytest.approx(600 / 9)


def test_bad_input():
    with pytest.raises(DataFormatError, match="no header row with 'Issue Date' and 'CUSIP'"):
        allotments.tidy_official(pd.DataFrame([["nothing here"]]), "IC-Coupons.xls")
    sheet = _sheet([["not a date", "Note", 4.0, "91282CPJ4", None, 1.0, 0, 0, 0, 0, 0, 0, 0, 0]])
    with pytest.raises(DataFormatError, match="row 4: Issue Date 'not a date'"):
        allotments.tidy_official(sheet, "IC-Coupons.xls")
    for data, message in [
        (b"", "empty"),
        (b"<html><body>Access Denied</body></html>", "HTML page"),
        (b"issue_date,tenor,cusip,Banks,Individuals,Dealers,Pensions & insurers,Investment funds,Foreign,Other\n"
         b"2025-06-16,30-Year,912810UK2,0,0.3,14.2,0,74.1\n", "line 2: 8 fields where the header has 10"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "not a readable Excel workbook"),
    ]:
        with pytest.raises(DataFormatError, match=message):
            allotments.parse(data, "allotments")


def test_live_fetch_follows_the_page_link():
    def handler(request):
        if request.url.path.endswith("investor-class-auction-allotments"):
            return httpx.Response(200, text='<a href="/system/files/276/March-9-2026-IC-Coupons.xls">Coupons</a>')
        assert request.url.path == "/system/files/276/March-9-2026-IC-Coupons.xls"
        return httpx.Response(200, content=b"\xd0\xcf\x11\xe0 sheet bytes")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = allotments.fetch(client)
    assert fetched[0].location == "https://home.treasury.gov/system/files/276/March-9-2026-IC-Coupons.xls"


def _official_xls(rows: list[list]) -> bytes:
    """A BIFF .xls in the official IC-Coupons layout (title rows, header, dates as Excel dates)."""
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Coupons")
    day = xlwt.easyxf(num_format_str="M/D/YYYY")
    frame = _sheet(rows)
    for r, values in enumerate(frame.itertuples(index=False)):
        for c, value in enumerate(values):
            if isinstance(value, pd.Timestamp):
                sheet.write(r, c, value.to_pydatetime(), day)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_official_xls_file_replays_the_published_912810UK2_allotment(compiled):
    """Amounts in the sheet are the compiled shares of 912810UK2 (2025-06-16) times its public
    allotment, in $ millions; the xls path must give the same shares back (foreign 11.45%)."""
    row = compiled[(compiled["cusip"] == "912810UK2") & (compiled["issue_date"] == pd.Timestamp("2025-06-16"))].iloc[0]
    public_mn = row["public_bn"] * 1000
    soma_mn = 395.645  # Federal Reserve add-on at the 2025-06-12 auction (TreasuryDirect results)
    classes = [round(row[f"{c}_pct"] / 100 * public_mn, 3) for c in allotments.CLASSES]
    data = _official_xls([[pd.Timestamp("2025-06-16"), "Bond", 4.75, "912810UK2", pd.Timestamp("2055-05-15"),
                           round(public_mn + soma_mn, 3), soma_mn, *classes]])
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    parsed = allotments.parse(data, "June-2025-IC-Coupons.xls")
    got = parsed.frame.iloc[0]
    assert got["cusip"] == "912810UK2" and got["tenor"] == "30y"
    assert got["issue_date"] == pd.Timestamp("2025-06-16")
    assert round(got["foreign_pct"], 2) == 11.45
    assert got["public_bn"] == pytest.approx(row["public_bn"], abs=1e-5)
    for c in allotments.CLASSES:
        assert got[f"{c}_pct"] == pytest.approx(row[f"{c}_pct"], abs=1e-4)
    assert parsed.vintage == "allotments through issue date 2025-06-16"


def test_official_xls_in_a_mirror_folder_is_imported(tmp_path, capsys, monkeypatch, compiled):
    from bondwatch import store

    monkeypatch.setenv("BONDWATCH_HOME", str(tmp_path / "home"))
    folder = tmp_path / "mirror/treasury/auctions"
    folder.mkdir(parents=True)
    # amounts ($ millions): the compiled 2025-06-16 shares of 912810UK2 times its $22,000M public allotment
    (folder / "March-9-2026-IC-Coupons.xls").write_bytes(_official_xls([
        [pd.Timestamp("2025-06-16"), "Bond", 4.75, "912810UK2", pd.Timestamp("2055-05-15"), 22395.645, 395.645,
         0.0, 61.0, 3125.5, 0.0, 16295.1, 2518.4, 0.0],
    ]))
    code, out, _ = run_cli(capsys, "update", "--from", str(tmp_path / "mirror"))
    assert code == 0 and "allotments.investor_class" in out
    with store.Warehouse(tmp_path / "home/bondwatch.duckdb") as wh:
        ((cusip, foreign, source),) = wh.rows("SELECT cusip, round(foreign_pct, 2), source FROM allotments")
    assert (cusip, foreign, source) == ("912810UK2", 11.45, "treasury")
