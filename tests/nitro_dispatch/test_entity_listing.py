"""filter(), search() and the field values of where(), first(), count(), delete_where():
converted to the field's type, safe with values no column can hold, checked arguments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import TestCase
from pydantic import ValidationError

from tests.ported.entities import Gauge, Level, Member, Product, Reading


def errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[tuple[Any, ...]]:
    return [(error["loc"], error["type"]) for error in excinfo.value.errors()]


def ids(found: list[Any]) -> list[Any]:
    return [one.id for one in found]


class ConversionTests(TestCase):
    def setUp(self):
        Member.create(id="1", name="Alice", age=21, level=Level.HIGH, joined=date(2020, 1, 2))
        Member.create(id="2", name="Bob", age=22, seen=datetime(2024, 5, 1, tzinfo=UTC))

    def test_enum_value(self):
        assert ids(Member.filter(level="high")) == ["1"]

    def test_date_text(self):
        assert ids(Member.filter(joined="2020-01-02")) == ["1"]

    def test_datetime_texts_as_a_range(self):
        found = Member.filter(seen=["2024-04-30T00:00:00Z", "2024-05-02T00:00:00Z"])
        assert ids(found) == ["2"]

    def test_number_text(self):
        assert ids(Member.filter(age="22")) == ["2"]

    def test_number_text_is_not_contained_text(self):
        # Nitro matches age LIKE '%2%' on SQLite (and fails on PostgreSQL).
        assert ids(Member.filter(age="2", exact_match=False)) == []

    def test_none_is_null_in_contained_text_too(self):
        assert ids(Member.filter(email=None, exact_match=False)) == ["1", "2"]

    def test_wrong_type_is_a_validation_error_naming_the_field(self):
        with pytest.raises(ValidationError) as excinfo:
            Member.filter(age="old")
        assert (excinfo.value.title, errors(excinfo)) == ("Member", [(("age",), "int_parsing")])

    def test_wrong_type_in_a_list(self):
        with pytest.raises(ValidationError) as excinfo:
            Member.filter(level=["high", "medium"])
        assert errors(excinfo) == [(("level",), "enum")]

    def test_pair_on_other_fields_is_any_of_both(self):
        Product.create(id="a", name="aa", price=1.0)
        Product.create(id="b", name="bb", price=1.5)
        Product.create(id="c", name="cc", price=2.0)
        assert ids(Product.filter(price=(1.0, 2.0))) == ["a", "c"]

    def test_set_is_any_of_its_values(self):
        assert ids(Member.filter(name={"Bob", "Zed"})) == ["2"]

    def test_value_of_a_type_without_schema_is_compared_as_given(self):
        gauge = Gauge.create(reading=Reading(3))
        assert (ids(Gauge.filter(reading=Reading(3))), ids(Gauge.filter(reading=Reading(4)))) == (
            [gauge.id],
            [],
        )

    def test_first_count_and_delete_where_convert_too(self):
        assert (
            Member.first(level="high").id,  # type: ignore[union-attr]
            Member.count(age="21"),
            Member.delete_where(joined="2020-01-02"),
            ids(Member.all()),
        ) == ("1", 1, 1, ["2"])


class UnstorableValueTests(TestCase):
    """Values no column holds match nothing; the database would refuse some of them."""

    def setUp(self):
        Member.create(id="1", name="Bob")
        Gauge.create(small=5)

    def test_integer_beyond_the_column(self):
        # PostgreSQL's smallint ends at 32767: the comparison would fail there.
        assert (Gauge.filter(small=2**15), Gauge.filter(level=2**64)) == ([], [])

    def test_text_with_a_null_character(self):
        assert (
            Member.filter(name="B\x00"),
            Member.filter(name="B\x00", exact_match=False),
            Member.search("\x00"),
        ) == ([], [], [])

    def test_unstorable_values_of_a_list_are_left_out(self):
        assert ids(Member.filter(name=["Bob", "B\x00"])) == ["1"]


class SearchTests(TestCase):
    def test_entity_without_text_fields_finds_nothing(self):
        # Intended difference: Nitro then finds every entity.
        Gauge.create()
        assert Gauge.search("1") == []


class OrderTests(TestCase):
    def setUp(self):
        for key, age in (("b", 30), ("a", 30), ("c", 20)):
            Member.create(id=key, name=key.upper(), age=age)

    def test_ties_are_ordered_by_key(self):
        assert ids(Member.filter(sorting_field="age", sort_direction="desc")) == ["a", "b", "c"]

    def test_by_key(self):
        assert ids(Member.filter(sorting_field="id", sort_direction="desc")) == ["c", "b", "a"]

    def test_where_orders_by_an_expression(self):
        assert ids(Member.where(order_by=Member.name.desc())) == ["c", "b", "a"]  # type: ignore[attr-defined]

    def test_where_refuses_an_unknown_field(self):
        with pytest.raises(ValueError) as excinfo:
            Member.where(order_by="nick")
        assert str(excinfo.value) == (
            "Member has no field 'nick' to order by; its fields are: id, name, age, email, "
            "status, joined, seen, code, level, balance."
        )


class ArgumentTests(TestCase):
    def test_negative_limit(self):
        with pytest.raises(ValueError) as excinfo:
            Member.filter(limit=-1)
        assert str(excinfo.value) == "limit must be a whole number, 0 or more, not -1."

    def test_offset_as_text(self):
        with pytest.raises(ValueError) as excinfo:
            Member.where(offset="2")  # type: ignore[arg-type]
        assert str(excinfo.value) == "offset must be a whole number, 0 or more, not '2'."

    def test_limit_as_a_bool(self):
        with pytest.raises(ValueError, match=r"^limit must be a whole number, 0 or more, not True"):
            Member.search("x", limit=True)

    def test_fields_as_one_string(self):
        with pytest.raises(ValueError) as excinfo:
            Member.filter(fields="name")
        assert str(excinfo.value) == "fields must be a non-empty list of field names, not 'name'."

    def test_no_fields(self):
        with pytest.raises(ValueError, match=r"^fields must be a non-empty list .*, not \[\]\.$"):
            Member.search(fields=[])

    def test_unknown_field_among_fields(self):
        with pytest.raises(ValueError, match=r"^Member has no field 'nick'; its fields are: id,"):
            Member.filter(fields=["name", "nick"])
