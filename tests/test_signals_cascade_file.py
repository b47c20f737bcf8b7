"""Reading a cascade file as `reale momentum` does: the SEISMIC example's format (a header, then
`seconds,followers` per reshare, the original post first), and the files a user gets wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.errors import DecodeError
from reale.signals.cascade_file import parse_cascade, read_cascade


def test_a_reshare_before_the_original_post_is_a_clear_error() -> None:
    text = "relative_time_second,number_of_followers\n100,2000\n5,20\n130,40\n"
    with pytest.raises(DecodeError, match=r"c.csv:3: .*before the original post"):
        parse_cascade(text, name="c.csv")


def test_a_file_without_a_header_keeps_its_original_post() -> None:
    times, followers = parse_cascade("0,2290\n11,91\n40,5\n")
    assert list(times) == [0, 11, 40] and list(followers) == [2290, 91, 5]


def test_a_huge_file_is_read_up_to_the_observed_time_only(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("relative_time_second,number_of_followers\n0,1000\n")
        f.writelines(f"{i},{i % 97}\n" for i in range(1, 200_000))
    times, followers = read_cascade(path, until=60)
    assert list(times) == list(range(0, 61)) and followers[0] == 1000
    all_times, _ = read_cascade(path)
    assert len(all_times) == 200_000


def test_a_bad_line_after_the_observed_time_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("t,n\n0,10\n30,5\n9000,many\n", "utf-8")
    with pytest.raises(DecodeError, match=r"late\.csv:4: not numbers"):
        read_cascade(path, until=60)
