"""rate_limit=: 429 once a user or a client address has used up an action's rate."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.checks import Error, Warning
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from nitro_dispatch import ActionMetadata
from nitro_dispatch._limits import (
    cache_messages,
    check_cache,
    client_address,
    parse_rate,
    retry_after,
)
from nitro_dispatch.dispatcher import Route
from tests.nitro_dispatch._caches import disconnect, fresh_window, on_redis
from tests.nitro_dispatch.test_dispatcher import DS, url
from tests.ported_actions.entities import Quota


def limited(rate: str | int) -> Route:
    metadata = ActionMetadata(method="GET", rate_limit=rate, function_name="burst")
    return Route(Quota, Quota.ping.__func__, metadata, "class")  # type: ignore[attr-defined]


class ParseRateTests(SimpleTestCase):
    def test_rates(self):
        rates = ["10/minute", "100/hour", "5/10s", "3 per day", "1/second", "7/2 minutes", 30]
        assert [parse_rate(rate) for rate in rates] == [
            (10, 60),
            (100, 3600),
            (5, 10),
            (3, 86400),
            (1, 1),
            (7, 120),
            (30, 60),
        ]

    def test_units_are_case_insensitive(self):
        assert parse_rate("2/Hour") == (2, 3600)

    def test_not_rates(self):
        for rate in ["", "often", "10", "0/minute", "5/0s", "5/fortnight", "/m", True, 0, 2.5]:
            with pytest.raises(ValueError):
                parse_rate(rate)


class LimitTests(TestCase):
    def setUp(self):
        caches["default"].clear()
        self.addCleanup(caches["default"].clear)
        fresh_window(60)

    def test_429_once_the_rate_is_used_up(self):
        statuses = [self.client.get(url("quota-ping")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]

    def test_429_says_when_to_try_again(self):
        for _ in range(2):
            self.client.get(url("quota-ping"))
        response = self.client.get(url("quota-ping"))
        wait = response["Retry-After"]
        assert (0 < int(wait) <= 60, response.json()) == (
            True,
            {
                "error": {
                    "type": "rate_limit_exceeded",
                    "message": f"Too many requests: try again in {wait} seconds.",
                    "status_code": 429,
                    "details": [],
                }
            },
        )

    def test_one_second_to_wait(self):
        fresh_window(1, margin=0.5)
        self.client.get(url("quota-flick"))
        response = self.client.get(url("quota-flick"))
        assert (response["Retry-After"], response.json()["error"]["message"]) == (
            "1",
            "Too many requests: try again in 1 second.",
        )

    def test_datastar_gets_the_error_signal(self):
        self.client.post(url("quota-poke"), headers=DS)
        response = self.client.post(url("quota-poke"), headers=DS)
        assert (
            response.status_code,
            b'"_nitroError":{"type":"rate_limit_exceeded"' in response.content,
            int(response["Retry-After"]) > 0,
        ) == (200, True, True)

    def test_each_action_has_its_own_count(self):
        self.client.post(url("quota-poke"))
        assert self.client.get(url("quota-ping")).status_code == 200

    def test_each_user_has_their_own_count(self):
        self.client.force_login(User.objects.create_user("ann"))
        self.client.post(url("quota-poke"))
        self.client.force_login(User.objects.create_user("bob"))
        assert self.client.post(url("quota-poke")).status_code == 200

    def test_a_user_is_not_counted_with_their_address(self):
        self.client.post(url("quota-poke"))
        self.client.force_login(User.objects.create_user("ann"))
        assert self.client.post(url("quota-poke")).status_code == 200

    def test_each_address_has_its_own_count(self):
        self.client.post(url("quota-poke"), REMOTE_ADDR="198.51.100.1")
        assert (
            self.client.post(url("quota-poke"), REMOTE_ADDR="198.51.100.1").status_code,
            self.client.post(url("quota-poke"), REMOTE_ADDR="198.51.100.2").status_code,
        ) == (429, 200)

    def test_a_signed_out_request_is_counted_before_it_is_sent_to_sign_in(self):
        statuses = [self.client.get(url("quota-private")).status_code for _ in range(2)]
        assert statuses == [302, 429]

    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    )
    def test_a_cache_that_keeps_nothing_limits_nothing(self):
        statuses = [self.client.post(url("quota-poke")).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]

    def test_the_count_starts_again_with_the_next_window(self):
        route = limited("1/second")
        request = RequestFactory().get("/")
        fresh_window(1, margin=0.5)
        first, second = retry_after(request, route), retry_after(request, route)
        time.sleep(1 - time.time() % 1 + 0.05)
        assert (first, second, retry_after(request, route)) == (None, 1, None)


class RedisLimitTests(TestCase):
    def setUp(self):
        self.enterContext(on_redis())
        fresh_window(60)

    def test_429_once_the_rate_is_used_up(self):
        statuses = [self.client.get(url("quota-ping")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


def burst(route: Route, clients: int, redis: bool = False) -> list[int | None]:
    """*clients* threads counting one request each against *route*, all at once."""
    start = threading.Barrier(clients)
    results: list[int | None] = []
    lock = threading.Lock()

    def one() -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
        start.wait()
        try:
            wait = retry_after(request, route)
        finally:
            if redis:
                disconnect()
        with lock:
            results.append(wait)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class ConcurrencyTests(SimpleTestCase):
    """Requests arriving together never share a place: exactly the rate gets through."""

    def test_locmem(self):
        caches["default"].clear()
        fresh_window(3600)
        results = burst(limited("25/hour"), 100)
        assert (results.count(None), len(results)) == (25, 100)

    def test_redis(self):
        with on_redis():
            fresh_window(3600)
            results = burst(limited("25/hour"), 100, redis=True)
        assert (results.count(None), len(results)) == (25, 100)


class ClientAddressTests(SimpleTestCase):
    def address(self, remote: str, forwarded: str | None = None) -> str:
        meta: dict[str, Any] = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_address(RequestFactory().get("/", **meta))

    def test_remote_addr(self):
        assert self.address("198.51.100.7", "203.0.113.1") == "198.51.100.7"

    @override_settings(NITRO_DISPATCH={"PROXY_COUNT": 1})
    def test_behind_one_proxy_the_last_forwarded_address(self):
        # The client may send an X-Forwarded-For of its own: the proxy appends to it.
        assert self.address("10.0.0.1", "198.51.100.66, 203.0.113.5") == "203.0.113.5"

    @override_settings(NITRO_DISPATCH={"PROXY_COUNT": 2})
    def test_behind_two_proxies(self):
        assert self.address("10.0.0.2", "203.0.113.5, 10.0.0.1") == "203.0.113.5"

    @override_settings(NITRO_DISPATCH={"PROXY_COUNT": 2})
    def test_fewer_forwarded_addresses_than_proxies(self):
        assert self.address("10.0.0.2", "203.0.113.5") == "10.0.0.2"

    def test_ipv6_counts_by_its_64_network(self):
        assert self.address("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"

    def test_ipv4_mapped_ipv6_is_ipv4(self):
        assert self.address("::ffff:198.51.100.7") == "198.51.100.7"

    def test_not_an_address(self):
        assert self.address("unix-socket") == "unix-socket"


class SettingsTests(SimpleTestCase):
    @override_settings(NITRO_DISPATCH={"PROXY_COUNT": "1"})
    def test_proxy_count_must_be_a_number(self):
        from django.core.exceptions import ImproperlyConfigured

        from nitro_dispatch.conf import get_settings

        with pytest.raises(ImproperlyConfigured) as excinfo:
            get_settings()
        assert str(excinfo.value) == (
            "NITRO_DISPATCH['PROXY_COUNT'] must be the number of proxies in front of Django "
            "(0 or more), not '1'."
        )

    @override_settings(NITRO_DISPATCH={"CACHE": None})
    def test_cache_must_be_an_alias(self):
        from django.core.exceptions import ImproperlyConfigured

        from nitro_dispatch.conf import get_settings

        with pytest.raises(ImproperlyConfigured) as excinfo:
            get_settings()
        assert str(excinfo.value) == (
            "NITRO_DISPATCH['CACHE'] must name an alias of CACHES, not None."
        )


class CheckTests(SimpleTestCase):
    def test_default_cache_passes(self):
        assert check_cache() == []

    @override_settings(NITRO_DISPATCH={"CACHE": "limits"})
    def test_missing_alias(self):
        assert check_cache() == [
            Error(
                "NITRO_DISPATCH['CACHE'] is 'limits', which CACHES does not define; "
                "tests.ported_actions.entities.Quota.ping and 11 other actions use it.",
                hint="Add 'limits' to CACHES, or set NITRO_DISPATCH['CACHE'] to one of: default.",
                id="nitro_dispatch.E010",
            )
        ]

    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "cache"}}
    )  # fmt: skip
    def test_cache_that_counts_in_two_steps(self):
        assert check_cache() == [
            Warning(
                "tests.ported_actions.entities.Quota.ping and 3 other actions have a "
                "rate_limit, but CACHES['default'] is DatabaseCache, which counts in two steps "
                "(a read, then a write), so requests arriving together can pass the limit.",
                hint="Count on a cache whose incr() is atomic: Redis "
                "(django.core.cache.backends.redis.RedisCache), Memcached, or LocMemCache "
                "(which counts per process).",
                id="nitro_dispatch.W010",
            )
        ]

    @override_settings(ROOT_URLCONF="tests.testapp.urls", NITRO_DISPATCH={"CACHE": "limits"})
    def test_without_a_dispatcher_every_table_entity_is_looked_at(self):
        assert [message.id for message in check_cache()] == ["nitro_dispatch.E010"]

    @override_settings(ROOT_URLCONF="tests.no_such_urls", NITRO_DISPATCH={"CACHE": "limits"})
    def test_a_broken_urlconf_is_left_to_djangos_checks(self):
        assert [message.id for message in check_cache()] == ["nitro_dispatch.E010"]

    @override_settings(NITRO_DISPATCH={"CACHE": "limits"})
    def test_no_action_uses_the_cache(self):
        assert cache_messages([]) == []

    @override_settings(NITRO_DISPATCH={"CACHE": "limits"})
    def test_one_action_uses_a_missing_alias(self):
        (message,) = cache_messages([limited(5)])
        assert message.msg == (
            "NITRO_DISPATCH['CACHE'] is 'limits', which CACHES does not define; "
            "tests.ported_actions.entities.Quota.burst uses it."
        )

    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    )
    def test_one_action_on_a_cache_that_keeps_nothing(self):
        (message,) = cache_messages([limited(5)])
        assert message.msg == (
            "tests.ported_actions.entities.Quota.burst has a rate_limit, but CACHES['default'] "
            "is DummyCache, which keeps nothing, so no limit is enforced."
        )

    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    )
    def test_cached_answers_alone_need_no_atomic_cache(self):
        metadata = ActionMetadata(method="GET", cache_ttl=5, function_name="kept")
        assert cache_messages([Route(Quota, Quota.ping.__func__, metadata, "class")]) == []  # type: ignore[attr-defined]


class LiveSettingsTests(SimpleTestCase):
    """NITRO_DISPATCH's BROKER, LIVE_LOG, LIVE_QUEUE and LIVE_THROTTLE."""

    def refused(self, **given: Any) -> str:
        from django.core.exceptions import ImproperlyConfigured

        from nitro_dispatch.conf import NitroSettings

        with pytest.raises(ImproperlyConfigured) as excinfo:
            NitroSettings(**given)
        return str(excinfo.value)

    def test_compress_streams_must_be_a_boolean(self):
        assert self.refused(COMPRESS_STREAMS="yes") == (
            "NITRO_DISPATCH['COMPRESS_STREAMS'] must be True or False, not 'yes'."
        )

    def test_defaults(self):
        from nitro_dispatch.conf import get_settings

        settings = get_settings()
        assert (settings.BROKER, settings.LIVE_LOG, settings.LIVE_QUEUE,
                settings.LIVE_THROTTLE, settings.COMPRESS_STREAMS) == (
            "memory", 1000, 64, 0.05, True)  # fmt: skip

    def test_brokers_accepted(self):
        from nitro_dispatch.conf import NitroSettings

        brokers = ["memory", "postgres", "postgres:other", "redis://127.0.0.1:6379/0",
                   "rediss://cache.example:6380/1", "unix:///run/redis.sock"]  # fmt: skip
        assert [NitroSettings(BROKER=broker).BROKER for broker in brokers] == brokers

    def test_broker_that_is_no_broker_name(self):
        assert self.refused(BROKER="redis") == (
            'NITRO_DISPATCH[\'BROKER\'] must be "memory", "postgres" (or "postgres:<alias>") '
            "or a Redis URL such as \"redis://127.0.0.1:6379/0\", not 'redis'."
        )

    def test_broker_url_of_another_scheme(self):
        assert self.refused(BROKER="amqp://127.0.0.1/") == (
            'NITRO_DISPATCH[\'BROKER\'] must be "memory", "postgres" (or "postgres:<alias>") '
            "or a Redis URL such as \"redis://127.0.0.1:6379/0\", not 'amqp://127.0.0.1/'."
        )

    def test_broker_that_is_no_string(self):
        assert self.refused(BROKER=None) == (
            'NITRO_DISPATCH[\'BROKER\'] must be "memory", "postgres" (or "postgres:<alias>") '
            'or a Redis URL such as "redis://127.0.0.1:6379/0", not None.'
        )

    def test_sizes_accepted(self):
        from nitro_dispatch.conf import NitroSettings

        settings = NitroSettings(LIVE_LOG=1, LIVE_QUEUE=1)
        assert (settings.LIVE_LOG, settings.LIVE_QUEUE) == (1, 1)

    def test_live_log_of_zero(self):
        assert self.refused(LIVE_LOG=0) == (
            "NITRO_DISPATCH['LIVE_LOG'] must be a whole number of messages (1 or more), not 0."
        )

    def test_live_log_that_is_a_string(self):
        assert self.refused(LIVE_LOG="100") == (
            "NITRO_DISPATCH['LIVE_LOG'] must be a whole number of messages (1 or more), not '100'."
        )

    def test_live_log_that_is_a_bool(self):
        assert self.refused(LIVE_LOG=True) == (
            "NITRO_DISPATCH['LIVE_LOG'] must be a whole number of messages (1 or more), not True."
        )

    def test_live_queue_that_is_a_float(self):
        assert self.refused(LIVE_QUEUE=8.0) == (
            "NITRO_DISPATCH['LIVE_QUEUE'] must be a whole number of messages (1 or more), not 8.0."
        )

    def test_live_queue_that_is_negative(self):
        assert self.refused(LIVE_QUEUE=-1) == (
            "NITRO_DISPATCH['LIVE_QUEUE'] must be a whole number of messages (1 or more), not -1."
        )

    def test_throttles_accepted(self):
        from nitro_dispatch.conf import NitroSettings

        throttles = [0, 0.0, 0.25, 2]
        assert [NitroSettings(LIVE_THROTTLE=t).LIVE_THROTTLE for t in throttles] == throttles

    def test_negative_throttle(self):
        assert self.refused(LIVE_THROTTLE=-0.5) == (
            "NITRO_DISPATCH['LIVE_THROTTLE'] must be a number of seconds (0 or more), not -0.5."
        )

    def test_throttle_that_is_a_string(self):
        assert self.refused(LIVE_THROTTLE="0.1") == (
            "NITRO_DISPATCH['LIVE_THROTTLE'] must be a number of seconds (0 or more), not '0.1'."
        )

    def test_throttle_that_is_a_bool(self):
        assert self.refused(LIVE_THROTTLE=False) == (
            "NITRO_DISPATCH['LIVE_THROTTLE'] must be a number of seconds (0 or more), not False."
        )

    @override_settings(NITRO_DISPATCH={"BROKER": "kafka"})
    def test_the_setting_is_checked_when_read(self):
        from django.core.exceptions import ImproperlyConfigured

        from nitro_dispatch.conf import get_settings

        with pytest.raises(ImproperlyConfigured) as excinfo:
            get_settings()
        assert str(excinfo.value) == (
            'NITRO_DISPATCH[\'BROKER\'] must be "memory", "postgres" (or "postgres:<alias>") '
            "or a Redis URL such as \"redis://127.0.0.1:6379/0\", not 'kafka'."
        )
