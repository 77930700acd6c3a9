"""rustytags_backend.html.datastar: Datastar 1.0 actions (get(), post(), ...) and DS."""

from __future__ import annotations

import pytest
from django.test import SimpleTestCase

from rustytags_backend.html import Button
from rustytags_backend.html.datastar import (
    DS,
    Signal,
    Signals,
    delete,
    f,
    get,
    js,
    patch,
    post,
    put,
    regex,
)

NAME = Signal("name", "")
OPTION_NAMES = (
    "contentType, filterSignals, selector, headers, openWhenHidden, payload, retry, "
    "retryInterval, retryScaler, retryMaxWait, retryMaxCount, requestCancellation, "
    "content_type, filter_signals, open_when_hidden, retry_interval, retry_scaler, "
    "retry_max_wait, retry_max_count, request_cancellation"
)


class ActionTests(SimpleTestCase):
    def test_each_method(self):
        assert [str(action("/api")) for action in (get, post, put, patch, delete)] == [
            "@get('/api')",
            "@post('/api')",
            "@put('/api')",
            "@patch('/api')",
            "@delete('/api')",
        ]

    def test_url_is_a_literal(self):
        assert str(post("/x?q=it's @a(")) == "@post('/x?q=it\\'s \\u0040a(')"

    def test_url_can_be_an_expression(self):
        assert str(delete(f("/todos/{id}", id=Signal("id")))) == "@delete(`/todos/${$id}`)"

    def test_url_of_another_type_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            post(5)  # type: ignore[arg-type]
        assert str(excinfo.value) == "The URL of @post() must be a str or an expression, got 5."

    def test_option_keywords_are_options(self):
        assert str(post("/x", headers={"X-CSRFToken": "t"}, contentType="form")) == (
            "@post('/x', {headers: {'X-CSRFToken': 't'}, contentType: 'form'})"
        )

    def test_snake_case_options_get_datastar_names(self):
        assert str(get("/x", open_when_hidden=True, retry_max_count=3)) == (
            "@get('/x', {openWhenHidden: true, retryMaxCount: 3})"
        )

    def test_option_given_twice_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            post("/x", content_type="form", contentType="json")
        assert str(excinfo.value) == "@post() got the option 'contentType' twice; pass it once."

    def test_option_values_may_be_expressions(self):
        assert str(post("/x", filterSignals={"include": regex("^form\\.")})) == (
            "@post('/x', {filterSignals: {include: new RegExp('^form\\u005c.')}})"
        )

    def test_other_keywords_are_the_payload(self):
        assert str(post("/users", name=NAME, role="it's")) == (
            "@post('/users', {payload: {name: $name, role: 'it\\'s'}})"
        )

    def test_data_is_the_payload(self):
        assert str(put("/users/1", {"name": NAME, "tags": ["a"]}, retry="never")) == (
            "@put('/users/1', {retry: 'never', payload: {name: $name, tags: ['a']}})"
        )

    def test_data_and_fields_are_merged(self):
        assert str(patch("/x", {"a": 1}, b=2)) == "@patch('/x', {payload: {a: 1, b: 2}})"

    def test_data_can_be_an_expression(self):
        assert str(post("/x", Signal("form"))) == "@post('/x', {payload: $form})"

    def test_data_can_be_signals(self):
        assert str(post("/x", Signals(items=[1]))) == "@post('/x', {payload: {items: [1]}})"

    def test_payload_keys_are_quoted_when_they_are_no_names(self):
        assert str(post("/x", {"first-name": NAME, "$x": 1})) == (
            "@post('/x', {payload: {'first-name': $name, '\\u0024x': 1}})"
        )

    def test_payload_option_and_data_are_refused(self):
        with pytest.raises(TypeError) as excinfo:
            post("/x", {"a": 1}, payload={"b": 2})
        assert str(excinfo.value) == "@post() got payload= and data to send as well; pass one."

    def test_payload_option_alone(self):
        assert str(post("/x", payload=js("{...$form}"))) == "@post('/x', {payload: {...$form}})"

    def test_expression_data_and_fields_are_refused(self):
        with pytest.raises(TypeError) as excinfo:
            post("/x", NAME, b=2)
        assert str(excinfo.value) == "@post() got data=$name and data fields ['b']."

    def test_data_of_another_type_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            post("/x", "name=1")  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "data= takes a dict of values to send, or an expression such as a Signal, got 'name=1'."
        )

    def test_object_keys_must_be_strings(self):
        with pytest.raises(TypeError) as excinfo:
            post("/x", {1: "a"})  # type: ignore[dict-item]
        assert str(excinfo.value) == "JavaScript object keys must be strings, got 1."

    def test_action_as_an_attribute(self):
        assert Button(on_click=post("/x", headers={"X-CSRFToken": "t"})) == (
            '<button data-on:click="@post(&#39;/x&#39;, {headers: {&#39;X-CSRFToken&#39;: '
            '&#39;t&#39;}})"></button>'
        )

    def test_action_combines_as_an_operand(self):
        assert str(NAME & post("/x")) == "($name && @post('/x'))"


class DSActionTests(SimpleTestCase):
    def test_get(self):
        assert DS.get("/api") == "@get('/api')"

    def test_get_puts_params_in_the_query(self):
        assert DS.get("/api", page=1, q="it's & more") == "@get('/api?page=1&q=it%27s+%26+more')"

    def test_get_adds_to_a_query(self):
        assert DS.get("/api?a=1", b=2) == "@get('/api?a=1&b=2')"

    def test_get_takes_options(self):
        assert DS.get("/api", _ds_options={"openWhenHidden": True}) == (
            "@get('/api', {openWhenHidden: true})"
        )

    def test_unknown_option_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            DS.get("/api", _ds_options={"target": "#x"})
        assert str(excinfo.value) == (
            f"Unknown Datastar option 'target' for @get(); the options are: {OPTION_NAMES}."
        )

    def test_post_put_patch(self):
        assert [DS.post("/a"), DS.put("/a"), DS.patch("/a")] == [
            "@post('/a')",
            "@put('/a')",
            "@patch('/a')",
        ]

    def test_post_sends_data_and_fields_as_the_payload(self):
        assert DS.post("/a", data={"name": "x"}, age=3) == (
            "@post('/a', {payload: {name: 'x', age: 3}})"
        )

    def test_post_takes_an_expression_as_data(self):
        assert DS.put("/a", data=Signal("form")) == "@put('/a', {payload: $form})"

    def test_post_takes_options(self):
        assert DS.patch("/a", _ds_options={"headers": {"X-CSRFToken": "t"}}) == (
            "@patch('/a', {headers: {'X-CSRFToken': 't'}})"
        )

    def test_str_data_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            DS.post("/a", data="$form")
        assert str(excinfo.value) == (
            "DS.post(data='$form'): pass a dict of values, or an expression such as a Signal "
            "or js('$form'); a str is sent as text, not read as code."
        )

    def test_target_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            DS.post("/a", target="#out")
        assert str(excinfo.value) == (
            "DS.post(target='#out'): Datastar 1.0 has no @target(); the response says where "
            "its elements go (an id on each, or a selector in patch_elements)."
        )

    def test_delete(self):
        assert (DS.delete("/a/1"), DS.delete("/a/1", _ds_options={"retry": "never"})) == (
            "@delete('/a/1')",
            "@delete('/a/1', {retry: 'never'})",
        )

    def test_delete_refuses_a_target(self):
        with pytest.raises(TypeError):
            DS.delete("/a/1", "#out")


class DSSignalTests(SimpleTestCase):
    def test_set(self):
        assert [DS.set("a", v) for v in (10, "John", True, None, [1, 2], NAME)] == [
            "$a = 10",
            "$a = 'John'",
            "$a = true",
            "$a = null",
            "$a = [1,2]",
            "$a = $name",
        ]

    def test_set_writes_a_str_as_text(self):
        assert DS.set("a", "$b || @post('/x')") == "$a = '\\u0024b || \\u0040post(\\'/x\\')'"

    def test_signal_can_be_a_signal(self):
        assert DS.set(Signal("n", namespace="form"), 1) == "$form.n = 1"

    def test_signal_name_is_checked(self):
        with pytest.raises(ValueError):
            DS.set("a; alert(1)", 1)

    def test_toggle(self):
        assert DS.toggle("open") == "$open = !$open"

    def test_increment_and_decrement(self):
        assert [DS.increment("c"), DS.increment("c", 2.5), DS.decrement("c", NAME.length)] == [
            "$c += 1",
            "$c += 2.5",
            "$c -= $name.length",
        ]

    def test_amount_must_be_a_number(self):
        with pytest.raises(TypeError) as excinfo:
            DS.increment("c", "1")  # type: ignore[arg-type]
        assert str(excinfo.value) == "The amount must be a number or an expression, got '1'."

    def test_amount_true_is_refused(self):
        with pytest.raises(TypeError):
            DS.decrement("c", True)

    def test_append(self):
        assert (DS.append("items", "it's"), DS.append("items", {"a": 1})) == (
            "$items.push('it\\'s')",
            "$items.push({'a':1})",
        )

    def test_remove(self):
        assert [
            DS.remove("i", 2),
            DS.remove("i", NAME),
            DS.remove("i", value="x"),
            DS.remove("i"),
        ] == [
            "$i.splice(2, 1)",
            "$i.splice($name, 1)",
            "$i.splice($i.indexOf('x'), 1)",
            "$i.pop()",
        ]

    def test_remove_index_must_be_an_int(self):
        with pytest.raises(TypeError) as excinfo:
            DS.remove("i", "$x")  # type: ignore[arg-type]
        assert str(excinfo.value) == "index= takes an int or an expression, got '$x'."

    def test_chain(self):
        assert DS.chain(DS.set("a", 1), "", None, NAME.add(1)) == "$a = 1; $name++"

    def test_conditional(self):
        assert (DS.conditional("$ok", "a()", "b()"), DS.conditional("$ok", "a()")) == (
            "$ok ? (a()) : (b())",
            "$ok && (a())",
        )
