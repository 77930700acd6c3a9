"""The test project as a server started by a test runs it: on the database the test made.

NITRO_TEST_DATABASE is the JSON of DATABASES["default"]; SQLite is left in its default,
deferred transaction mode, as a new project has it.
"""

from __future__ import annotations

import json
import os

from tests.settings import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["NITRO_TEST_DATABASE"])}
NITRO_DISPATCH = {
    "HEARTBEAT": float(os.environ.get("NITRO_TEST_HEARTBEAT", "15")),
    "BROKER": os.environ.get("NITRO_TEST_BROKER", "memory"),
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
