"""Settings for the test suite (SQLite; tests/settings_postgres.py for PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent

SECRET_KEY = "django-rustytags-tests"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES: dict[str, dict[str, object]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        # A file, so the live server's threads get connections of their own; runs side by side
        # each name theirs.
        "TEST": {"NAME": os.environ.get("RUSTYTAGS_TEST_DB", str(TESTS / ".test-db.sqlite3"))},
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
    }
}
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rustytags_backend",
    "tests.testapp",
    "tests.otherapp",
    "nitro_dispatch",
    "tests.todos",
    "tests.async_app",
    "tests.ported_actions",
    "tests.ported",
    "tests.live_app",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
ROOT_URLCONF = "tests.urls"
LOGIN_URL = "/login/"
STATIC_URL = "/static/"
TEMPLATES = [
    {
        "BACKEND": "rustytags_backend.RustyTags",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
