"""The SSE framing: every string reaches the Datastar client exactly as it was sent."""

from __future__ import annotations

import json
import re

import pytest
from datastar_py import ServerSentEventGenerator
from datastar_py.consts import ElementPatchMode
from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from nitro_dispatch._sse import event
from nitro_dispatch.responses import Patch, Signals

# Breaks that str.splitlines() knows and the SSE grammar does not.
NOT_SSE_BREAKS = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"


def datastar_client_reads(stream: str) -> list[tuple[str, dict[str, str]]]:
    """What Datastar 1.0.1's client makes of *stream*: (event, {key: value}) per event.

    Its SSE reader splits at CR, LF and CRLF, joins an event's data lines with LF, then splits
    each line at its first space and joins the values of one key with LF.
    """
    read = []
    kind, data = "", list[str]()
    for line in re.split(r"\r\n|\r|\n", stream):
        if not line:
            if kind or data:
                values: dict[str, list[str]] = {}
                for entry in "\n".join(data).split("\n"):
                    key, _, value = entry.partition(" ")
                    values.setdefault(key, []).append(value)
                read.append((kind, {key: "\n".join(lines) for key, lines in values.items()}))
            kind, data = "", []
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            kind = value
        elif field == "data":
            data.append(value)
    return read


def as_html_parses(text: str) -> str:
    """HTML parsing turns CRLF and CR into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class EventTests(SimpleTestCase):
    def test_lines_split_at_sse_breaks_only(self):
        assert event("datastar-patch-elements", [("elements", "a\r\nb\rc\nd\u2028e")]) == (
            "event: datastar-patch-elements\n"
            "data: elements a\n"
            "data: elements b\n"
            "data: elements c\n"
            "data: elements d\u2028e\n"
            "\n"
        )

    def test_a_value_cannot_add_a_key(self):
        stream = event("datastar-patch-elements", [("selector", "#a\nelements <b>x</b>")])
        assert datastar_client_reads(stream) == [
            ("datastar-patch-elements", {"selector": "#a\nelements <b>x</b>"})
        ]

    def test_a_value_cannot_end_the_event(self):
        stream = event("datastar-patch-elements", [("elements", "<i>a</i>\n\nevent: other\n")])
        assert datastar_client_reads(stream) == [
            ("datastar-patch-elements", {"elements": "<i>a</i>\n\nevent: other\n"})
        ]

    @given(st.text())
    def test_elements_arrive_as_html_reads_them(self, text: str) -> None:
        assert datastar_client_reads(Patch(text, selector="#x").event()) == (
            [("datastar-patch-elements", {"selector": "#x", "elements": as_html_parses(text)})]
            if text
            else [("datastar-patch-elements", {"selector": "#x"})]
        )

    @pytest.mark.slow
    @given(
        st.dictionaries(
            st.text(),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(),
                lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
            ),
        )
    )
    def test_signals_arrive_exactly(self, values: dict[str, object]) -> None:
        (kind, data), *rest = datastar_client_reads(Signals(values).event())
        assert (kind, json.loads(data["signals"]), rest) == ("datastar-patch-signals", values, [])

    def test_breaks_that_sse_does_not_know_stay_in_the_text(self):
        title = f"one{NOT_SSE_BREAKS}two"
        assert datastar_client_reads(Signals({"title": title}).event()) == [
            ("datastar-patch-signals", {"signals": json.dumps({"title": title}, ensure_ascii=False,
                                                              separators=(",", ":"))})
        ]  # fmt: skip

    @given(st.text(alphabet=st.characters(exclude_characters="\r\n" + NOT_SSE_BREAKS)))
    def test_same_bytes_as_datastar_py_for_plain_text(self, text: str) -> None:
        assert Patch(text, selector="#x", mode="inner").event() == str(
            ServerSentEventGenerator.patch_elements(
                text, selector="#x", mode=ElementPatchMode.INNER
            )
        )
