"""Hot reload: a changed config file swaps in a new matcher; a broken one keeps the old matcher
and is reported once. Time comes from a ManualClock: nothing sleeps."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.errors import ConfigError, QueryError, RealeError
from reale.events import Author, Post
from reale.match import Matcher, QueryReloader

FIAT = '[[brands]]\nname = "fiat"\nkeywords = ["panda"]\n'
FIAT_AND_ALFA = FIAT + '[[brands]]\nname = "alfa"\nqueries = ["giulia NOT usata"]\n'
BROKEN_QUERY = '[[brands]]\nname = "alfa"\nqueries = ["(giulia OR"]\n'


def post(text: str) -> Post:
    return Post(network="sim", uri="sim://post/1", author=Author(id="a"), text=text,
                created_at=0.0)


def brands_matching(matcher: Matcher, text: str) -> list[str]:
    return [m.brand for m in matcher.match(post(text))]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "reale.toml"
    path.write_text(FIAT, encoding="utf-8")
    return path


def test_it_starts_with_the_files_queries(config: Path) -> None:
    reloader = QueryReloader(config, clock=ManualClock())
    assert brands_matching(reloader.matcher, "una panda e una giulia") == ["fiat"]
    assert [b.name for b in reloader.config.brands] == ["fiat"]


def test_a_change_is_picked_up_at_the_next_poll_after_the_interval(config: Path) -> None:
    clock = ManualClock()
    reloaded = []
    reloader = QueryReloader(config, clock=clock, interval=2.0,
                             on_reload=lambda cfg, m: reloaded.append(len(cfg.brands)))
    config.write_text(FIAT_AND_ALFA, encoding="utf-8")
    assert reloader.poll() is False  # the interval has not passed yet
    clock.advance(2.0)
    assert reloader.poll() is True
    assert brands_matching(reloader.matcher, "una panda e una giulia") == ["fiat", "alfa"]
    assert (reloaded, reloader.reloads) == ([2], 1)
    clock.advance(2.0)
    assert reloader.poll() is False  # unchanged content: nothing to do


def test_a_rewrite_within_the_same_second_is_seen(config: Path) -> None:
    """Same size, maybe the same mtime: the content hash tells them apart."""
    reloader = QueryReloader(config, clock=ManualClock())
    config.write_text(FIAT.replace("panda", "punto"), encoding="utf-8")
    assert reloader.check() is True
    assert brands_matching(reloader.matcher, "la punto") == ["fiat"]


def test_a_broken_config_keeps_the_old_matcher_and_is_reported_once(config: Path) -> None:
    errors: list[RealeError] = []
    reloader = QueryReloader(config, clock=ManualClock(), on_error=errors.append)
    old = reloader.matcher
    config.write_text(BROKEN_QUERY, encoding="utf-8")
    assert reloader.check() is False
    assert reloader.matcher is old
    assert isinstance(reloader.last_error, QueryError)
    assert "brand 'alfa', query 1: expected a term" in str(reloader.last_error)
    assert reloader.check() is False  # still broken: not reported again
    assert len(errors) == 1
    config.write_text(FIAT_AND_ALFA, encoding="utf-8")  # fixed
    assert reloader.check() is True
    assert reloader.last_error is None
    assert brands_matching(reloader.matcher, "giulia") == ["alfa"]


@pytest.mark.parametrize("content", [b"brands = [", b'[[brands]]\nname = "x"\nbogus = 1\n',
                                     b"\xff\xfe not utf-8"])
def test_bad_toml_and_bad_bytes_are_config_errors(config: Path, content: bytes) -> None:
    reloader = QueryReloader(config, clock=ManualClock())
    config.write_bytes(content)
    assert reloader.check() is False
    assert isinstance(reloader.last_error, ConfigError)
    assert brands_matching(reloader.matcher, "panda") == ["fiat"]


def test_a_vanished_file_keeps_the_old_matcher(config: Path) -> None:
    reloader = QueryReloader(config, clock=ManualClock())
    config.unlink()
    assert reloader.check() is False
    assert "cannot read config" in str(reloader.last_error)
    config.write_text(FIAT_AND_ALFA, encoding="utf-8")
    assert reloader.check() is True


def test_a_broken_config_at_start_up_raises(tmp_path: Path) -> None:
    path = tmp_path / "reale.toml"
    path.write_text(BROKEN_QUERY, encoding="utf-8")
    with pytest.raises(QueryError):
        QueryReloader(path, clock=ManualClock())
    with pytest.raises(ConfigError):
        QueryReloader(tmp_path / "missing.toml", clock=ManualClock())


def test_the_background_task_recompiles_off_the_event_loop(config: Path) -> None:
    clock = ManualClock()
    reloader = QueryReloader(config, clock=clock, interval=2.0)
    stop = asyncio.Event()
    ticks = 0

    async def tick(seconds: float) -> None:
        """Stands in for asyncio.sleep: moves the clock, edits the file once, then stops."""
        nonlocal ticks
        ticks += 1
        clock.advance(seconds)
        if ticks == 1:
            config.write_text(FIAT_AND_ALFA, encoding="utf-8")
        if ticks == 3:
            stop.set()

    asyncio.run(reloader.watch(stop, sleep=tick))
    assert ticks == 3
    assert reloader.reloads == 1
    assert brands_matching(reloader.matcher, "giulia") == ["alfa"]


def test_a_successful_reload_logs_one_info_line_naming_what_changed(
        config: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A broken config is logged; so is a good one, with the brands and queries it added or
    removed, so whoever edits the file sees in the log that the edit took."""
    reloader = QueryReloader(config, clock=ManualClock())
    config.write_text(FIAT.replace("panda", "punto") + FIAT_AND_ALFA.removeprefix(FIAT),
                      encoding="utf-8")
    with caplog.at_level("INFO", logger="reale.match.reload"):
        assert reloader.check() is True
    infos = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    assert len(infos) == 1
    line = infos[0]
    assert "brand added: alfa" in line
    assert "fiat: keyword added 'punto', keyword removed 'panda'" in line
    config.write_text(FIAT.replace("panda", "punto"), encoding="utf-8")
    caplog.clear()
    with caplog.at_level("INFO", logger="reale.match.reload"):
        assert reloader.check() is True
    assert "brand removed: alfa" in caplog.records[-1].getMessage()


def test_a_reload_that_changes_no_brand_or_query_says_so(
        config: Path, caplog: pytest.LogCaptureFixture) -> None:
    reloader = QueryReloader(config, clock=ManualClock())
    config.write_text("# a comment\n" + FIAT, encoding="utf-8")
    with caplog.at_level("INFO", logger="reale.match.reload"):
        assert reloader.check() is True
    assert "no brand or query changed" in caplog.records[-1].getMessage()


def test_reale_run_prints_a_successful_reload_on_stderr(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`reale run` shows the reloader's info lines, not only its warnings."""
    import logging

    from reale.cli.run import show_reload_log

    reload_log = logging.getLogger("reale.match.reload")
    saved = (reload_log.handlers[:], reload_log.level, reload_log.propagate)
    try:
        show_reload_log()
        reloader = QueryReloader(config, clock=ManualClock())
        config.write_text(FIAT_AND_ALFA, encoding="utf-8")
        assert reloader.check() is True
    finally:
        reload_log.handlers[:], reload_log.level, reload_log.propagate = saved
    err = capsys.readouterr().err
    assert "reloaded watch-queries" in err and "brand added: alfa" in err
