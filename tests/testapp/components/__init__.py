"""Components at the root of the test app's components package."""

from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import H1


@component
def home(title: str = "Home") -> str:
    return H1(title)
