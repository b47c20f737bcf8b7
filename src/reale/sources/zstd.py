"""Jetstream's ``compress=true``: every binary message is one zstd frame made with Jetstream's
custom dictionary. No PyPI package ships the v1 dictionary (checked: ``atproto`` 0.0.73 fetches
v2 dictionaries from the server; see docs/sources.md), so the user points Reale at the file
(``zstd_dictionary = "path"``; it is ``pkg/models/zstd_dictionary`` in bluesky-social/jetstream).
"""

from __future__ import annotations

import struct
from pathlib import Path

import zstandard

from reale.errors import ConfigError, DecodeError

_DICT_MAGIC = 0xEC30A437
MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # a decompressed event larger than this is refused


def load_dictionary(path: str | Path) -> bytes:
    """Read a zstd dictionary file and check its magic number."""
    try:
        blob = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the zstd dictionary {path}: {exc.strerror}") from exc
    if len(blob) < 8 or struct.unpack("<I", blob[:4])[0] != _DICT_MAGIC:
        raise ConfigError(f"{path} is not a zstd dictionary (wrong magic number)")
    return blob


class Decompressor:
    """Decompresses Jetstream's dictionary-compressed messages (one context, reused)."""

    def __init__(self, dictionary: bytes, max_output: int = MAX_MESSAGE_BYTES) -> None:
        self._d = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(dictionary))
        self.max_output = max_output

    def __call__(self, data: bytes) -> bytes:
        try:
            return self._d.decompress(data, max_output_size=self.max_output)
        except zstandard.ZstdError as exc:
            raise DecodeError(f"jetstream: cannot decompress a message: {exc}") from exc
