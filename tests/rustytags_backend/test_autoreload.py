"""runserver restarts when component modules change."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import autoreload

from tests.rustytags_backend.test_loader import TESTS


class WatchComponentsTests(SimpleTestCase):
    def test_autoreload_watches_every_components_root(self):
        reloader = autoreload.StatReloader()
        autoreload.autoreload_started.send(sender=reloader)
        watched = {path: set(globs) for path, globs in reloader.directory_globs.items()}
        assert (
            watched[TESTS / "testapp" / "components"],
            watched[TESTS / "otherapp" / "components"],
        ) == ({"**/*.py"}, {"**/*.py"})
