"""Every entity in the Django admin, through its mirror model (see mirrors.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .mirrors import Mirror, mirrors

__all__ = ["EntityAdmin", "admin_class"]


class EntityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The ModelAdmin entities get: options derived from their fields."""

    show_full_result_count = False  # no COUNT(*) of the whole table on every page


def admin_class(mirror: Mirror, searchable: set[str]) -> type[admin.ModelAdmin]:  # type: ignore[type-arg]
    """Build the ModelAdmin of *mirror*: derived options, under the entity's own ``admin``."""
    fields = [field.name for field in mirror.model._meta.fields]
    derived: dict[str, Any] = {
        "list_display": fields[:6],
        "search_fields": mirror.search_fields,
        "list_filter": mirror.list_filter,
        "ordering": [field.name for field in mirror.model._meta.fields if field.primary_key],
        "autocomplete_fields": [name for name in mirror.foreign_keys if name in searchable],
        "raw_id_fields": [name for name in mirror.foreign_keys if name not in searchable],
    }
    given = mirror.entity.admin
    name = f"{mirror.entity.__name__}Admin"
    if isinstance(given, dict):
        return type(name, (EntityAdmin,), {**derived, **given})
    if isinstance(given, type) and issubclass(given, admin.ModelAdmin):
        # The entity's own class wins; derived options fill what it leaves at Django's default.
        defaults = {
            key: value
            for key, value in derived.items()
            if getattr(given, key) == getattr(admin.ModelAdmin, key)
        }
        return type(name, (given,), defaults)
    return type(name, (EntityAdmin,), derived)


def _register() -> None:
    built = mirrors()
    # Autocomplete needs search fields on the target's admin: a foreign key to a mirror without
    # them, or to a Django model, gets a raw id input.
    searchable = {
        name
        for mirror in built
        for name in mirror.foreign_keys
        if any(
            other.model is mirror.model._meta.get_field(name).related_model and other.search_fields
            for other in built
        )
    }
    for mirror in built:
        admin.site.register(mirror.model, admin_class(mirror, searchable))


_register()
