"""The scale-out runner: the same stage functions as the embedded runner, spread over Kafka
consumer groups, with PostgreSQL as the shared store (see docs/scaling.md).

Importing this package needs nothing optional; ``confluent-kafka`` is imported when a worker,
publisher or admin call starts (``pip install 'reale[kafka]'``).
"""

from reale.run.kafka.runner import run_kafka
from reale.run.kafka.settings import ROLES, TOPICS, KafkaSettings

__all__ = ["ROLES", "TOPICS", "KafkaSettings", "run_kafka"]
