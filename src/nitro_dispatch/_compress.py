"""Compressed streams: gzip, flushed after each event, holding no compressor while they wait.

A stream of re-rendered fragments repeats itself: each event compresses against the ones
before it, to a few bytes when little changed. Each chunk is flushed at once, so the client
gets every event when it is sent (``GZipMiddleware``, which waits for the end, leaves streams
alone for this).

A zlib compressor kept per open stream would hold 40 to 250 KB for hours. Instead each chunk
is deflated by a compressor made for it, primed with what the stream sent last (its last
16 KB: a dictionary is what the client's decoder holds already, so back-references into it
decode). A stream keeps only references to its last chunks, and streams that sent the same
chunks (the viewers of a live fragment, sent the very same texts) share the compressed bytes:
they are made once per process (see :func:`_deflate`). The gzip header and trailer are
written here around the deflate blocks.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

__all__ = ["Compressor", "compressed", "negotiate"]

_LEVEL: Final = 6
# How much of what a stream sent the next chunk is compressed against, in characters: a
# re-rendered fragment up to this size compresses to its changes.
_DICTIONARY: Final = 16 * 1024
# gzip's header (deflate, no name, no time, unknown OS), and the deflate block that ends it.
_HEADER: Final = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK: Final = b"\x03\x00"


def negotiate(request: HttpRequest) -> str | None:
    """The encoding to send *request* a stream in: "gzip", or None (as it is)."""
    accepted: dict[str, float] = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, params = parse_header_parameters(part.strip())
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            continue
        accepted[name.lower()] = quality
    return "gzip" if accepted.get("gzip", accepted.get("*", 0.0)) > 0 else None


@functools.lru_cache(maxsize=64)
def _deflate(recent: tuple[str, ...], text: str) -> tuple[bytes, bytes]:
    # Keyed by the texts themselves: streams given the same objects find them at once (a
    # string compares equal to itself without reading it, and keeps its hash).
    data = text.encode()
    dictionary = "".join(recent).encode()[-_DICTIONARY:]
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=dictionary)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH), data


class Compressor:
    """Gzips one stream's chunks, each flushed on its own."""

    def __init__(self) -> None:
        self._recent: tuple[str, ...] = ()
        self._length = 0  # of the texts in _recent
        self._crc = 0
        self._size = 0

    def chunk(self, text: str) -> bytes:
        """*text* compressed, flushed so the client can decode all of it now."""
        body, data = _deflate(self._recent, text)
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        first = not self._recent
        recent, length = (*self._recent, text), self._length + len(text)
        while length - len(recent[0]) >= _DICTIONARY:  # the older ones are out of reach
            length -= len(recent[0])
            recent = recent[1:]
        self._recent, self._length = recent, length
        return _HEADER + body if first else body

    def end(self) -> bytes:
        """The stream's last bytes."""
        start = b"" if self._recent else _HEADER
        return start + _LAST_BLOCK + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)


def compressed(
    content: Iterator[str] | AsyncIterator[str],
) -> Iterator[bytes] | AsyncIterator[bytes]:
    """*content*'s chunks gzipped, iterated as *content* is."""
    if isinstance(content, AsyncIterator):
        return _compressed_async(content)
    return _compressed_sync(content)


def _compressed_sync(content: Iterator[str]) -> Iterator[bytes]:
    compressor = Compressor()
    try:
        for text in content:
            yield compressor.chunk(text)
        yield compressor.end()
    finally:
        close = getattr(content, "close", None)
        if close is not None:
            close()


async def _compressed_async(content: AsyncIterator[str]) -> AsyncIterator[bytes]:
    compressor = Compressor()
    try:
        async for text in content:
            yield compressor.chunk(text)
        yield compressor.end()
    finally:
        aclose = getattr(content, "aclose", None)
        if aclose is not None:
            await aclose()
