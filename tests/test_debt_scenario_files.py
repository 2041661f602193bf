"""Bad scenario files and arguments: one-line errors, exit code 2, no traceback (no data needed).

Every case here fails before the warehouse is opened, so these tests run from a plain clone.
"""

from __future__ import annotations

import time

import pytest

from bondwatch.errors import UsageError
from bondwatch.service.debt import MAX_YAML_BYTES, load_scenario
from tests.conftest import run_cli

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]" for prev, name in zip("abcdefgh", "bcdefghi")),
    ]
)


def one_line_exit_2(capsys, *args: str) -> str:
    code, out, err = run_cli(capsys, *args)
    assert code == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_a_billion_laughs_file_is_refused_fast_and_without_expanding(capsys, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    assert bomb.stat().st_size < 1000  # 9^9 = 387 million strings once expanded
    import yaml  # noqa: F401 - imported before the clock starts

    started = time.perf_counter()
    with pytest.raises(UsageError, match="aliases"):
        load_scenario(str(bomb))
    assert time.perf_counter() - started < 0.1  # refused at the first alias (about a millisecond idle)
    err = one_line_exit_2(capsys, "debt", "project", "US", "--scenario", str(bomb))
    assert err == f"error: scenario {bomb}: line 2: aliases (*name) are not allowed in scenario files; expected valid YAML\n"


def test_custom_stress_files_go_through_the_same_guarded_reader(capsys, tmp_path):
    bomb = tmp_path / "custom.yaml"
    bomb.write_text(BILLION_LAUGHS)
    err = one_line_exit_2(capsys, "debt", "stress", "US", "--custom", str(bomb))
    assert err == f"error: custom stress file {bomb}: line 2: aliases (*name) are not allowed in scenario files; expected valid YAML\n"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04\n\xff\x00zip", "line 2: byte 0xff is not UTF-8 text; expected a YAML file"),
        (b"name: x\ncountry: US\nassumptions: [a, b\n", "line 4: expected ',' or ']', but got '<stream end>'"),
        (b"name: x\n\x01\n", "line 2: special characters are not allowed; expected valid YAML"),
        (b"[" * 5000, "nested too deeply"),
        (b"- just\n- a list\n", "expected a mapping at the top level"),
        (b"name: x\ncountry: US\nextends: us-baseline\nassumptions: [1, 2]\n",
         "scenario x (f.yaml): 'assumptions' must be a mapping of name -> {value, source}"),
        (b"name: x\ncountry: US\nextends: us-baseline\nassumptions:\n  end_year: {value: soon, source: a test}\n",
         "scenario x (f.yaml): assumption 'end_year' = 'soon': expected a year"),
        (b"name: x\ncountry: US\nextends: us-baseline\nassumptions:\n  weo_vintage: {value: 2025, source: a test}\n",
         "assumption 'weo_vintage' = 2025: expected a WEO vintage 'YYYY-MM'"),
        (b"name: x\ncountry: US\nextends: us-baseline\nassumptions:\n  amortization: {value: [a], source: a test}\n",
         "assumption 'amortization' = ['a']: expected a list of shares due in years 1, 2, ..."),
        ((b"name: x\ncountry: US\nextends: us-baseline\nassumptions:\n"
          b"  yield_feedback: {value: {bp_per_pp: 2}, source: a test}\n"),
         "assumption 'yield_feedback' = {'bp_per_pp': 2}: expected {bp_per_pp: number, reference: scenario}"),
        ((b"name: x\ncountry: US\nextends: us-baseline\nassumptions:\n"
          b"  avg_maturity_years: {value: 6, source: a test}\n  avg_remaining_maturity_months: {value: 70, source: t}\n"),
         "give 'avg_remaining_maturity_months' or 'avg_maturity_years', not both"),
    ],
)
def test_bad_scenario_files_are_one_line_errors(capsys, tmp_path, content, message):
    path = tmp_path / "f.yaml"
    path.write_bytes(content)
    err = one_line_exit_2(capsys, "debt", "project", "US", "--scenario", str(path))
    assert message in err


def test_scenario_files_are_capped_at_one_mebibyte(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# padding\n" * (MAX_YAML_BYTES // 10 + 1))
    with pytest.raises(UsageError, match="larger than 1 MiB; expected a small YAML file"):
        load_scenario(str(path))


def test_a_maturity_given_in_a_scenario_replaces_the_inherited_one(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text("name: short\ncountry: US\nextends: us-baseline\nassumptions:\n"
                    "  avg_maturity_years: {value: 6, source: the maturity at issue, set directly}\n")
    assumptions = load_scenario(str(path))["assumptions"]
    assert assumptions["avg_maturity_years"] == 6
    assert "avg_remaining_maturity_months" not in assumptions
    assert load_scenario("us-baseline")["assumptions"]["avg_remaining_maturity_months"] == 71


@pytest.mark.parametrize(
    "args, message",
    [
        (("debt", "project", "US", "--seed", "-1"), "error: seed = -1: expected a whole number from 0 to 4,294,967,295"),
        (("debt", "project", "US", "--seed", "-1", "--paths", "10"), "error: seed = -1"),
        (("debt", "project", "US", "--seed", str(2**32)), "error: seed = 4294967296"),
        (("debt", "compare", "US", "us-baseline", "us-baseline"),
         "error: scenarios: us-baseline is named more than once; name each scenario once"),
    ],
)
def test_bad_arguments_are_one_line_errors(capsys, args, message):
    assert one_line_exit_2(capsys, *args).startswith(message)
