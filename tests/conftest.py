from __future__ import annotations

from hypothesis import settings

# A deadline is a timing assertion, and timings are for bench/, not for tests.
settings.register_profile("default", deadline=None, print_blob=True)
settings.load_profile("default")
