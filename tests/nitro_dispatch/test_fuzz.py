"""Any request to any action: never a 5xx, and a refused request writes nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.todos.entities import Counter, Note, Todo

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Each action with its own method, which a request uses most of the time.
ACTIONS = [
    ("POST", "counters/{counter}/record"),
    ("POST", "counters/{counter}/bump"),
    ("DELETE", "counters/{counter}/discard"),
    ("POST", "todo/{todo}/rename"),
    ("POST", "todo/{todo}/toggle"),
    ("POST", "todo/{todo}/guarded"),
    ("POST", "todo/{todo}/unlockable"),
    ("GET", "todo/search"),
    ("POST", "todo/echo"),
    ("POST", "todo/tagged"),
    ("POST", "todo/place"),
    ("POST", "todo/add"),
    ("GET", "todo/{todo}/itself"),
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/octet-stream",
]

# The edges of the columns' integers (32 bits on PostgreSQL, 64 on SQLite), and beyond.
edges = st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1])
numbers = st.integers() | st.integers(-(2**70), 2**70) | edges | st.floats()
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
# What the actions' parameters are called, so that values reach them.
names = st.sampled_from(["amount", "note", "title", "q", "tags", "limit", "done", "data",
                         "ratio", "tag", "spot", "name", "id", "datastar"]) | st.text()  # fmt: skip
keyed = st.dictionaries(names, json_values, max_size=5)


def nested(depth: int) -> str:
    return '{"data": ' + "[" * depth + "]" * depth + "}"


bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    keyed.map(lambda values: json.dumps(values, allow_nan=True)),
    st.sampled_from([200, 100_000]).map(nested),
    keyed.map(lambda values: urlencode({key: str(value) for key, value in values.items()})),
)
ids = st.one_of(
    st.just("existing"),
    st.text(max_size=20),
    st.integers(-(2**70), 2**70).map(str),
)


class FuzzTests(TestCase):
    def snapshot(self) -> tuple[Any, ...]:
        counter = Counter.get(self.counter.id)
        todo = Todo.get(self.todo.id)
        return (
            counter.value if counter else None,
            todo.model_dump() if todo else None,
            Note.count(),
        )

    @pytest.mark.slow
    @settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
    @given(
        action=st.sampled_from(ACTIONS),
        other_method=st.none() | st.sampled_from(METHODS),
        id=ids,
        query=keyed,
        body=bodies,
        content_type=st.sampled_from(CONTENT_TYPES),
        datastar=st.booleans(),
    )
    def test_no_request_is_a_server_error_or_a_partial_write(
        self,
        action: tuple[str, str],
        other_method: str | None,
        id: str,
        query: dict[str, Any],
        body: str | bytes | None,
        content_type: str,
        datastar: bool,
    ) -> None:
        self.counter = Counter.create(value=10)
        self.todo = Todo.create(title="t")
        before = self.snapshot()
        key_of = {"counter": self.counter.id, "todo": self.todo.id}
        method, pattern = action
        path = "/api/" + pattern.format(
            **{name: quote(str(key if id == "existing" else id), safe="") for name, key in
               key_of.items()}
        )  # fmt: skip
        query_string = urlencode({key: json.dumps(value) for key, value in query.items()})
        response = Client().generic(
            other_method or method,
            f"{path}?{query_string}",
            body or b"",
            content_type=content_type,
            headers={"Datastar-Request": "true"} if datastar else {},
        )
        content = b"" if response.streaming else response.content
        failed = response.status_code >= 400 or b'"_nitroError":{' in content
        assert response.status_code < 500, content
        assert b'"type":"internal_error"' not in content
        if failed:
            assert self.snapshot() == before
