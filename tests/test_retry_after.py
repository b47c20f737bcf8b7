"""Every client reads a 429's wait the same way (sources, profile fetches, publishing, alerts)."""

from __future__ import annotations

import math

import pytest

from reale.retry_after import DEFAULT_WAIT, MAX_WAIT, retry_after

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert retry_after({"retry-after": "12"}, NOW) == 12
    assert retry_after({"retry-after": " 2.5 "}, NOW) == 2.5
    assert retry_after({"retry-after": "Tue, 14 Nov 2023 22:14:20 GMT"}, NOW) == pytest.approx(60)


def test_a_reset_header_is_a_moment_when_it_looks_like_epoch_seconds_else_a_delay() -> None:
    assert retry_after({"x-rate-limit-reset": str(int(NOW) + 90)}, NOW) == 90  # X
    assert retry_after({"ratelimit-reset": str(int(NOW) + 5)}, NOW) == 5  # Bluesky
    assert retry_after({"ratelimit-reset": "30"}, NOW) == 30  # the IETF draft: delta seconds
    assert retry_after({"x-ratelimit-reset": "2023-11-14T22:13:50.000Z"}, NOW) == pytest.approx(30)
    assert retry_after({"x-ratelimit-reset": "2023-11-14T22:13:50"}, NOW) == pytest.approx(30)


def test_retry_after_wins_over_a_reset_header() -> None:
    assert retry_after({"retry-after": "3", "x-rate-limit-reset": str(int(NOW) + 90)}, NOW) == 3


def test_no_usable_header_means_the_default() -> None:
    assert retry_after({}, NOW) == DEFAULT_WAIT
    assert retry_after({"x-ratelimit-reset": "garbage"}, NOW, default=7) == 7
    assert retry_after({"retry-after": "soon"}, NOW, default=7) == 7


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e30", "-5", "99999999999999999999",
                                   "Mon, 01 Jan 2001 00:00:00 GMT", "\x00", "9" * 5000])
def test_a_hostile_header_never_blocks_for_long_nor_asks_for_a_negative_wait(value: str) -> None:
    for name in ("retry-after", "x-rate-limit-reset", "ratelimit-reset"):
        wait = retry_after({name: value}, NOW)
        assert 0.0 <= wait <= MAX_WAIT and math.isfinite(wait)
