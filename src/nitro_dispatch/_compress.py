"""Compressed streams: brotli (with the ``brotli`` package) or gzip, flushed after each event.

A stream of re-rendered fragments repeats itself: each event compresses against the ones
before it, to a few bytes when little changed. Each chunk is flushed at once, so the client
gets every event when it is sent (``GZipMiddleware``, which waits for the end, leaves streams
alone for this). The compressors are sized for many open streams: gzip's hash table is small
(``memLevel`` 5: 8 KB), and its window only takes memory as it fills.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, Final

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

try:
    import brotli
except ImportError:  # an optional dependency: gzip then
    brotli = None

__all__ = ["Compressor", "compressed", "negotiate"]

# Brotli's quality 5 costs about gzip's level 6 and compresses markup better; its window
# (2**18 bytes) holds the last few renders of a large fragment.
_BROTLI: Final = {"quality": 5, "lgwin": 18}


def negotiate(request: HttpRequest) -> str | None:
    """The encoding to send *request* a stream in: "br", "gzip" or None (as it is)."""
    accepted: dict[str, float] = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, params = parse_header_parameters(part.strip())
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            continue
        accepted[name.lower()] = quality
    wildcard = accepted.get("*", 0.0)
    if brotli is not None and accepted.get("br", wildcard) > 0:
        return "br"
    if accepted.get("gzip", wildcard) > 0:
        return "gzip"
    return None


class Compressor:
    """Compresses one stream's chunks in *encoding*, each flushed on its own."""

    def __init__(self, encoding: str) -> None:
        self._brotli: Any = None
        self._zlib: Any = None
        if encoding == "br":
            self._brotli = brotli.Compressor(mode=brotli.MODE_TEXT, **_BROTLI)
        else:
            self._zlib = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS, 5)

    def chunk(self, text: str) -> bytes:
        """*text* compressed, flushed so the client can decode all of it now."""
        data = text.encode()
        if self._brotli is not None:
            return self._brotli.process(data) + self._brotli.flush()  # type: ignore[no-any-return]
        return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)  # type: ignore[no-any-return]

    def end(self) -> bytes:
        """The stream's last bytes."""
        if self._brotli is not None:
            return self._brotli.finish()  # type: ignore[no-any-return]
        return self._zlib.flush()  # type: ignore[no-any-return]


def compressed(
    content: Iterator[str] | AsyncIterator[str], encoding: str
) -> Iterator[bytes] | AsyncIterator[bytes]:
    """*content*'s chunks compressed in *encoding*, iterated as *content* is."""
    if isinstance(content, AsyncIterator):
        return _compressed_async(content, encoding)
    return _compressed_sync(content, encoding)


def _compressed_sync(content: Iterator[str], encoding: str) -> Iterator[bytes]:
    compressor = Compressor(encoding)
    try:
        for text in content:
            yield compressor.chunk(text)
        yield compressor.end()
    finally:
        close = getattr(content, "close", None)
        if close is not None:
            close()


async def _compressed_async(content: AsyncIterator[str], encoding: str) -> AsyncIterator[bytes]:
    compressor = Compressor(encoding)
    try:
        async for text in content:
            yield compressor.chunk(text)
        yield compressor.end()
    finally:
        aclose = getattr(content, "aclose", None)
        if aclose is not None:
            await aclose()
