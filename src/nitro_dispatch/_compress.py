"""Compressed streams: gzip, flushed after each event, sized for many open streams.

A stream of re-rendered fragments repeats itself: each event compresses against the ones
before it, to a few bytes when little changed. Each chunk is flushed at once, so the client
gets every event when it is sent (``GZipMiddleware``, which waits for the end, leaves streams
alone for this).

Every open stream keeps its compressor, so its memory counts: an 8 KB window and a small hash
table (``wbits`` 13, ``memLevel`` 3) hold about 40 KB and still compress a re-rendered 4 KB
fragment about 45:1, where zlib's defaults hold 200 KB. (Brotli compresses better, but its
encoder holds 0.4 to 1.5 MB per stream.) A fragment larger than the window compresses on its
own only, about 5:1.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

__all__ = ["Compressor", "compressed", "negotiate"]

_LEVEL: Final = 6
_WINDOW_BITS: Final = 13
_MEMORY_LEVEL: Final = 3


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


class Compressor:
    """Compresses one stream's chunks in gzip, each flushed on its own."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(_LEVEL, zlib.DEFLATED, 16 + _WINDOW_BITS, _MEMORY_LEVEL)

    def chunk(self, text: str) -> bytes:
        """*text* compressed, flushed so the client can decode all of it now."""
        return self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)

    def end(self) -> bytes:
        """The stream's last bytes."""
        return self._zlib.flush()


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
            text = ""  # not kept while the stream waits
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
            text = ""  # not kept while the stream waits
        yield compressor.end()
    finally:
        aclose = getattr(content, "aclose", None)
        if aclose is not None:
            await aclose()
