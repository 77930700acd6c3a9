"""Settings of the example: SQLite by default, PostgreSQL with EXAMPLE_DATABASE=postgres.

Live updates travel through EXAMPLE_BROKER: "memory" (one process: runserver), "redis"
(REDIS_URL, redis://127.0.0.1:6379/0 by default) or "postgres" (LISTEN/NOTIFY; the database is
then PostgreSQL too). Several processes (uvicorn --workers 2) need redis or postgres.
"""

from __future__ import annotations

import os
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("EXAMPLE_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("EXAMPLE_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rustytags_backend",
    "nitro_dispatch",
    "todos",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP

    # A strict Content-Security-Policy: scripts and styles only from this site or carrying the
    # request's nonce, which Page() puts on its scripts. Datastar compiles the expressions in
    # data-* attributes with Function(), which needs 'unsafe-eval'; no inline script is needed.
    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
    SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
        "style-src": [CSP.SELF, CSP.NONCE],
        "img-src": [CSP.SELF, "data:"],
    }
    CONTEXT_PROCESSORS = ["django.template.context_processors.csp"]  # the nonce, for templates
else:
    CONTEXT_PROCESSORS = []
ROOT_URLCONF = "todo_project.urls"
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
                *CONTEXT_PROCESSORS,
            ],
        },
    },
]
BROKER = os.environ.get("EXAMPLE_BROKER", "memory")
if BROKER not in ("memory", "redis", "postgres"):
    raise ValueError(f"EXAMPLE_BROKER is memory, redis or postgres, not {BROKER!r}.")
NITRO_DISPATCH = {
    "BROKER": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if BROKER == "redis"
    else BROKER
}
DATABASES: dict[str, dict[str, object]]
if (
    os.environ.get("EXAMPLE_DATABASE", "postgres" if BROKER == "postgres" else "sqlite")
    == "postgres"
):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
            "PORT": os.environ.get("POSTGRES_PORT", "5432"),
            "USER": os.environ.get("POSTGRES_USER", "postgres"),
            "NAME": os.environ.get("POSTGRES_DB", "todo_example"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("EXAMPLE_SQLITE", str(BASE_DIR / "db.sqlite3")),
            # Writers wait for each other instead of failing with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
# Where the tests put the Datastar client they serve (the page loads it from jsDelivr otherwise).
STATICFILES_DIRS = [os.environ["EXAMPLE_STATIC_DIR"]] if "EXAMPLE_STATIC_DIR" in os.environ else []
USE_TZ = True
LOGIN_URL = "/admin/login/"
# The Datastar 1.0 client; self-host it in production (RUSTYTAGS["DATASTAR_URL"]).
RUSTYTAGS: dict[str, object] = (
    {"DATASTAR_URL": os.environ["EXAMPLE_DATASTAR_URL"]}
    if "EXAMPLE_DATASTAR_URL" in os.environ
    else {}
)
