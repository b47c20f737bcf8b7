"""Settings shared by the fuzz tests: few examples and a fixed seed by default (fast and the same
in CI); ``REALE_FUZZ_EXAMPLES=N`` raises the number of examples and ``REALE_FUZZ_RANDOM=1``
draws new ones on every run (for a longer, exploring session)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings


def fuzz_settings(examples: int = 200) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hypothesis settings for one fuzz property (``examples`` is the default budget)."""
    wanted = os.environ.get("REALE_FUZZ_EXAMPLES", "")
    return settings(
        max_examples=int(wanted) if wanted.isdigit() else examples, deadline=None,
        derandomize=os.environ.get("REALE_FUZZ_RANDOM", "") != "1", database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much])
