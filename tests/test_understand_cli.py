"""``reale annotate`` and ``reale eval`` as other tools call them: real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, run_cli


def _run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """Like run_cli, with raw bytes on stdin (run_cli's text mode cannot carry invalid UTF-8)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "reale", *args], input=stdin, capture_output=True,
                          timeout=120, env=env, cwd=ROOT)


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_annotate_adds_labels_and_keeps_every_input_field():
    stdin = "\n".join([
        json.dumps({"id": "a1", "text": "I love this, thank you so much!", "lang": "en", "meta": {"k": [1, 2]}}),
        json.dumps({"id": "a2", "text": "Servizio pessimo, vergogna", "score": 3.5}),
    ]) + "\n"
    res = run_cli("annotate", stdin=stdin)
    assert res.returncode == 0, res.stderr
    first, second = _lines(res.stdout)
    assert first["id"] == "a1" and first["meta"] == {"k": [1, 2]} and first["lang"] == "en"
    for field in ("sentiment", "sentiment_scores", "emotion", "intent", "complaint", "complaint_score",
                  "irony", "offensive", "language"):
        assert field in first, field
    assert first["sentiment"] == "positive"
    assert second["score"] == 3.5 and second["language"] == "it" and second["sentiment"] == "negative"
    assert "2 lines, 2 labelled, 0 errors" in res.stderr


def test_bad_lines_are_echoed_with_an_error_and_the_run_goes_on():
    stdin = (b'{"id": 1, "text": "fine"}\n'
             b"this is not json\n"
             b'{"id": 3}\n'
             b'{"id": 4, "text": "caf\xe9 latin-1"}\n'
             b'[1, 2]\n'
             b'{"id": 6, "text": 42}\n'
             b"\n"
             b'{"id": 7, "text": "still here"}')  # no final newline
    res = _run_bytes("annotate", "--tasks", "sentiment", stdin=stdin)
    assert res.returncode == 0, res.stderr
    out = _lines(res.stdout.decode("utf-8"))
    assert [o.get("id") for o in out] == [1, None, 3, None, None, 6, 7]
    assert "sentiment" in out[0] and "error" not in out[0]
    assert out[1]["error"].startswith("invalid JSON") and out[1]["input"] == "this is not json"
    assert out[2]["error"].startswith("no text")
    assert out[3]["error"].startswith("invalid UTF-8")
    assert out[4]["error"].startswith("expected a JSON object")
    assert out[5]["error"].startswith("no text")
    assert out[6]["sentiment"] in ("negative", "neutral", "positive")


def test_tasks_limit_the_fields_and_unknown_tasks_are_refused():
    res = run_cli("annotate", "--tasks", "language,irony", stdin='{"text": "hello there"}\n')
    (line,) = _lines(res.stdout)
    assert "irony" in line and "language" in line and "sentiment" not in line
    bad = run_cli("annotate", "--tasks", "mood", stdin="")
    assert bad.returncode == 2 and "mood" in bad.stderr


def test_fast_mode_on_the_command_line():
    res = run_cli("annotate", "--fast", stdin='{"text": "what a great day"}\n')
    (line,) = _lines(res.stdout)
    assert line["mode"] == "fast" and line["sentiment"] == "positive" and "emotion" not in line


def test_eval_prints_the_metrics_of_a_labelled_file(tmp_path):
    rows = [("I love it", "positive"), ("I hate it", "negative"), ("The shop opens at 9", "neutral"),
            ("Best day ever!", "positive"), ("This is awful", "negative"), ("mixed bag", "mixed")]
    data = tmp_path / "s.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": t, "lang": "en", "label": y}) + "\n"
                            for i, (t, y) in enumerate(rows)))
    res = run_cli("eval", "sentiment", "--data", str(data))
    assert res.returncode == 0, res.stderr
    assert "macro-F1" in res.stdout and "macro-recall" in res.stdout and "confusion" in res.stdout
    js = run_cli("eval", "sentiment", "--data", str(data), "--json")
    rep = json.loads(js.stdout)
    assert rep["n"] == 5  # the "mixed" row has no 3-class label
    assert set(rep["per_class"]) == {"negative", "neutral", "positive"}
    assert sum(map(sum, rep["confusion"])) == 5


def test_eval_intent_maps_speech_acts(tmp_path):
    data = tmp_path / "acts.jsonl"
    data.write_text(json.dumps({"id": "1", "text": "Can you tell me when it opens?", "label": "question"}) + "\n"
                    + json.dumps({"id": "2", "text": "Please follow me back", "label": "request"}) + "\n")
    rep = json.loads(run_cli("eval", "intent", "--data", str(data), "--json").stdout)
    assert rep["n"] == 2 and "appeal" in rep["labels"] and "question" in rep["labels"]


def test_eval_refuses_a_missing_file():
    res = run_cli("eval", "sentiment", "--data", "/nonexistent.jsonl")
    assert res.returncode == 2 and "no such file" in res.stderr


def test_annotate_answers_each_line_before_the_input_ends():
    """A producer that writes one line and waits gets its answer: output is streamed, not held."""
    import select

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "reale", "annotate", "--tasks", "sentiment"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        for n, text in enumerate(["first post, lovely", "second post, awful"]):
            proc.stdin.write(json.dumps({"n": n, "text": text}).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)  # a deadline, not a sleep
            assert ready, "no answer while the input is still open"
            assert json.loads(proc.stdout.readline())["n"] == n
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_eval_held_out_scores_only_the_rows_training_never_saw(data_dir):
    res = run_cli("eval", "complaint", "--data", str(data_dir / "complaints/en/train.jsonl"), "--held-out", "--json")
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert 300 < rep["n"] < 600  # about 15 % of 2,771
    assert rep["macro_f1"] > 0.75
    assert res.stderr == f"reale eval: scored the {rep['n']} held-out rows of 2771 labelled (the rest trained the models)\n"
    text = run_cli("eval", "complaint", "--data", str(data_dir / "complaints/en/train.jsonl"), "--held-out")
    assert text.stdout.splitlines()[0].endswith(
        f": scored the {rep['n']} held-out rows of 2771 labelled (the rest trained the models)")


def test_eval_held_out_refuses_a_file_that_has_its_own_validation_split(data_dir):
    """Hashing out ~15 % of a train file trained on in full would score rows the model has seen."""
    for name in ("train.jsonl", "val.jsonl"):
        res = run_cli("eval", "sentiment", "--data", str(data_dir / "sentiment/en" / name), "--held-out")
        assert res.returncode == 2, res.stdout
        assert res.stderr == (
            "reale: error: --held-out only applies to a file without a validation split (complaints, "
            f"speech acts, FEEL-IT); {data_dir / 'sentiment/en'} has its own: score it without --held-out "
            f"(reale eval sentiment --data {data_dir / 'sentiment/en/val.jsonl'})\n")
        assert res.stdout == ""




def test_an_over_long_line_gets_one_error_and_the_lines_stay_aligned():
    """Output line k answers input line k, however long a line is: a 3 MiB line is one error,
    and so is a line that ends just past the 1 MiB limit."""
    huge = json.dumps({"id": "huge", "text": "y" * (3 << 20)}).encode()
    just_over = json.dumps({"id": "over", "text": "z" * (1 << 20)}).encode()  # 1 MiB + the JSON around it
    stdin = huge + b"\n" + just_over + b"\n" + b'{"id": "after", "text": "still answered"}\n'
    res = _run_bytes("annotate", "--tasks", "sentiment", stdin=stdin)
    assert res.returncode == 0, res.stderr
    out = _lines(res.stdout.decode("utf-8"))
    assert len(out) == 3, [o.get("error") or o.get("id") for o in out]
    assert out[0]["error"] == out[1]["error"] == "line longer than 1048576 bytes"
    assert out[2]["id"] == "after" and "sentiment" in out[2]
    assert b"3 lines, 1 labelled, 2 errors" in res.stderr


def test_json_nested_too_deeply_is_an_error_line_not_a_crash(tmp_path):
    deep = b'{"id": "deep", "text": "hi", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    stdin = deep + b"\n" + b'{"id": "after", "text": "still answered"}\n'
    res = _run_bytes("annotate", "--tasks", "language", stdin=stdin)
    assert res.returncode == 0, res.stderr[-500:]
    first, after = _lines(res.stdout.decode("utf-8"))
    assert first["error"].startswith("invalid JSON") and "deep" in first["error"]
    assert after["id"] == "after" and "language" in after
    labelled = tmp_path / "deep.jsonl"
    labelled.write_bytes(deep.replace(b'"text": "hi"', b'"text": "I love it", "label": "positive"')
                         + b'\n{"text": "I hate it", "label": "negative"}\n')
    ev = _run_bytes("eval", "sentiment", "--data", str(labelled), "--json", stdin=b"")
    assert ev.returncode == 0, ev.stderr[-500:]
    assert json.loads(ev.stdout)["n"] == 1  # the deep line is skipped like any malformed one


def test_eval_says_how_many_lines_it_left_out(tmp_path):
    data = tmp_path / "s.jsonl"
    data.write_bytes(b'{"text": "I love it", "label": "positive"}\n'
                     b"not json\n"
                     b'{"text": "", "label": "negative"}\n'
                     b'{"text": "meh", "label": "mixed"}\n'
                     b"\xff\xfe\n"
                     b"\n"
                     b'{"text": "I hate it", "label": "negative"}\n')
    res = run_cli("eval", "sentiment", "--data", str(data), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["n"] == 2
    assert "2 of 6 lines scored" in res.stderr  # the blank line is no line of data


def test_eval_warns_that_a_training_file_scored_whole_flatters_the_models(tmp_path):
    """`reale eval emotion --data .../emotion/it/feel-it.jsonl` without --held-out scores rows the
    models were trained on; the output says so and names the honest command, for any copy of a
    training set (found by its place in ../shared/data's layout)."""
    rows = [("che gioia oggi", "joy"), ("sono furioso", "anger"), ("che tristezza", "sadness")]
    body = "".join(json.dumps({"id": str(i), "text": t, "lang": "it", "label": y}) + "\n"
                   for i, (t, y) in enumerate(rows))
    trained = tmp_path / "emotion" / "it" / "feel-it.jsonl"
    trained.parent.mkdir(parents=True)
    trained.write_text(body)
    res = run_cli("eval", "emotion", "--data", str(trained))
    assert res.returncode == 0, res.stderr
    note = ("the models were trained on emotion/it/feel-it.jsonl: these figures are optimistic; "
            f"score the rows training never saw with `reale eval emotion --data {trained} --held-out`")
    assert note in res.stderr
    assert "trained on" in res.stdout.splitlines()[0]
    with_val = tmp_path / "sentiment" / "en" / "train.jsonl"
    with_val.parent.mkdir(parents=True)
    with_val.write_text(body.replace('"it"', '"en"').replace("joy", "positive"))
    (with_val.parent / "val.jsonl").write_text(body)
    res = run_cli("eval", "sentiment", "--data", str(with_val))
    assert (f"score its validation split with `reale eval sentiment --data "
            f"{with_val.parent / 'val.jsonl'}`") in res.stderr
    mine = tmp_path / "mine" / "labelled.jsonl"
    mine.parent.mkdir()
    mine.write_text(body)
    assert "trained on" not in run_cli("eval", "emotion", "--data", str(mine)).stderr
