"""Reale's store: SQLite (embedded default) or PostgreSQL (scaled out), one schema, versioned
migrations, idempotent batched writes through one writer task, and time-boxed typed reads.
"""

from reale.store.base import Store
from reale.store.migrations import Applied
from reale.store.open import open_existing_store, open_store
from reale.store.policy import ErrorPolicy
from reale.store.records import (
    AuthorCount,
    AuthorUpdate,
    Bucket,
    Conversation,
    CursorUpdate,
    WriteResult,
)
from reale.store.tx import Tx
from reale.store.url import StoreURL, parse_store_url
from reale.store.writer import CommittedBatch, StoreWriter, WriterStats

__all__ = [
    "Applied",
    "AuthorCount",
    "AuthorUpdate",
    "Bucket",
    "CommittedBatch",
    "Conversation",
    "CursorUpdate",
    "ErrorPolicy",
    "Store",
    "StoreURL",
    "StoreWriter",
    "Tx",
    "WriteResult",
    "WriterStats",
    "open_existing_store",
    "open_store",
    "parse_store_url",
]
