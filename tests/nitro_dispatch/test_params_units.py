"""parameters_of() on plain functions."""

from __future__ import annotations

from typing import Any

from nitro_dispatch.params import parameters_of


def flexible(a: int, *args: Any, b: str = "x", **kwargs: Any) -> None:
    pass


def test_var_parameters_are_not_fields() -> None:
    parameters = parameters_of(flexible, False)
    assert (list(parameters.model.model_fields), parameters.wants_request) == (["a", "b"], False)
