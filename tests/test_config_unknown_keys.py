"""A misspelt key in ``[[sources]]``, ``[[publish.accounts]]``, ``[desk.llm]`` or ``[desk.learning]``
is refused with its name, as it already was in ``[[brands]]``, ``[alerts]``, ``[web]``,
``[signals]`` and the other ``[desk.*]`` tables: ignored, it would silently keep its default."""

from __future__ import annotations

import pytest

from reale.config import parse_config
from reale.desk.llm import llm_config
from reale.errors import ConfigError
from reale.publish.factory import accounts_from_config
from reale.run.learning import relevance_memory


def test_a_misspelt_source_key_is_refused() -> None:
    text = '[[sources]]\nkind = "mastodon"\nurl = "https://mastodon.example"\ntokn_env = "T"\n'
    with pytest.raises(ConfigError, match="tokn_env"):
        parse_config(text)


def test_a_misspelt_publishing_account_key_is_refused() -> None:
    cfg = parse_config('[[publish.accounts]]\nname = "fiori-bsky"\nnetwork = "bluesky"\n'
                       'handle = "fiori.bsky.social"\nper_hr = 60\n')
    with pytest.raises(ConfigError, match="per_hr"):
        accounts_from_config(cfg.extra, {})


def test_a_misspelt_llm_key_is_refused() -> None:
    cfg = parse_config('[desk.llm]\nurl = "http://127.0.0.1:11434"\nmodle = "llama3.1"\n')
    with pytest.raises(ConfigError, match="modle"):
        llm_config(cfg.extra, {})


def test_a_misspelt_learning_key_is_refused() -> None:
    cfg = parse_config("[desk.learning]\nrelevance_memroy = 200\n")
    with pytest.raises(ConfigError, match="relevance_memroy"):
        relevance_memory(cfg.extra)
    assert relevance_memory(parse_config("[desk.learning]\nrelevance_memory = 200\n").extra) == 200


def test_the_documented_keys_are_still_taken() -> None:
    cfg = parse_config('[[sources]]\nkind = "mastodon"\nurl = "https://mastodon.example"\n'
                       'token_env = "T"\nstreams = ["public"]\n'
                       '[[publish.accounts]]\nname = "a"\nnetwork = "bluesky"\nper_hour = 60\n'
                       '[desk.llm]\nurl = "http://127.0.0.1:11434"\nmodel = "llama3.1"\n')
    assert cfg.sources[0].token_env == "T"
    assert accounts_from_config(cfg.extra, {})[0].per_hour == 60
    llm = llm_config(cfg.extra, {})
    assert llm is not None and llm.model == "llama3.1"
