"""Side-by-side timing: every variant is measured in the same run, interleaved round by round,
so machine noise hits them alike; medians and ratios are printed, and the bars checked."""

from __future__ import annotations

import os
import random
import statistics
import sys
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))
# The PostgreSQL server the benchmarks through real servers make their databases on.
POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
    "PORT": os.environ.get("POSTGRES_PORT", "5432"),
    "USER": os.environ.get("POSTGRES_USER", "postgres"),
}
SAMPLE_SECONDS = float(os.environ.get("BENCH_SAMPLE_SECONDS", "0.05"))


def setup_django() -> None:
    """Configure Django once for every benchmark, unless a settings module is set."""
    if settings.configured or "DJANGO_SETTINGS_MODULE" in os.environ:
        return
    settings.configure(
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["testserver"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": ":memory:",
                "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            }
        },
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.messages",
            "rustytags_backend",
            "nitro_dispatch",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        ROOT_URLCONF="bench.dispatch_urls",
        TEMPLATES=[
            {
                "BACKEND": "rustytags_backend.RustyTags",
                "DIRS": [Path(__file__).resolve().parent / "components"],
            },
            {"BACKEND": "django.template.backends.django.DjangoTemplates"},
        ],
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    import bench.entities  # noqa: F401 - before migrate, so its table is created

    call_command("migrate", verbosity=0)


def postgres_unreachable() -> str | None:
    """Why the PostgreSQL server of :data:`POSTGRES` cannot be reached; None if it can."""
    import psycopg

    try:
        psycopg.connect(
            host=POSTGRES["HOST"], port=POSTGRES["PORT"], user=POSTGRES["USER"],
            dbname="postgres", connect_timeout=5,
        ).close()  # fmt: skip
    except psycopg.Error as exc:
        return str(exc)
    return None


def time_variants(cases: Mapping[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Return each case's seconds per call, one sample per round."""
    timers = {name: timeit.Timer(function) for name, function in cases.items()}
    numbers = {}
    for name, timer in timers.items():
        timer.timeit(3)  # warm up caches and the adaptive interpreter
        calls, elapsed = timer.autorange()
        numbers[name] = max(1, int(calls * SAMPLE_SECONDS / elapsed))
    samples: dict[str, list[float]] = {name: [] for name in cases}
    order = list(timers)
    shuffle = random.Random(0).shuffle  # a new order each round, the same in every run
    for _ in range(ROUNDS):
        shuffle(order)
        for name in order:
            samples[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    return samples


def paired_ratio(subject: list[float], reference: list[float]) -> float:
    """Median over rounds of subject/reference."""
    return statistics.median(s / r for s, r in zip(subject, reference, strict=True))


@dataclass(frozen=True)
class Bar:
    """A target: ``subject / reference`` must be ``<=`` or ``>=`` *ratio*."""

    subject: str
    reference: str
    op: str
    ratio: float

    def holds(self, samples: Mapping[str, list[float]]) -> tuple[bool, float]:
        """Compare the median of the per-round ratios: each round timed both variants back
        to back, so a slow spell of the machine cancels out."""
        measured = paired_ratio(samples[self.subject], samples[self.reference])
        return (measured <= self.ratio if self.op == "<=" else measured >= self.ratio), measured

    def describe(self) -> str:
        return f"{self.subject} / {self.reference} {self.op} {self.ratio:.2f}"


def report(
    title: str,
    samples: Mapping[str, list[float]],
    baseline: str,
    bars: list[Bar],
    goal: Bar | None = None,
) -> bool:
    """Print medians, ratios and bars; return whether every bar holds."""
    medians = {name: statistics.median(values) for name, values in samples.items()}
    width = max(len(name) for name in medians)
    print(f"\n{title}")
    print(f"Python {sys.version.split()[0]}, Django {django.get_version()}, {ROUNDS} rounds")
    print(f"{'variant':<{width}}  {'median':>12}  {'ratio to first':>14}")
    for name, median in medians.items():
        ratio = paired_ratio(samples[name], samples[baseline])
        print(f"{name:<{width}}  {median * 1e6:>9.1f} µs  {ratio:>13.2f}×")
    print("(ratios: median over rounds of the two variants timed back to back)")
    ok = True
    for bar in bars:
        holds, measured = bar.holds(samples)
        ok = ok and holds
        print(f"bar  {bar.describe()}: {measured:.2f}  {'PASS' if holds else 'FAIL'}")
    if goal is not None:
        holds, measured = goal.holds(samples)
        print(f"goal {goal.describe()}: {measured:.2f}  {'met' if holds else 'not met'}")
    return ok
