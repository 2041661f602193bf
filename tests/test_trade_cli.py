"""`bondwatch fx-gap` and `bondwatch tariff`: JSON shape, values, one-line errors, fast start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_trade_service import build_trade_warehouse

from bondwatch.cli import main


@pytest.fixture(scope="module")
def trade_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("trade-home")
    build_trade_warehouse(home / "bondwatch.duckdb")
    return home


def run_main(args, capsys):
    """Run the CLI entry point; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_fx_gap_json(trade_home, monkeypatch, capsys):
    monkeypatch.setenv("BONDWATCH_HOME", str(trade_home))
    code, out, _ = run_main(["fx-gap", "US", "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    [row] = doc["data"]
    assert row["required_depreciation_pct"] == pytest.approx(28.7755, abs=1e-3)
    assert row["export_elasticity"] == 1.0 and row["exports_bn"] == 3191.6
    assert row["marshall_lerner_holds"] is True
    sets = {r["set"]: r for r in doc["tables"]["sensitivity"]}
    assert sets["ex=0.75, em=1"]["required_depreciation_pct"] == pytest.approx(40.0, abs=1.0)
    assert len(doc["tables"]["j_curve"]) == 12


def test_fx_gap_bilateral_with_elasticities(trade_home, monkeypatch, capsys):
    monkeypatch.setenv("BONDWATCH_HOME", str(trade_home))
    code, out, _ = run_main(
        ["fx-gap", "US", "--partner", "JP", "--export-elasticity", "2", "--import-elasticity", "2", "--json"], capsys
    )
    assert code == 0
    assert 20 <= json.loads(out)["data"][0]["required_depreciation_pct"] <= 25


def test_fx_gap_markdown_table(trade_home, monkeypatch, capsys):
    monkeypatch.setenv("BONDWATCH_HOME", str(trade_home))
    code, out, _ = run_main(["fx-gap", "US", "--table"], capsys)
    assert code == 0
    assert "| export elasticity \\ import elasticity | 0.5 | 0.75 | 1 | 1.5 | 2 |" in out
    assert "| 1 | 66% (-40%) | 40% (-29%) | 29% (-22%) | 18% (-16%) | 13% (-12%) |" in out


def test_tariff_json_lands_near_toyota_estimate(capsys):
    code, out, _ = run_main(["tariff", "toyota", "--from", "2025-04-01", "--to", "2025-05-31", "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    meta = doc["meta"]
    assert meta["operating_profit_change_jpy"] == pytest.approx(-177.27e9, rel=1e-3)
    assert doc["tables"]["reported"][0]["model_over_reported"] == pytest.approx(0.985, abs=1e-3)
    assert [r["case"] for r in doc["tables"]["sensitivity"]][:2] == ["base", "pass-through from MOF unit values, June 2025"]
    d = meta["decomposition"]
    assert d["absorbed_tariff_jpy"] + d["lost_volume_jpy"] + d["fx_effect_jpy"] == pytest.approx(
        meta["operating_profit_change_jpy"]
    )
    assert meta["inputs"]["pass_through"] == pytest.approx(0.1994, abs=1e-4)
    assert all(a["source"] for a in meta["assumptions"])


def test_tariff_text_lists_assumptions_beside_the_result(capsys):
    code, out, _ = run_main(["tariff", "toyota", "--rate", "15", "--pass-through", "0.5"], capsys)
    assert code == 0
    assert "flat tariff 15%" in out and "pass-through 0.500" in out
    assert "assumptions:" in out and "customs_value_usd = 28858" in out
    assert "sensitivity (one input changed at a time, whole period):" in out and "contribution margin x0.5" in out


def test_tariff_with_no_effect_prints_without_a_change_percentage(capsys):
    # all of 2024 lies before the 2025 tariffs: every case is 0 and there is no percentage to show
    code, out, _ = run_main(["tariff", "toyota", "--from", "2024-01-01", "--to", "2024-12-31"], capsys)
    assert code == 0 and "operating profit change: 0.0 bn yen" in out
    code, out, _ = run_main(["tariff", "toyota", "--from", "2024-01-01", "--to", "2024-12-31", "--json"], capsys)
    assert code == 0 and all(r["change_pct"] in (None, 0.0) for r in json.loads(out)["tables"]["sensitivity"])


def test_tariff_text_marks_values_given_on_the_command_line(capsys):
    code, out, _ = run_main(["tariff", "toyota", "--customs-value", "25000"], capsys)
    assert code == 0
    assert "per vehicle: customs value $25,000, price $48,799, margin $9,760 (customs_value_usd as given)" in out
    assert "customs_value_usd = 28858 (replaced by the value given)" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["fx-gap", "US", "--export-elasticity", "7"], "error: export_elasticity = 7: expected a number between 0 and 5"),
        (["tariff", "nissan"], "error: exporter 'nissan': no such preset; known exporter presets: toyota"),
        (["tariff", "toyota", "--from", "2026-01-01", "--to", "2026-02-01"],
         "error: period 2026-01-01 to 2026-02-01: the 'japan_vehicles' tariff schedule has rates only from 2024-01-01 to 2025-12-31"),
        (["tariff", "toyota", "--pass-through", "1.5"], "error: pass_through = 1.5: expected a number between 0 and 1"),
        (["tariff", "toyota", "--rate", "300"], "error: rate = 300: expected a number between 0 and 200 percent"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, trade_home, monkeypatch, capsys):
    monkeypatch.setenv("BONDWATCH_HOME", str(trade_home))
    code, out, err = run_main(args, capsys)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_cli_module_does_not_import_pandas_or_models():
    code = (
        "import sys, bondwatch.cli.trade; "
        "print(sorted(m for m in ('pandas', 'numpy', 'bondwatch.models.tariff', 'bondwatch.service.trade') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
