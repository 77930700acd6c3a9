"""Compressed streams: the encoding a client accepts, and chunks it can decode as they come."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from django.test import RequestFactory, SimpleTestCase, override_settings

from nitro_dispatch._compress import Compressor, compressed, negotiate
from nitro_dispatch.streams import event_stream

EVENTS = [f"event: datastar-patch-signals\ndata: signals {{tick: {n}}}\n\n" for n in range(3)]


def accepting(value: str | None) -> Any:
    return RequestFactory().get("/", headers={} if value is None else {"Accept-Encoding": value})


def gunzip() -> Any:
    return zlib.decompressobj(16 + zlib.MAX_WBITS)


def fragment(revision: int) -> str:
    """A ~3 KB list, re-rendered with one card changed."""
    cards = "".join(
        f'<li id="card-{i}" class="card"><span class="title">Card number {i}</span>'
        f'<span class="owner">owner {i % 7}</span></li>'
        for i in range(28)
    )
    changed = f'<li id="card-new" class="card">revision {revision}</li>'
    return (
        f'event: datastar-patch-elements\ndata: elements <ul id="cards">{cards}{changed}</ul>\n\n'
    )


class NegotiateTests(SimpleTestCase):
    def test_no_header_is_sent_as_it_is(self):
        assert negotiate(accepting(None)) is None

    def test_gzip(self):
        assert negotiate(accepting("gzip")) == "gzip"

    def test_gzip_among_others(self):
        assert negotiate(accepting("gzip, deflate, br, zstd")) == "gzip"

    def test_br_alone_is_sent_as_it_is(self):
        assert negotiate(accepting("br")) is None

    def test_gzip_refused(self):
        assert negotiate(accepting("gzip;q=0, br")) is None

    def test_a_wildcard_gives_gzip(self):
        assert negotiate(accepting("*")) == "gzip"

    def test_a_refused_wildcard_gives_nothing(self):
        assert negotiate(accepting("*;q=0")) is None

    def test_gzip_named_wins_over_the_wildcard(self):
        assert negotiate(accepting("gzip;q=0, *")) is None

    def test_identity_is_sent_as_it_is(self):
        assert negotiate(accepting("identity")) is None

    def test_a_garbled_quality_is_ignored(self):
        assert negotiate(accepting("gzip;q=high, identity")) is None

    def test_names_are_case_insensitive(self):
        assert negotiate(accepting("GZIP")) == "gzip"


class CompressorTests(SimpleTestCase):
    def test_each_gzip_chunk_decodes_as_soon_as_it_is_given(self):
        compressor, decoder = Compressor(), gunzip()
        decoded = [decoder.decompress(compressor.chunk(text)).decode() for text in EVENTS]
        assert decoded == EVENTS

    def test_gzip_end_finishes_a_valid_stream(self):
        compressor, decoder = Compressor(), gunzip()
        body = b"".join(compressor.chunk(text) for text in EVENTS) + compressor.end()
        assert (decoder.decompress(body).decode(), decoder.eof, decoder.unused_data) == (
            "".join(EVENTS),
            True,
            b"",
        )

    def test_gzip_compresses_re_renders_at_least_20_to_1(self):
        renders = [fragment(n) for n in range(50)]
        compressor = Compressor()
        sent = sum(len(compressor.chunk(text)) for text in renders) + len(compressor.end())
        assert sum(len(text.encode()) for text in renders) / sent >= 20

    def test_streams_that_sent_the_same_chunks_share_the_bytes_of_the_next(self):
        first, second = Compressor(), Compressor()
        first.chunk(EVENTS[0])
        second.chunk(EVENTS[0])
        assert first.chunk(EVENTS[1]) is second.chunk(EVENTS[1])

    def test_a_long_stream_decodes_to_what_was_sent_with_its_checksum(self):
        renders = [fragment(n) for n in range(30)]  # 90 KB, past the dictionary many times
        compressor, decoder = Compressor(), gunzip()
        body = b"".join(compressor.chunk(text) for text in renders) + compressor.end()
        assert (decoder.decompress(body).decode(), decoder.eof) == ("".join(renders), True)

    def test_a_chunk_larger_than_the_dictionary_decodes(self):
        large = fragment(0) * 8
        compressor, decoder = Compressor(), gunzip()
        decoded = [decoder.decompress(compressor.chunk(text)).decode() for text in (large, large)]
        assert decoded == [large, large]

    def test_a_stream_ended_before_any_chunk_is_an_empty_gzip(self):
        decoder = gunzip()
        assert (decoder.decompress(Compressor().end()), decoder.eof) == (b"", True)

    def test_a_fragment_is_about_3_kb(self):
        assert 2800 < len(fragment(1).encode()) < 3400


class CompressedTests(SimpleTestCase):
    def test_sync_chunks_are_compressed(self):
        chunks = list(compressed(iter(EVENTS)))  # type: ignore[arg-type]
        decoder = gunzip()
        assert ([decoder.decompress(chunk).decode() for chunk in chunks], decoder.eof) == (
            [*EVENTS, ""],
            True,
        )

    def test_sync_source_is_closed_when_closed_early(self):
        closed: list[bool] = []

        def source() -> Iterator[str]:
            try:
                yield from EVENTS
            finally:
                closed.append(True)

        chunks: Any = compressed(source())
        first = next(chunks)
        chunks.close()
        assert (gunzip().decompress(first).decode(), closed) == (EVENTS[0], [True])

    def test_sync_source_is_closed_once_it_ends(self):
        closed: list[bool] = []

        def source() -> Iterator[str]:
            try:
                yield from EVENTS
            finally:
                closed.append(True)

        list(compressed(source()))  # type: ignore[arg-type]
        assert closed == [True]

    def test_async_chunks_are_compressed(self):
        async def source() -> AsyncIterator[str]:
            for text in EVENTS:
                yield text

        async def collect() -> list[bytes]:
            return [chunk async for chunk in compressed(source())]  # type: ignore[union-attr]

        decoder = gunzip()
        chunks = asyncio.run(collect())
        assert ([decoder.decompress(chunk).decode() for chunk in chunks], decoder.eof) == (
            [*EVENTS, ""],
            True,
        )

    def test_async_source_is_closed_when_closed_early(self):
        closed: list[bool] = []

        async def source() -> AsyncIterator[str]:
            try:
                for text in EVENTS:
                    yield text
            finally:
                closed.append(True)

        async def first_then_close() -> bytes:
            chunks: Any = compressed(source())
            first = await anext(chunks)
            await chunks.aclose()
            return first  # type: ignore[no-any-return]

        first = asyncio.run(first_then_close())
        assert (gunzip().decompress(first).decode(), closed) == (EVENTS[0], [True])

    def test_an_async_iterator_without_aclose_is_compressed_to_the_end(self):
        class Source:
            def __init__(self) -> None:
                self.items = iter(EVENTS)

            def __aiter__(self) -> Source:
                return self

            async def __anext__(self) -> str:
                try:
                    return next(self.items)
                except StopIteration:
                    raise StopAsyncIteration from None

        async def collect() -> list[bytes]:
            return [chunk async for chunk in compressed(Source())]  # type: ignore[union-attr]

        decoder = gunzip()
        body = b"".join(asyncio.run(collect()))
        assert decoder.decompress(body).decode() == "".join(EVENTS)


class EventStreamTests(SimpleTestCase):
    def test_a_browser_gets_gzip_with_vary(self):
        response = event_stream(accepting("gzip, deflate, br, zstd"), iter(EVENTS))
        decoder = gunzip()
        body = [decoder.decompress(chunk).decode() for chunk in response.streaming_content]  # type: ignore[union-attr]
        assert (response["Content-Encoding"], response["Vary"], body) == (
            "gzip",
            "Datastar-Request, Accept-Encoding",
            [*EVENTS, ""],
        )

    def test_a_client_accepting_gzip_gets_gzip(self):
        response = event_stream(accepting("gzip"), iter(EVENTS))
        decoder = gunzip()
        body = b"".join(response.streaming_content)  # type: ignore[arg-type]
        assert (response["Content-Encoding"], decoder.decompress(body).decode()) == (
            "gzip",
            "".join(EVENTS),
        )

    def test_a_client_accepting_nothing_gets_it_as_it_is(self):
        response = event_stream(accepting(None), iter(EVENTS))
        body = [chunk.decode() for chunk in response.streaming_content]  # type: ignore[union-attr]
        assert (response["Content-Encoding"], response["Vary"], body) == (
            "identity",
            "Datastar-Request, Accept-Encoding",
            EVENTS,
        )

    @override_settings(NITRO_DISPATCH={"COMPRESS_STREAMS": False})
    def test_compress_streams_false_sends_it_as_it_is(self):
        response = event_stream(accepting("gzip"), iter(EVENTS))
        body = [chunk.decode() for chunk in response.streaming_content]  # type: ignore[union-attr]
        assert (response["Content-Encoding"], body) == ("identity", EVENTS)

    def test_an_async_stream_is_compressed(self):
        async def source() -> AsyncIterator[str]:
            for text in EVENTS:
                yield text

        async def collect(response: Any) -> bytes:
            return b"".join([chunk async for chunk in response.streaming_content])

        response = event_stream(accepting("gzip"), source())
        decoder = gunzip()
        body = asyncio.run(collect(response))
        assert (response["Content-Encoding"], decoder.decompress(body).decode()) == (
            "gzip",
            "".join(EVENTS),
        )
