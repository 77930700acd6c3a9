"""The test project as an ASGI application, for the servers the tests start (tests/servers.py)."""

from __future__ import annotations

from django.core.asgi import get_asgi_application

application = get_asgi_application()
