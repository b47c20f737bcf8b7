"""``reale momentum`` reads a cascade in the SEISMIC example's format and prints a prediction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli

EXAMPLE = DATA / "cascades" / "seismic-example" / "tweet_127001313513967616.csv"


def test_it_predicts_the_seismic_example_after_an_hour() -> None:
    if not EXAMPLE.is_file():
        pytest.skip("../shared/data is not present")
    out = run_cli("momentum", "--cascade", str(EXAMPLE), "--observe", "3600")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {"observed", "predicted_final", "interval"} <= set(doc) and doc["model"] == "hurdle"
    assert doc["observed"] == 907  # rows up to one hour, the original post included
    lo, hi = doc["interval"]
    assert doc["observed"] <= lo <= doc["predicted_final"] <= doc["median_final"] <= hi
    assert doc["p_ended"] < 0.05  # reshares were still arriving at the hour


def test_the_plain_seismic_formula_is_still_available() -> None:
    if not EXAMPLE.is_file():
        pytest.skip("../shared/data is not present")
    out = run_cli("momentum", "--cascade", str(EXAMPLE), "--observe", "3600", "--model", "seismic")
    doc = json.loads(out.stdout)
    assert doc["model"] == "seismic" and doc["observed"] == 907
    lo, hi = doc["interval"]
    assert doc["observed"] <= lo <= doc["predicted_final"] <= hi


def test_a_small_file_and_an_explosive_one(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.csv"
    quiet.write_text("relative_time_second,number_of_followers\n0,5000\n40,100\n300,80\n", "utf-8")
    doc = json.loads(run_cli("momentum", "--cascade", str(quiet), "--observe", "3600").stdout)
    assert doc["observed"] == 3 and doc["predicted_final"] == 3  # nothing for 55 minutes: over
    assert doc["p_ended"] > 0.5
    hot = tmp_path / "hot.csv"
    hot.write_text("t,n\n0,50\n" + "".join(f"{i * 5},30\n" for i in range(1, 200)), "utf-8")
    doc = json.loads(run_cli("momentum", "--cascade", str(hot), "--observe", "1000").stdout)
    assert doc["explosive"] and doc["predicted_final"] > 2 * doc["observed"]
    seismic = run_cli("momentum", "--cascade", str(hot), "--observe", "1000", "--model", "seismic")
    assert json.loads(seismic.stdout)["interval"][1] is None  # explosive: no finite upper bound


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time,followers\n0,10\nsoon,many\n", "utf-8")
    out = run_cli("momentum", "--cascade", str(bad), "--observe", "60")
    assert out.returncode == 2
    assert "bad.csv:3" in out.stderr and "not numbers" in out.stderr
    missing = run_cli("momentum", "--cascade", str(tmp_path / "nope.csv"), "--observe", "60")
    assert missing.returncode == 2 and "cannot read cascade file" in missing.stderr
    negative = run_cli("momentum", "--cascade", str(bad), "--observe", "-5")
    assert negative.returncode == 2 and "--observe" in negative.stderr
