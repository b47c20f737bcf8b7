"""What a new user meets when a command is given something wrong: one clear line naming the
problem, a non-zero exit code, never a traceback, and never a command that runs forever or
half-starts before failing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli


def clear_error(out: object, *words: str, code: int = 2) -> None:
    assert out.returncode == code, (out.stdout, out.stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in out.stderr  # type: ignore[attr-defined]
    for word in words:
        assert word in out.stderr, out.stderr  # type: ignore[attr-defined]


def test_replaying_a_file_that_is_not_there_fails_before_starting(tmp_path: Path) -> None:
    out = run_cli("replay", str(tmp_path / "missing.jsonl"), "--store", f"sqlite:///{tmp_path}/r.sqlite")
    clear_error(out, "cannot read replay file", "missing.jsonl", "no such file")
    assert not (tmp_path / "r.sqlite").exists()  # nothing half-started


def test_run_with_a_replay_source_whose_file_is_missing_says_so(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path}/r.sqlite"\n'
                      '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
                      '[[sources]]\nkind = "replay"\npath = "nowhere.jsonl"\n')
    clear_error(run_cli("run", "--config", str(config)), "nowhere.jsonl", "no such file")
    config.write_text('[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n[[sources]]\nkind = "replay"\n')
    clear_error(run_cli("run", "--config", str(config)), 'needs path = "FILE.jsonl"')


def test_a_file_in_no_known_format_is_counted_not_flooded(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a post\n" * 500)
    out = run_cli("query", "test", "acme", str(junk))
    assert out.returncode == 0
    lines = out.stderr.splitlines()
    assert len(lines) <= 12, lines[:15]
    assert "further skipped lines are counted, not logged" in out.stderr
    assert lines[-1] == "0 of 0 posts matched (500 lines skipped)"
    clear_error(run_cli("query", "test", "acme", str(tmp_path)), "it is a folder")


def test_draft_names_a_missing_history_file_and_an_unknown_kind_or_network(tmp_path: Path) -> None:
    request = json.dumps({"kind": "praise", "text": "love it"})
    clear_error(run_cli("draft", "--history", str(tmp_path / "h.jsonl"), stdin=request),
                "--history", "h.jsonl", "No such file")
    clear_error(run_cli("draft", "--recent", str(tmp_path / "r.jsonl"), stdin=request), "--recent")
    clear_error(run_cli("draft", stdin=json.dumps({"kind": "rant", "text": "x"})),
                "unknown kind 'rant'", "appeal, praise, complaint, question, moment")
    clear_error(run_cli("draft", stdin=json.dumps({"kind": "praise", "text": "x", "network": "myspace"})),
                "unknown network 'myspace'")
    clear_error(run_cli("draft", stdin=""), "stdin is empty")


def test_a_draft_with_no_handle_to_address_starts_with_a_capital_letter() -> None:
    out = run_cli("draft", stdin=json.dumps({"kind": "complaint", "text": "my order is late",
                                             "lang": "en"}))
    assert out.returncode == 0, out.stderr
    texts = [d["text"] for d in json.loads(out.stdout)["drafts"]]
    assert texts and all(t[0].isupper() for t in texts), texts


def test_a_draft_in_a_language_without_templates_says_why_there_is_none() -> None:
    out = run_cli("draft", stdin=json.dumps({"kind": "praise", "text": "Danke!", "lang": "de"}))
    assert out.returncode == 0
    assert json.loads(out.stdout)["drafts"] == []
    assert "templates exist in English and Italian only" in out.stderr


def test_adding_a_user_with_no_terminal_and_no_password_explains_the_option(tmp_path: Path) -> None:
    out = run_cli("users", "add", "ada", "--role", "admin", "--store", f"sqlite:///{tmp_path}/u.sqlite",
                  stdin="")
    clear_error(out, "--password-stdin")


def test_momentum_refuses_a_file_of_many_cascades_instead_of_misreading_it(tmp_path: Path) -> None:
    several = tmp_path / "auspol.csv"
    several.write_text("cascade_id,event_index,time,magnitude,user\n0,0,0.0,58,2984\n0,1,12.0,3,11\n")
    clear_error(run_cli("momentum", "--cascade", str(several), "--observe", "60"),
                "expected 2 columns 'time,followers', got 5", "cascade_id,event_index")
    clear_error(run_cli("momentum", "--cascade", str(tmp_path / "none.csv"), "--observe", "60"),
                "cannot read cascade file", "No such file or directory")


def test_alerts_with_a_named_config_that_is_missing_is_an_error(tmp_path: Path) -> None:
    out = run_cli("alerts", "--config", str(tmp_path / "typo.toml"), "--store",
                  f"sqlite:///{tmp_path}/a.sqlite")
    clear_error(out, "typo.toml", "not found")


def test_simulate_refuses_a_negative_count_that_would_never_stop(tmp_path: Path) -> None:
    clear_error(run_cli("simulate", "--count", "-1", timeout=30), "--count must be 0 or more")
    clear_error(run_cli("simulate", "--count", "3", "--duration", "-5"), "--duration")
    blocker = tmp_path / "file"
    blocker.write_text("")
    clear_error(run_cli("simulate", "--count", "3", "--out", str(blocker / "x.jsonl")), "--out")


def test_a_pipe_closed_early_is_not_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    posts = tmp_path / "posts.jsonl"
    with posts.open("w") as f:  # ~2 MB of matches: far more than a pipe holds
        for i in range(20_000):
            f.write(json.dumps({"did": "did:plc:abc", "time_us": 1_700_000_000_000_000 + i,
                                "kind": "commit", "commit": {
                                    "operation": "create", "collection": "app.bsky.feed.post",
                                    "rkey": f"k{i}", "cid": "c", "record": {
                                        "$type": "app.bsky.feed.post", "text": f"acme post {i}",
                                        "createdAt": "2026-03-20T09:30:00Z"}}}) + "\n")
    cmd = f"{sys.executable} -m reale query test acme {posts} | head -c 1"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout == "a"  # the first character of the first match's URI
    assert "Traceback" not in out.stderr and "BrokenPipeError" not in out.stderr


def test_eval_names_the_task_it_found_no_rows_for(tmp_path: Path) -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is not present")
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "ciao", "label": "positive"}\n')
    clear_error(run_cli("eval", "emotion", "--data", str(rows)), "no rows labelled for emotion")


def test_alerts_rules_on_a_config_without_channels_says_nothing_will_be_sent(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n')
    out = run_cli("alerts", "rules", "--config", str(config))
    assert out.returncode == 0 and out.stdout.strip() == "[alerts]"
    assert "no [[alerts.channels]] or [[alerts.rules]] yet" in out.stderr


def test_a_port_out_of_range_is_refused_before_anything_starts() -> None:
    clear_error(run_cli("serve", "--port", "99999"), "a port is 1-65535, not 99999")
    clear_error(run_cli("run", "--config", "reale.toml", "--serve", "--port", "http"),
                "not a port number: 'http'")


def test_a_replay_without_brands_says_why_nothing_is_stored(tmp_path: Path) -> None:
    recording = tmp_path / "one.jsonl"
    recording.write_text(json.dumps({
        "did": "did:plc:abc", "time_us": 1_700_000_000_000_000, "kind": "commit",
        "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "k", "cid": "c",
                   "record": {"$type": "app.bsky.feed.post", "text": "hello",
                              "createdAt": "2026-03-20T09:30:00Z"}}}) + "\n")
    out = run_cli("replay", str(recording), "--store", f"sqlite:///{tmp_path}/r.sqlite")
    assert out.returncode == 0, out.stderr
    assert "no brands to match" in out.stderr and "--config reale.toml" in out.stderr


def test_draft_refuses_invalid_utf8_and_a_huge_request_clearly() -> None:
    clear_error(run_cli("draft", stdin=b'{"kind": "praise", "text": "\xff\xfe"}'),
                "stdin is not valid UTF-8")
    huge = json.dumps({"kind": "praise", "text": "a" * 1_100_000})
    clear_error(run_cli("draft", stdin=huge), "larger than 1,000,000 bytes")


def test_a_handle_of_only_at_signs_is_no_handle_at_all() -> None:
    out = run_cli("draft", stdin=json.dumps({"kind": "praise", "text": "grazie mille", "lang": "it",
                                             "author_handle": "@@"}))
    assert out.returncode == 0, out.stderr
    texts = [d["text"] for d in json.loads(out.stdout)["drafts"]]
    assert texts and not any(t.startswith("@") for t in texts), texts


def test_kafka_status_without_a_broker_is_one_clear_line() -> None:
    pytest.importorskip("confluent_kafka")
    out = run_cli("status", "--bootstrap", "127.0.0.1:9")  # the discard port: nothing listens
    clear_error(out, "cannot reach Kafka at 127.0.0.1:9", "docs/scaling.md")
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr[:500]
    # a user of the embedded runner typing `reale status` learns where its state is shown
    assert "for `reale run` (one process) see `reale store info`" in out.stderr


def test_serve_on_a_port_already_taken_says_so(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_cli("serve", "--port", str(port), "--store", f"sqlite:///{tmp_path}/w.sqlite",
                      timeout=60)
    clear_error(out, f"cannot listen on 127.0.0.1:{port}", "--port")


def test_run_serve_on_a_port_already_taken_says_so_before_listening(tmp_path: Path) -> None:
    import socket

    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path}/r.sqlite"\n'
                      '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
                      f'[[sources]]\nkind = "replay"\npath = "{config}"\n')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_cli("run", "--config", str(config), "--serve", "--port", str(port), timeout=60)
    clear_error(out, f"cannot listen on 127.0.0.1:{port}")


def test_annotate_fast_says_which_asked_labels_it_leaves_out() -> None:
    out = run_cli("annotate", "--tasks", "intent,sentiment", "--fast", stdin='{"text": "ciao"}\n')
    assert out.returncode == 0, out.stderr
    assert "--fast computes language and sentiment only; intent left out" in out.stderr
    assert "intent" not in json.loads(out.stdout.splitlines()[0])


def test_a_burst_that_starts_after_the_simulated_stream_ends_is_refused(tmp_path: Path) -> None:
    """`--duration 60 --burst '#blackout,120,10,300'` would write a stream without the burst and
    a truth file that promises one: one clear error instead."""
    out = run_cli("simulate", "--rate", "0", "--duration", "60", "--burst", "#blackout,120,10,300",
                  "--out", str(tmp_path / "s.jsonl"))
    clear_error(out, "--burst '#blackout' starts at 120 s", "the stream ends at 60 s")
    assert not (tmp_path / "s.jsonl").exists()


def test_a_compressed_or_binary_recording_is_refused_with_what_it_is(tmp_path: Path) -> None:
    """`reale replay firehose_frames.bin.zst` read 1,845 binary "lines", logged ten skips and
    stored nothing; a zstd or gzip file is named as such before anything starts."""
    import gzip

    import zstandard

    zst = tmp_path / "frames.bin.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(b'{"kind": "commit"}\n' * 10))
    gz = tmp_path / "posts.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"kind": "commit"}\n'))
    for path, kind in ((zst, "zstd"), (gz, "gzip")):
        for args in (("replay", str(path), "--store", f"sqlite:///{tmp_path}/r.sqlite"),
                     ("query", "test", "kate", str(path))):
            out = run_cli(*args)
            clear_error(out, f"{path} is {kind}-compressed, not JSON Lines")
    assert not (tmp_path / "r.sqlite").exists()
