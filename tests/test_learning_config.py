"""``[desk.learning] relevance_memory``: how many of the team's most recent decisions each brand's
relevance model remembers (500 unless the config says otherwise; a whole number ≥ 1)."""

from __future__ import annotations

import pytest

from reale.config import parse_config
from reale.errors import ConfigError
from reale.run.learning import relevance_memory
from reale.understand.relevance import REMEMBER


def test_the_default_is_the_500_most_recent_decisions() -> None:
    assert relevance_memory({}) == REMEMBER == 500
    assert relevance_memory(parse_config('[desk.weights]\nlearn_rate = 0.2\n').extra) == 500


def test_a_config_sets_it_under_desk_learning() -> None:
    config = parse_config("[desk.learning]\nrelevance_memory = 200\n")
    assert relevance_memory(config.extra) == 200


@pytest.mark.parametrize("value", ["0", "-3", "2.5", '"many"', "true"])
def test_anything_but_a_positive_whole_number_is_refused_with_its_name(value: str) -> None:
    config = parse_config(f"[desk.learning]\nrelevance_memory = {value}\n")
    with pytest.raises(ConfigError, match=r"\[desk.learning\] relevance_memory"):
        relevance_memory(config.extra)
