"""The public surface is explicit and pinned (httpx's habit), and the CLI answers --help."""

from __future__ import annotations

import reale
from reale.errors import RealeError
from tests.conftest import run_cli


def test_public_names_are_exported_and_importable() -> None:
    for name in reale.__all__:
        assert hasattr(reale, name), name


def test_every_error_descends_from_reale_error() -> None:
    import reale.errors as errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), RealeError)


def test_cli_help_lists_commands() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    assert "reale" in out.stdout
