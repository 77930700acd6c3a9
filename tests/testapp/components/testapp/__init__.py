"""Components named after the app, as Django's generic views name templates."""

from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import H1, Article
from tests.testapp.models import Item


@component
def item_detail(object: Item) -> str:
    return Article(H1(object.title), id=f"item-{object.pk}")
