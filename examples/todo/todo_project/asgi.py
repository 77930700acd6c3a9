"""The example as an ASGI application, for uvicorn (several processes share EXAMPLE_BROKER):

    cd examples/todo
    EXAMPLE_BROKER=redis uvicorn todo_project.asgi:application --workers 2 \\
        --timeout-graceful-shutdown 3

Under DEBUG it serves the static files too, as runserver does (in production, collectstatic
and a web server or whitenoise do).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "todo_project.settings")

application = get_asgi_application()
if settings.DEBUG:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)
