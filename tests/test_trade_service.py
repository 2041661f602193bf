"""fx_gap and tariff_impact on the warehouse and presets: published figures and checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bondwatch.errors import NotFoundError, UsageError
from bondwatch.service import trade
from tests.conftest import need_mirror


def build_trade_warehouse(path: Path) -> Path:
    """A warehouse with the mirror's FRED series (GDP, BOPGSTB) and Census US-Japan trade."""
    from bondwatch.service.update import update

    update(from_dir=need_mirror(), only=["fred", "census"], warehouse=path)
    return path


@pytest.fixture(scope="module")
def trade_wh(tmp_path_factory) -> Path:
    return build_trade_warehouse(tmp_path_factory.mktemp("trade") / "bondwatch.duckdb")


def test_us_2024_gap_under_unit_elasticities(trade_wh):
    row = trade.fx_gap("US", warehouse=trade_wh).iloc[0]
    # FRED GDP 2024: mean of 28,708.161, 29,147.044, 29,511.664, 29,825.182 = 29,298.013
    assert row["gdp_bn"] == pytest.approx(29298.01275)
    assert row["balance_bn"] == pytest.approx(-918.4)
    assert row["balance_pct_gdp"] == pytest.approx(-3.1347, abs=1e-4)
    assert row["stored_balance_bn"] == pytest.approx(-903.533)  # BOPGSTB 2024, later vintage
    # unit elasticities: exports must rise by the whole gap, e* = 918.4/3191.6
    assert row["required_depreciation_pct"] == pytest.approx(28.7755, abs=1e-3)
    assert row["home_currency_value_change_pct"] == pytest.approx(-22.3455, abs=1e-3)
    assert bool(row["marshall_lerner_holds"])


def test_us_japan_bilateral_from_census(trade_wh):
    row = trade.fx_gap("US", "JP", warehouse=trade_wh).iloc[0]
    assert row["exports_bn"] == pytest.approx(78.9784)
    assert row["imports_bn"] == pytest.approx(148.3706)
    assert row["required_depreciation_pct"] == pytest.approx(100 * 69.3922 / 78.9784, abs=1e-3)  # 87.86%


def test_sensitivity_shows_where_40_and_20_25_percent_come_from(trade_wh):
    us = trade.fx_gap("US", view="sensitivity", warehouse=trade_wh).set_index("set")
    # about 40%: ex=0.75 with em=1 (or the mirror case) as e*; ex=0.5/em=1 as the dollar's own fall
    assert us.loc["ex=0.75, em=1", "required_depreciation_pct"] == pytest.approx(40.0, abs=1.0)
    assert us.loc["ex=0.5, em=1", "home_currency_value_change_pct"] == pytest.approx(-40.0, abs=1.5)
    jp = trade.fx_gap("US", "JP", view="sensitivity", warehouse=trade_wh).set_index("set")
    # about 20-25% for the yen needs elasticities near 2 against the bilateral goods gap
    assert 20 <= jp.loc["ex=2, em=2", "required_depreciation_pct"] <= 25
    assert jp.loc["ex=1, em=1", "required_depreciation_pct"] > 80
    # IMF WEO 2015 reduced form: 3.13% of GDP / 0.15 = 20.9%; multilateral only
    imf = us[us["group"] == "reduced form"]["required_depreciation_pct"].tolist()
    assert imf == pytest.approx([20.898, 62.694, 10.112], abs=1e-2)
    assert "reduced form" not in set(jp["group"])


def test_j_curve_path_ends_at_the_target(trade_wh):
    path = trade.fx_gap("US", view="path", warehouse=trade_wh)
    assert path["balance_change_pct_gdp"].iloc[0] < 0
    assert path["balance_pct_gdp"].iloc[-1] == pytest.approx(0.0, abs=1e-9)


def test_missing_series_tells_the_user_to_update(tmp_path):
    mirror = need_mirror()
    from bondwatch.service.update import update

    update(from_dir=mirror, only=["census"], warehouse=tmp_path / "w.duckdb")
    with pytest.raises(NotFoundError, match=r"series GDP: 0 quarter\(s\) of 2024 .*`bondwatch update --from auto`"):
        trade.fx_gap("US", warehouse=tmp_path / "w.duckdb")


def test_bad_fx_gap_arguments(trade_wh):
    with pytest.raises(UsageError, match=r"^import_elasticity = 6: expected a number between 0 and 5$"):
        trade.fx_gap("US", import_elasticity=6, warehouse=trade_wh)
    with pytest.raises(NotFoundError, match="--partner CN: no preset; expected one of JP"):
        trade.fx_gap("US", "CN", warehouse=trade_wh)
    with pytest.raises(UsageError, match="view = 'table'"):
        trade.fx_gap("US", view="table", warehouse=trade_wh)


# ----------------------------------------------------------------------------- tariffs


def test_toyota_april_may_2025_within_30_percent_of_toyota_estimate():
    frame = trade.tariff_impact("toyota", start="2025-04-01", end="2025-05-31")
    total = frame[frame["origin"] == "all"].iloc[0]
    reported = frame.attrs["reported"][0]
    assert reported["operating_profit_change_jpy"] == -180e9
    ratio = total["operating_profit_change_jpy"] / reported["operating_profit_change_jpy"]
    assert 0.7 <= ratio <= 1.3
    assert total["operating_profit_change_jpy"] == pytest.approx(-177.27e9, rel=1e-3)
    assert frame.attrs["inputs"]["pass_through"] == pytest.approx(0.1994, abs=1e-4)
    # the decomposition adds up
    assert total["profit_change_usd"] == pytest.approx(total["volume_effect_usd"] - total["borne_by_exporter_usd"])
    assert total["extra_tariff_usd"] == pytest.approx(total["borne_by_buyers_usd"] + total["borne_by_exporter_usd"])
    fields = [a["field"] for a in frame.attrs["assumptions"]]
    assert "pass_through (derived)" in fields and "customs_value_usd" in fields


def test_period_spanning_schedule_changes_is_piecewise():
    frame = trade.tariff_impact("toyota", start="2025-04-01", end="2025-04-30", pass_through=0.0, demand_elasticity=0.0)
    japan = frame[frame["origin"] == "japan"].iloc[0]
    # 2 days at 2.5% and 28 days at 27.5%: value-weighted rate = (2*2.5 + 28*27.5)/30
    assert japan["tariff_pct"] == pytest.approx((2 * 2.5 + 28 * 27.5) / 30)
    units = 530000 * 30 / 365  # Toyota's 2024 imports from Japan, spread over the year
    customs = 5.9004e12 / 1.35e6 / 151.4551  # MOF 2024 car exports to the US per vehicle, in dollars
    assert japan["extra_tariff_usd"] == pytest.approx(units * 28 / 30 * 0.25 * customs)
    sept = trade.tariff_impact("toyota", start="2025-09-01", end="2025-09-30", pass_through=0.0, demand_elasticity=0.0)
    rate = sept[sept["origin"] == "japan"]["tariff_pct"].iloc[0]
    assert rate == pytest.approx((15 * 27.5 + 15 * 15.0) / 30)


def test_monthly_buckets_sum_to_the_period():
    whole = trade.tariff_impact("toyota", start="2025-04-01", end="2025-06-30")
    months = trade.tariff_impact("toyota", start="2025-04-01", end="2025-06-30", by="month")
    all_rows = months[months["origin"] == "all"]
    assert all_rows["bucket"].tolist() == ["2025-04", "2025-05", "2025-06"]
    assert all_rows["operating_profit_change_jpy"].sum() == pytest.approx(
        whole[whole["origin"] == "all"]["operating_profit_change_jpy"].iloc[0], rel=1e-12
    )


def test_flat_rate_full_pass_through_inelastic_leaves_profit_unchanged():
    frame = trade.tariff_impact("toyota", rate_pct=50, pass_through=1.0, demand_elasticity=0.0)
    assert frame["profit_change_usd"].abs().max() == pytest.approx(0.0, abs=1e-3)


def test_fx_effect_uses_toyota_sensitivity():
    frame = trade.tariff_impact("toyota", start="2025-04-01", end="2025-05-31", usdjpy=140.0)
    total = frame[frame["origin"] == "all"].iloc[0]
    assert total["fx_effect_jpy"] == pytest.approx(50e9 * (140 - 145) * 61 / 365)
    assert total["operating_profit_change_jpy"] == pytest.approx(total["profit_change_jpy"] + total["fx_effect_jpy"])


def test_tariff_errors_name_the_field():
    with pytest.raises(NotFoundError, match="exporter 'honda': no such preset; known exporter presets: toyota"):
        trade.tariff_impact("honda")
    with pytest.raises(UsageError, match=r"has rates only from 2024-01-01 to 2025-12-31"):
        trade.tariff_impact("toyota", start="2025-12-01", end="2026-01-31")
    with pytest.raises(UsageError, match=r"^pass_through = 2: expected a number between 0 and 1$"):
        trade.tariff_impact("toyota", pass_through=2)


def _leaves_without_source(node, path=""):
    """Numbers in a preset mapping that has no 'source' (or *_source) key beside them."""
    missing = []
    if isinstance(node, dict):
        has_source = any(k == "source" or str(k).endswith("source") for k in node)
        for key, value in node.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not has_source:
                missing.append(f"{path}.{key}")
            missing += _leaves_without_source(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                missing += _leaves_without_source(value, f"{path}[{i}]")
    return missing


@pytest.mark.parametrize("name", ["us", "us-japan", "literature", "tariff-schedules", "toyota"])
def test_every_preset_figure_carries_a_source(name):
    preset = trade.load_preset(name)
    skip = {".year", ".default_period"}  # labels, not figures
    assert [m for m in _leaves_without_source(preset) if m not in skip] == []


def test_preset_fx_evidence_matches_the_stored_fred_series():
    mirror = need_mirror()
    raw = pd.read_csv(mirror / "fred" / "DEXJPUS.csv", parse_dates=["observation_date"]).dropna()
    daily = raw.set_index("observation_date")["DEXJPUS"]
    preset = trade.load_preset("toyota")
    spec = preset["behaviour"]["pass_through"]
    assert daily["2024-05"].mean() == pytest.approx(spec["fx_before"], abs=5e-4)
    assert daily["2025-05"].mean() == pytest.approx(spec["fx_after"], abs=5e-4)
    june, july = (c for c in spec["cross_checks"] if "fx_before" in c)
    for check, (before, after) in ((june, ("2024-06", "2025-06")), (july, ("2024-07", "2025-07"))):
        assert daily[before].mean() == pytest.approx(check["fx_before"], abs=5e-4)
        assert daily[after].mean() == pytest.approx(check["fx_after"], abs=5e-4)
    assert daily["2024"].mean() == pytest.approx(preset["per_unit"]["customs_value_usd"]["usdjpy"], abs=5e-5)


def test_toyota_origin_shares_and_per_unit_values_from_public_figures():
    preset = trade.load_preset("toyota")
    shares = trade.origin_shares(preset)
    assert shares["japan"] == pytest.approx(530000 / 2332623)
    assert shares["us_built"] == pytest.approx(1048557 / 2332623)  # 2,332,623 - 530,000 - 533,566 - 220,500
    assert sum(shares.values()) == pytest.approx(1.0)
    values = trade.per_unit_values(preset)
    assert values["customs_value_usd"] == pytest.approx(28857.84, abs=0.01)  # 5.9004e12 / 1.35e6 / 151.4551
    assert values["market_price_usd"] == 48799 and values["margin_usd"] == pytest.approx(9759.8)
    too_many = {**preset, "origins": [*preset["origins"], {"name": "korea", "units": 2_000_000}]}
    with pytest.raises(UsageError, match="origin units 3,284,066 exceed units_per_year 2,332,623"):
        trade.origin_shares(too_many)


def test_toyota_sensitivity_keeps_the_180bn_check_across_the_evidence():
    sens = trade.tariff_sensitivity("toyota", start="2025-04-01", end="2025-05-31").set_index("case")
    base = sens.loc["base", "operating_profit_change_jpy"]
    assert base == pytest.approx(-177.27e9, rel=1e-3)
    assert sens.loc["pass-through from BOJ export price index, May 2025", "value"] == pytest.approx(0.0361, abs=1e-6)
    # June and July unit values imply a duty-paid price that fell: pass-through clipped at 0
    assert sens.loc["pass-through from MOF unit values, June 2025", "value"] == 0.0
    assert (sens.loc[sens["field"] == "pass_through", "operating_profit_change_jpy"] < base).all()
    assert sens.loc["contribution margin x0.5", "operating_profit_change_jpy"] > base
    assert sens.loc["customs value x1.1", "operating_profit_change_jpy"] < base
    # every case stays within 30% of Toyota's own -180 bn yen
    assert ((sens["operating_profit_change_jpy"] / -180e9).between(0.7, 1.3)).all()


def test_unknown_preset_lists_known_ones():
    with pytest.raises(NotFoundError, match="known presets: literature, tariff-schedules, toyota, us, us-japan"):
        trade.load_preset("nowhere")


def test_api_names_resolve():
    import bondwatch as bw

    assert bw.fx_gap is trade.fx_gap and bw.tariff_impact is trade.tariff_impact
    assert trade.tariff_schedules()["japan_vehicles"].rate_on(date(2025, 9, 16)) == 0.15



def test_sensitivity_reports_cases_it_cannot_run_and_follows_overrides():
    sens = trade.tariff_sensitivity("toyota", demand_elasticity=8.0).set_index("case")
    skipped = sens.loc["demand elasticity x1.5"]
    assert skipped["value"] == 12.0 and pd.isna(skipped["operating_profit_change_jpy"])
    assert skipped["note"] == "not run: demand_elasticity = 12: expected a number between 0 and 10"
    assert sens["note"].isna().sum() == len(sens) - 1
    # a given price moves the margin with it (20% of the price); a given margin stays as given
    priced = trade.tariff_impact("toyota", market_price_usd=60000.0).attrs["inputs"]
    assert priced["margin_usd"] == pytest.approx(12000.0) and priced["overridden"] == ["market_price_usd"]
    both = trade.tariff_impact("toyota", market_price_usd=60000.0, margin_usd=5000.0).attrs["inputs"]
    assert both["margin_usd"] == 5000.0


def test_origin_volumes_that_are_not_numbers_are_refused():
    preset = trade.load_preset("toyota")
    typo = {**preset, "origins": [{**o, "units": "remainer"} if o["units"] == "remainder" else o for o in preset["origins"]]}
    with pytest.raises(UsageError, match="origin us_built units = 'remainer': expected a number of vehicles >= 0 or 'remainder'"):
        trade.origin_shares(typo)
