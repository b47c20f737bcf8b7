"""The one exception tree of Reale.

    RealeError
    ├── ConfigError            a setting or config file is wrong (names the key and file)
    ├── QueryError             a watch-query failed to parse (names the position and what was expected)
    ├── DecodeError            bytes from a source could not become an event (skipped and counted)
    ├── SourceError            a source connection failed (the client reconnects with back-off)
    ├── StoreError             the store refused a read or write
    │   └── StoreUnavailable   the store was busy or unreachable (transient: worth a retry)
    ├── ModelError             a shipped model is missing or does not match its card
    ├── DeskError              the desk refused an action
    │   └── ApprovalRequired   publishing was attempted without a recorded approval
    ├── PublishError           a network refused a publication
    ├── AlertError             an alert channel failed to deliver
    └── OptionalDependencyError  an optional extra is not installed (says what to pip install)
"""

from __future__ import annotations

from collections.abc import Mapping


class RealeError(Exception):
    """Base of every error Reale raises on purpose. Besides its English message it may carry a
    stable ``code`` and the named ``values`` the message was made of, so that a reader in another
    language (the web desk's ``reale.web.error_words``) can say the same thing in their words.

    >>> e = ConfigError("kind 'x' is not known", code="rule.kind", values={"kind": "x"})
    >>> (str(e), e.code, e.values)
    ("kind 'x' is not known", 'rule.kind', {'kind': 'x'})
    """

    def __init__(self, *args: object, code: str = "",
                 values: Mapping[str, object] | None = None) -> None:
        super().__init__(*args)
        self.code = code
        self.values: dict[str, object] = dict(values or {})


class ConfigError(RealeError):
    """A setting or config file is wrong."""


class QueryError(RealeError):
    """A watch-query did not parse; ``position`` is the 0-based offset in the query."""

    def __init__(self, message: str, *, query: str = "", position: int = 0, expected: str = "",
                 code: str = "", values: Mapping[str, object] | None = None) -> None:
        super().__init__(message, code=code, values=values)
        self.query = query
        self.position = position
        self.expected = expected

    def __str__(self) -> str:
        base = super().__str__()
        if not self.query:
            return base
        caret = " " * self.position + "^"
        return f"{base} at position {self.position}\n  {self.query}\n  {caret}"


class DecodeError(RealeError):
    """Bytes from a source could not be decoded into an event."""


class SourceError(RealeError):
    """A source's connection failed; ``reason``, when known, says how in a word (``unreachable``,
    ``http_4xx``, ``http_5xx``, ``bad_payload``) for metrics."""

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class StoreError(RealeError):
    """The store refused a read or a write."""


class StoreUnavailable(StoreError):
    """The store was locked, busy or unreachable; the same write may succeed if retried."""


class ModelError(RealeError):
    """A shipped model is missing or corrupt."""


class DeskError(RealeError):
    """The desk refused an action (wrong role, wrong state)."""


class DeskInputError(DeskError):
    """The desk refused what a person wrote (an empty or too long reply, a missing comment, a
    NUL character): the writer's mistake to correct, not a conflict with the desk's state."""


class ApprovalRequired(DeskError):
    """Publishing was attempted without a recorded approval."""


class DuplicateReply(DeskError):
    """A second reply to a post the brand has already answered (approved or published), not
    marked as a further reply: refused so that nobody gets answered twice by accident."""


class PostDeleted(DeskError):
    """The post a reply answers was deleted by its author: refused at approval and publication,
    so the brand never answers (or fails at the network answering) a post that is gone."""


class PublishError(RealeError):
    """A network refused to publish."""


class AlertError(RealeError):
    """An alert channel could not deliver."""


class OptionalDependencyError(RealeError, ImportError):
    """An optional extra is missing; the message carries the exact install hint."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs an optional dependency: pip install 'reale[{extra}]'")
        self.extra = extra


__all__ = [
    "AlertError",
    "ApprovalRequired",
    "ConfigError",
    "DecodeError",
    "DeskError",
    "DeskInputError",
    "DuplicateReply",
    "ModelError",
    "OptionalDependencyError",
    "PostDeleted",
    "PublishError",
    "QueryError",
    "RealeError",
    "SourceError",
    "StoreError",
    "StoreUnavailable",
]
