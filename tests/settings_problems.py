"""Test settings whose URLconf routes entities with mistakes (for the checks tests)."""

from __future__ import annotations

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.todos.problem_urls"
