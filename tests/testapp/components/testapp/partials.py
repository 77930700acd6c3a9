from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import Td, Tr


@component
def row(cells: list[str]) -> str:
    return Tr(Td(cell) for cell in cells)
