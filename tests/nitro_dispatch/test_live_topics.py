"""Live topics: their names, the messages published to them, and the SSE ids of what was seen."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import SimpleTestCase

from nitro_dispatch.live._topics import Message, check_topic, event_id, parse_event_id


def refusal(topic: str) -> str:
    return (
        f"A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not {topic!r}: "
        'build it from ids (f"todos.{owner.id}"), not from free text.'
    )


class CheckTopicTests(SimpleTestCase):
    def test_a_valid_topic_is_given_back(self):
        topics = ["todos", "todos.user.42", "chat:room-7", "A_b.C:d-9", "x", "t" * 200]
        assert [check_topic(topic) for topic in topics] == topics

    def test_a_topic_that_is_not_a_string_is_a_type_error(self):
        with pytest.raises(TypeError) as caught:
            check_topic(42)
        assert str(caught.value) == "A live topic is a string, not 42."

    def test_bytes_are_not_a_topic(self):
        with pytest.raises(TypeError) as caught:
            check_topic(b"todos")
        assert str(caught.value) == "A live topic is a string, not b'todos'."

    def test_an_empty_topic_is_refused(self):
        with pytest.raises(ValueError) as caught:
            check_topic("")
        assert str(caught.value) == refusal("")

    def test_a_topic_of_201_characters_is_refused(self):
        with pytest.raises(ValueError) as caught:
            check_topic("t" * 201)
        assert str(caught.value) == refusal("t" * 201)

    def test_each_separator_and_free_text_character_is_refused(self):
        topics = ["a b", "a~b", "a,b", "a=b", "a/b", "todos\n", "tâche", "a\tb", "a*b"]
        refused = []
        for topic in topics:
            with pytest.raises(ValueError) as caught:
                check_topic(topic)
            refused.append(str(caught.value))
        assert refused == [refusal(topic) for topic in topics]


class MessageTests(SimpleTestCase):
    def test_a_message_without_data_has_an_empty_dict(self):
        assert Message("todos", 1).data == {}

    def test_each_message_gets_a_dict_of_its_own(self):
        first, second = Message("todos", 1), Message("todos", 2)
        assert (first.data == second.data, first.data is second.data) == (True, False)

    def test_messages_with_the_same_fields_are_equal(self):
        assert Message("todos", 3, {"id": 1}) == Message("todos", 3, {"id": 1})

    def test_a_message_cannot_be_changed(self):
        message = Message("todos", 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            message.position = 2  # type: ignore[misc]


class EventIdTests(SimpleTestCase):
    def test_the_positions_are_sorted_by_topic(self):
        assert event_id("e1", {"b": 2, "a": 1, "a.b": 30}) == "e1~a=1,a.b=30,b=2"

    def test_no_positions_leave_the_epoch_and_its_tilde(self):
        assert event_id("5f2c", {}) == "5f2c~"


class ParseEventIdTests(SimpleTestCase):
    def test_an_event_id_reads_back_as_its_epoch_and_positions(self):
        positions = {"todos": 12, "chat:room-7": 0, "cards.owner.3": 999_999_999_999_999_999}
        assert parse_event_id(event_id("a1b2c3", positions)) == ("a1b2c3", positions)

    def test_an_id_without_positions_reads_back_as_no_positions(self):
        assert parse_event_id("a1b2c3~") == ("a1b2c3", {})

    def test_none_and_empty_are_no_id(self):
        assert (parse_event_id(None), parse_event_id("")) == (None, None)

    def test_an_id_without_a_tilde_is_no_id(self):
        assert parse_event_id("a1b2c3") is None

    def test_an_id_with_a_bad_epoch_is_no_id(self):
        ids = ["~a=1", "a-b~a=1", "a.b~", "ép~a=1", "e" * 41 + "~a=1"]
        assert [parse_event_id(value) for value in ids] == [None] * len(ids)

    def test_an_epoch_of_40_characters_is_read(self):
        assert parse_event_id("e" * 40 + "~a=1") == ("e" * 40, {"a": 1})

    def test_an_id_with_a_bad_part_is_no_id(self):
        ids = ["e~a", "e~a=", "e~=1", "e~a=1,", "e~,a=1", "e~a b=1", "e~a=1~b=2", "e~a=1=2"]
        assert [parse_event_id(value) for value in ids] == [None] * len(ids)

    def test_a_negative_or_non_digit_position_is_no_id(self):
        ids = ["e~a=-1", "e~a=x", "e~a=1.5", "e~a=+1", "e~a= 1", "e~a=\u0661"]
        assert [parse_event_id(value) for value in ids] == [None] * len(ids)

    def test_a_position_of_19_digits_is_no_id(self):
        assert (parse_event_id("e~a=" + "9" * 18), parse_event_id("e~a=" + "1" * 19)) == (
            ("e", {"a": 999_999_999_999_999_999}),
            None,
        )

    def test_a_topic_of_201_characters_is_no_id(self):
        assert parse_event_id("e~" + "t" * 201 + "=1") is None

    def test_an_id_of_4096_characters_is_read(self):
        value = long_id(4096)
        assert (len(value), parse_event_id(value) is not None) == (4096, True)

    def test_an_id_longer_than_4096_characters_is_no_id(self):
        value = long_id(4097)
        assert (len(value), parse_event_id(value)) == (4097, None)


def long_id(length: int) -> str:
    """A valid event id of *length* characters (from 4093 on)."""
    positions = {f"topic{n:04d}": 1 for n in range(341)}  # 4093 characters
    positions["topic0000" + "x" * (length - 4093)] = positions.pop("topic0000")
    return event_id("e", positions)
