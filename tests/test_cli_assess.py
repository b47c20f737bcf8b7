"""``reale assess`` as other tools call it: one JSON situation in, one JSON verdict out, and a
clear message with exit code 2 for anything else — never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

CAR: dict[str, Any] = {
    "brand": {"name": "Minicar Italia", "handle": "minicar_it"},
    "post": {"network": "x", "text": "@minicar_it datemi una macchina!",
             "author": {"handle": "luca_pro", "followers": 150000}},
    "action": {"kind": "gift", "public": True},
    "context": {"author_posts_about_brand": 0},
}
FLOWERS: dict[str, Any] = {
    "brand": {"name": "Bloom", "handle": "bloom"},
    "post": {"network": "bluesky", "text": "#FF @bloom, welcome on your first day!",
             "author": {"handle": "sam", "followers": 600}},
    "action": {"kind": "gift", "text": "a small bouquet to say thanks", "public": False},
}


def test_prints_one_json_verdict() -> None:
    out = run_cli("assess", stdin=json.dumps(CAR))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n") == 1
    verdict = json.loads(out.stdout)
    assert set(verdict) == {"verdict", "risk", "reasons", "advice"}
    assert verdict["verdict"] == "transactional" and 0.5 <= verdict["risk"] <= 1
    flowers = json.loads(run_cli("assess", stdin=json.dumps(FLOWERS)).stdout)
    assert flowers["verdict"] == "genuine"
    assert "a small thank-you is fine" in flowers["advice"]


def test_explain_adds_the_workings() -> None:
    out = run_cli("assess", "--explain", stdin=json.dumps(CAR))
    data = json.loads(out.stdout)
    assert data["contributions"]["asked_and_given"] > 1 and "logit" in data


def test_config_supplies_weights_and_partners(tmp_path: Path) -> None:
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Bloom"\nhandles = ["@bloom"]\npartners = ["sam"]\n\n'
                   "[desk.realness]\ntransactional_at = 0.9\n", encoding="utf-8")
    repost = {**FLOWERS, "action": {"kind": "repost"}}
    assert json.loads(run_cli("assess", stdin=json.dumps(repost)).stdout)["verdict"] == "genuine"
    out = run_cli("assess", "--config", str(cfg), "--explain", stdin=json.dumps(repost))
    data = json.loads(out.stdout)
    assert data["features"]["partner_undisclosed"] == 1.0
    assert data["verdict"] == "genuine"  # its risk, 0.62, is under the configured 0.9
    car = json.loads(run_cli("assess", "--config", str(cfg), stdin=json.dumps(CAR)).stdout)
    assert car["verdict"] == "transactional"  # its risk, 0.97, is over it


BAD = [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"not json at all", "not valid JSON"),
    (b'{"brand": {"name": "x"}, "post": {"text": "hi"}', "not valid JSON"),
    (b"[1, 2, 3]", "Expected `object`"),
    (b'{"brand": {"name": "x"}, "post": {"text": "hi"}}', "missing required field `action`"),
    (b'{"brand": {"name": "x"}, "post": {"text": 5}, "action": {"kind": "like"}}', "$.post.text"),
    (b'{"brand": {"name": "x"}, "post": {"text": "hi"}, "action": {"kind": "bribe"}}', "bribe"),
    (b'{"brand": {}, "post": {"text": "hi"}, "action": {"kind": "like"}}', "name"),
    (b"\xff\xfe\x00{", "not valid UTF-8"),
    (b'{"brand": {"name": "\xc3\x28"}}', "not valid UTF-8"),
    (b"\x00\x01\x02garbage\x7f", "not valid JSON"),
]


@pytest.mark.parametrize(("raw", "message"), BAD, ids=[m + str(i) for i, (_, m) in enumerate(BAD)])
def test_bad_input_is_a_clear_error_with_exit_code_2(raw: bytes, message: str) -> None:
    out = run_cli("assess", stdin=raw)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("reale: error: situation:")
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_huge_input_is_refused_without_reading_it_all() -> None:
    huge = json.dumps({**CAR, "post": {**CAR["post"], "text": "a" * 3_000_000}}).encode()
    out = run_cli("assess", stdin=huge)
    assert out.returncode == 2 and "larger than" in out.stderr and "Traceback" not in out.stderr


def test_a_long_but_acceptable_post_is_judged() -> None:
    long = {**FLOWERS, "post": {**FLOWERS["post"], "text": "welcome @bloom! " + "🌸" * 15000}}
    out = run_cli("assess", stdin=json.dumps(long))
    assert out.returncode == 0 and json.loads(out.stdout)["verdict"] == "genuine"


def test_config_supplies_the_brands_prices(tmp_path: Path) -> None:
    """The brand is found by handle; its price list values the phone the post names, unless the
    situation brings its own."""
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Mela Mobile"\nhandles = ["mela-mobile.bsky.social"]\n'
                   'products = { "Mela 12 Pro" = 1099, "Mela 12" = 899 }\n', encoding="utf-8")
    appeal = {"brand": {"handle": "mela-mobile.bsky.social"},
              "post": {"text": "@mela-mobile.bsky.social can you send me a Mela 12 Pro? 🙏",
                       "author": {"handle": "sam", "followers": 600}},
              "action": {"kind": "gift", "public": True}}
    bare = json.loads(run_cli("assess", stdin=json.dumps(appeal)).stdout)
    assert bare["verdict"] == "genuine"  # a 50 € estimate
    out = run_cli("assess", "--config", str(cfg), stdin=json.dumps(appeal))
    priced = json.loads(out.stdout)
    assert priced["verdict"] == "transactional", out.stderr
    assert "the brand gives a Mela 12 Pro, about €1,099" in priced["reasons"]
    own = {**appeal, "brand": {"handle": "mela-mobile.bsky.social", "products": {"Mela 12 Pro": 9}}}
    kept = json.loads(run_cli("assess", "--config", str(cfg), stdin=json.dumps(own)).stdout)
    assert kept["verdict"] == "genuine"


def test_a_config_with_a_bad_price_is_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Mela"\nproducts = { "Mela 12 Pro" = "mille" }\n',
                   encoding="utf-8")
    out = run_cli("assess", "--config", str(cfg), stdin=json.dumps(FLOWERS))
    assert out.returncode == 2
    assert "the price of 'Mela 12 Pro' must be a number of euros" in out.stderr
    assert "Traceback" not in out.stderr
