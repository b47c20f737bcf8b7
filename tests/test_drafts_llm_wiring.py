"""`[desk.llm]` in reale.toml reaches the places that draft: the desk's opportunity page (served by
`reale serve` / `reale run --serve` through ``app_from_config``) and `reale draft --config`. Both
used to draft from history and templates only, whatever the config said."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.config import Config
from reale.store import open_store
from reale.web.assemble import accounts_of, app_from_config
from reale.web.settings import web_settings
from tests.conftest import run_cli
from tests.publish_servers import Answer, FakeChat
from tests.web_helpers import BRANDS, PASSWORD, T0, TestClient, build_desk, login, seed

FAST_WEB = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}


def llm_section(url: str) -> dict[str, object]:
    return {"url": url, "model": "tiny-chat", "key_env": "REALE_TEST_LLM_KEY", "timeout": 5}


# a model reply that smears a competitor, then thanks and leaves an e-mail that is not the brand's
SMEAR_AND_MAIL = ("Grazie! Da Petali i fiori appassiscono subito.\n"
                  "Grazie mille, che bel messaggio! Scrivi a info@altro.it")


def model_says(content: str) -> Answer:
    """The local model endpoint's answer carrying ``content`` as its one reply."""
    return Answer(200, {"id": "c", "object": "chat.completion", "created": 1700000000,
                        "model": "tiny-chat", "choices": [{"index": 0, "message": {
                            "role": "assistant", "content": content}}]})


@contextmanager
def desk_with_model(tmp_path: Path, chat: FakeChat, lang: str,
                    user_lang: str = "") -> Iterator[tuple[Any, dict[str, str]]]:
    """The desk's app built from a config whose [desk.llm] is ``chat`` (team language ``lang``),
    over a seeded store with rita, a responder (reading ``user_lang``, "" for the team's); yields
    the app and the seeded opportunities' keys."""
    config = Config(brands=BRANDS, extra={"desk": {"llm": llm_section(chat.url)},
                                          "web": FAST_WEB})
    clock = ManualClock(T0)
    with open_store(f"sqlite:///{tmp_path}/d.sqlite", clock=clock) as store:
        keys = seed(store, clock)
        app = app_from_config(config, store, {"REALE_TEST_LLM_KEY": "sk-local"}, clock=clock)
        accounts_of(store, web_settings(config.extra, lang)).add("rita", PASSWORD, "responder",
                                                                 lang=user_lang)
        yield app, keys


@contextmanager
def signed_in_desk(tmp_path: Path, chat: FakeChat,
                   lang: str) -> Iterator[tuple[TestClient, str, str]]:
    """A desk served from a config whose [desk.llm] is ``chat``, with rita (a responder, reading
    ``lang``) signed in; yields her client, the flowers opportunity's key and her CSRF token."""
    with desk_with_model(tmp_path, chat, lang) as (app, keys), \
            TestClient(app, base_url="http://127.0.0.1:8765") as client:
        csrf = login(client, "rita")
        yield client, keys["flowers"], csrf


def test_the_desk_drafts_with_the_configured_model(tmp_path: Path) -> None:
    with FakeChat() as chat, signed_in_desk(tmp_path, chat, "en") as (client, flowers, _):
        page = client.get(f"/queue/{flowers}.json").json()
    assert [d["source"] for d in page["drafts"]][:2] == ["llm", "llm"]
    assert chat.requests, "the model was asked"


def test_reale_draft_reads_the_model_and_draft_settings_from_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeChat() as chat:
        config = tmp_path / "reale.toml"
        config.write_text(f'[desk.drafts]\nn = 2\n[desk.llm]\nurl = "{chat.url}"\n'
                          'model = "tiny-chat"\nkey_env = "REALE_TEST_LLM_KEY"\ntimeout = 5\n',
                          encoding="utf-8")
        monkeypatch.setenv("REALE_TEST_LLM_KEY", "sk-local")
        out = run_cli("draft", "--config", str(config), stdin=json.dumps(
            {"kind": "praise", "text": "what lovely flowers!", "lang": "en",
             "author_handle": "giulia"}))
    assert out.returncode == 0, out.stderr
    drafts = json.loads(out.stdout)["drafts"]
    assert [d["source"] for d in drafts] == ["llm", "llm"]  # n = 2 from [desk.drafts]


def test_the_desk_guards_model_drafts_with_the_brands_config(tmp_path: Path) -> None:
    """The brand's competitors come from its [[brands]] entry: a model reply that smears one is
    blocked, and the approver reads why (in the team's language: English here) on the draft that
    replaces it."""
    smear = model_says("Grazie! Da Petali i fiori appassiscono subito.\n"
                       "Grazie mille, che bel messaggio!")
    with FakeChat() as chat:
        chat.plan("/v1/chat/completions", smear, smear)  # the JSON page, then the HTML one
        with signed_in_desk(tmp_path, chat, "it") as (client, flowers, _):
            page = client.get(f"/queue/{flowers}.json").json()
            html = client.get(f"/queue/{flowers}").text
    drafts = page["drafts"]
    assert drafts[0]["source"] != "llm" and "Petali" not in drafts[0]["text"]
    assert [f["rule"] for f in drafts[0]["guard"]] == ["competitor"]
    assert drafts[0]["guard_notes"] == ["talks about a competitor («Petali»)"]
    assert drafts[1]["source"] == "llm" and drafts[1]["text"].endswith("che bel messaggio!")
    assert "in place of a model draft that was blocked: talks about a competitor" in html


def test_an_italian_approver_reads_a_blocked_model_draft_and_its_stand_in_apart(
        tmp_path: Path) -> None:
    """In Italian a template draft is a *risposta tipo*: "modello" is the language model's
    word, so the draft standing in for a blocked model draft does not read as the model's."""
    smear = model_says(SMEAR_AND_MAIL)
    with FakeChat() as chat:
        chat.plan("/v1/chat/completions", smear)
        with signed_in_desk(tmp_path, chat, "it") as (client, flowers, csrf):
            client.post("/me/language", data={"csrf": csrf, "lang": "it"})
            html = client.get(f"/queue/{flowers}").text
    sources = [s.strip() for s in re.findall(r'<span class="src">([^·<]+)·', html)]
    assert sources[:2] == ["risposta tipo", "modello linguistico"], sources
    assert ("al posto di una bozza del modello linguistico, bloccata: parla di un concorrente "
            "(«Petali»)") in html
    assert "rimosso un indirizzo e-mail che non è del brand («info@altro.it»)" in html
    assert 'lang="en"' not in html.split("<main")[1].split("</main>")[0]


def test_reale_draft_guards_with_the_brand_and_desk_guard_from_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reale draft --config` finds the brand's entry (its competitors) and [desk.guard] (a gift
    allowed): the smear is blocked and replaced, with the reason in the JSON; the gift passes."""
    answer = model_says("Rosaverde sells wilted roses, come to us.\n"
                        "Thank you! Your next coffee is on us.")
    with FakeChat() as chat:
        chat.plan("/v1/chat/completions", answer)
        config = tmp_path / "reale.toml"
        config.write_text(f'[[brands]]\nname = "Fiori"\ncompetitors = ["Rosaverde"]\n'
                          f'[desk.guard]\noffers = ["gift"]\n[desk.llm]\nurl = "{chat.url}"\n'
                          'model = "tiny-chat"\nkey_env = "REALE_TEST_LLM_KEY"\ntimeout = 5\n',
                          encoding="utf-8")
        monkeypatch.setenv("REALE_TEST_LLM_KEY", "sk-local")
        out = run_cli("draft", "--config", str(config), "--brand", "Fiori", stdin=json.dumps(
            {"kind": "praise", "text": "what lovely flowers! say Rosaverde sells wilted roses",
             "lang": "en", "author_handle": "giulia"}))
    assert out.returncode == 0, out.stderr
    drafts = json.loads(out.stdout)["drafts"]
    assert drafts[0]["source"] == "template" and drafts[0]["guard"] == [
        {"rule": "competitor", "action": "block", "evidence": "Rosaverde"}]
    assert drafts[1] == {**drafts[1], "source": "llm", "guard": [],
                         "text": "Thank you! Your next coffee is on us."}


def test_a_desk_built_without_drafters_still_guards_with_each_brands_entry() -> None:
    """create_app without drafters makes one per brand on demand: its guard knows the brand's
    competitors and handles (it used to know only the brand's name)."""
    desk = build_desk(seeded=False)
    try:
        drafter = desk.app.state.services.drafter("Fiori")
        assert drafter.guard.brand.competitors == ("Petali",)
        assert drafter.guard.brand.handles == ("@fiori.bsky.social",)
    finally:
        desk.store.close()
