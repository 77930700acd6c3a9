"""Minimal settings for the test suite: no database until the ORM is under test."""

from __future__ import annotations

SECRET_KEY = "django-rustytags-tests"
DEBUG = False
DATABASES: dict[str, dict[str, str]] = {}
INSTALLED_APPS = ["rustytags_backend"]
MIDDLEWARE: list[str] = []
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {"context_processors": []},
    },
]
USE_TZ = True
