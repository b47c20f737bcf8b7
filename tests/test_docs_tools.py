"""Every ``python -m reale.bench…``, ``make X`` and ``scripts/X.py`` the docs name exists, and a
benchmark module the docs tell you to run by itself answers as a program (``--help``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from functools import cache

from tests.doc_commands import ROOT, doc_files

BENCH = re.compile(r"python\s+-m\s+reale\.bench(?:\.([a-z_]+))?((?:\s+--[a-z]+(?:\s+[a-z_,]+)?)*)")
MAKE = re.compile(r"(?:`|^\s*)make ([a-z][a-z_-]*)", re.MULTILINE)
SCRIPT = re.compile(r"scripts/([A-Za-z_]+)\.py((?:\s+--[a-z-]+)*)")


@cache
def doc_texts() -> dict[str, str]:
    """README, docs (not the generated cli.md), examples and scripts/README.md, whitespace
    collapsed so a name wrapped onto the next line is still found."""
    files = [*doc_files(), ROOT / "scripts" / "README.md"]
    return {p.relative_to(ROOT).as_posix(): re.sub(r"[ \t]*\n[ \t]*", "\n", p.read_text(encoding="utf-8"))
            for p in files}


def _named(pattern: re.Pattern[str]) -> list[tuple[str, re.Match[str]]]:
    return [(f"{where}:{text.count(chr(10), 0, m.start()) + 1}", m)
            for where, text in doc_texts().items() for m in pattern.finditer(text)]


def test_every_documented_benchmark_module_exists_and_runs_by_itself() -> None:
    """Each module is there; run by itself, its --help lists the options the docs give it; and
    ``python -m reale.bench --only X`` names benchmark modules."""
    named = _named(BENCH)
    assert len(named) > 20
    wrong, options = [], {}
    for where, m in named:
        module = "reale.bench" + (f".{m.group(1)}" if m.group(1) else "")
        if importlib.util.find_spec(module) is None:
            wrong.append(f"{where}: no module {module}")
            continue
        options.setdefault(module, set()).update((where, o) for o in re.findall(r"--[a-z]+", m.group(2)))
        only = re.search(r"--only\s+([a-z_,]+)", m.group(2))
        for part in only.group(1).split(",") if only and not m.group(1) else ():
            if not hasattr(importlib.import_module(f"reale.bench.{part}"), "run"):
                wrong.append(f"{where}: --only {part}: reale.bench.{part} has no run()")
    for module, documented in sorted(options.items()):
        out = _run_module(module, "--help")
        if "usage:" not in out:
            wrong.append(f"python -m {module} --help: not a program (printed {out[:80]!r})")
            continue
        wrong += [f"{where}: python -m {module} has no option {opt}"
                  for where, opt in sorted(documented) if opt not in out]
    assert not wrong, "benchmarks the docs name that do not run:\n" + "\n".join(wrong)


def _run_module(module: str, *args: str) -> str:
    """What ``python -m MODULE ARGS`` prints; a --help that starts the benchmark instead times out."""
    try:
        done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                              timeout=60, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"),
                                                         "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        return f"no answer in 60 s: `{' '.join(args)}` ran the benchmark"
    return done.stdout + done.stderr


def test_every_documented_make_target_exists() -> None:
    targets = set(re.findall(r"^([a-z][a-z_-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"),
                             re.MULTILINE))
    named = _named(MAKE)
    assert {"bench", "test", "train"} <= {m.group(1) for _, m in named}
    missing = [f"{where}: make {m.group(1)}" for where, m in named if m.group(1) not in targets]
    assert not missing, "make targets the docs name but the Makefile lacks:\n" + "\n".join(missing)


def test_every_documented_script_exists_with_the_options_the_docs_give_it() -> None:
    named = _named(SCRIPT)
    assert len(named) > 10
    wrong = []
    for where, m in named:
        script = ROOT / "scripts" / f"{m.group(1)}.py"
        if not script.is_file():
            wrong.append(f"{where}: no {script.relative_to(ROOT)}")
            continue
        source = script.read_text(encoding="utf-8")
        wrong += [f"{where}: {script.name} has no option {opt}"
                  for opt in m.group(2).split() if f'"{opt}"' not in source]
    assert not wrong, "scripts the docs name that are not there:\n" + "\n".join(wrong)


def test_a_benchmark_module_without_a_main_is_not_a_program() -> None:
    """What the check above relies on: a module that only defines run() prints nothing."""
    assert "usage:" not in _run_module("reale.bench._shared", "--help")
    assert "usage:" in _run_module("reale.bench.desk", "--help")
