"""cache_ttl=: an answer reused for that long, per URL, user, kind of client and language."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import TestCase
from django.utils import translation

from tests.nitro_dispatch._caches import on_redis
from tests.nitro_dispatch.test_dispatcher import DS, url
from tests.ported_actions.entities import CALLS, Almanac


class CachedAnswerTests(TestCase):
    def setUp(self):
        caches["default"].clear()
        self.addCleanup(caches["default"].clear)
        CALLS.clear()

    def get(self, name: str = "almanac-today", **kwargs: Any) -> Any:
        return self.client.get(url(name), **kwargs)

    def test_the_answer_is_reused(self):
        first, second = self.get(), self.get()
        assert (first.json(), second.json(), CALLS) == (
            {"calls": 1, "user": "", "q": ""},
            {"calls": 1, "user": "", "q": ""},
            ["today"],
        )

    def test_a_fresh_answer_may_be_kept_by_the_browser_for_the_whole_ttl(self):
        assert self.get()["Cache-Control"] == "private, max-age=60"

    def test_a_reused_answer_may_be_kept_for_what_is_left(self):
        self.get()
        assert self.get()["Cache-Control"] == "private, max-age=59"

    def test_each_query_string_has_its_answer(self):
        self.get(data={"q": "a"})
        assert (self.get(data={"q": "b"}).json()["q"], CALLS) == ("b", ["today", "today"])

    def test_each_user_has_their_answer(self):
        self.client.force_login(User.objects.create_user("ann"))
        self.get()
        self.client.force_login(User.objects.create_user("bob"))
        assert (self.get().json()["user"], self.get().json()["user"], len(CALLS)) == (
            "bob",
            "bob",
            2,
        )

    def test_signed_out_requests_share_one_answer(self):
        self.get(REMOTE_ADDR="198.51.100.1")
        self.get(REMOTE_ADDR="198.51.100.2")
        assert CALLS == ["today"]

    def test_datastar_has_its_own_answer(self):
        plain, datastar = self.get(), self.get(headers=DS)
        assert (plain["Content-Type"], datastar["Content-Type"], len(CALLS)) == (
            "application/json",
            "text/event-stream",
            2,
        )

    def test_each_language_has_its_answer(self):
        self.get()
        with translation.override("de"):
            self.get()
        assert CALLS == ["today", "today"]

    def test_head_gets_the_answer_of_get(self):
        self.get()
        head = self.client.head(url("almanac-today"))
        assert (head.status_code, head.content, CALLS) == (200, b"", ["today"])

    def test_an_instance_action_is_kept_per_entity(self):
        first, second = Almanac.create(day="mon"), Almanac.create(day="tue")
        for almanac in (first, second, first):
            self.client.get(url("almanac-entry", id=almanac.id))
        assert CALLS == ["entry", "entry"]

    def test_a_kept_answer_outlives_its_entity_until_it_expires(self):
        almanac = Almanac.create(day="mon")
        self.client.get(url("almanac-entry", id=almanac.id))
        almanac.delete()
        response = self.client.get(url("almanac-entry", id=almanac.id))
        assert (response.status_code, response.json()["day"]) == (200, "mon")

    def test_an_answer_expires(self):
        self.get("almanac-brief")
        time.sleep(1.1)
        assert self.get("almanac-brief").json() == {"calls": 2}

    def test_an_error_is_not_kept(self):
        statuses = [self.get("almanac-failing").status_code for _ in range(2)]
        assert (statuses, CALLS) == ([404, 404], ["failing", "failing"])

    def test_an_error_for_datastar_is_not_kept(self):
        for _ in range(2):
            self.get("almanac-failing", headers=DS)
        assert CALLS == ["failing", "failing"]

    def test_a_stream_is_not_kept(self):
        for _ in range(2):
            b"".join(self.get("almanac-streamed", headers=DS).streaming_content)
        assert CALLS == ["streamed", "streamed"]

    def test_an_answer_setting_a_cookie_is_not_kept(self):
        for _ in range(2):
            self.get("almanac-with_cookie")
        assert CALLS == ["with_cookie", "with_cookie"]

    def test_an_answer_marked_no_store_is_not_kept(self):
        for _ in range(2):
            response = self.get("almanac-not_stored")
        assert (response["Cache-Control"], CALLS) == ("no-store", ["not_stored", "not_stored"])

    def test_a_public_answer_becomes_private_for_at_most_the_ttl(self):
        assert self.get("almanac-public")["Cache-Control"] == "max-age=60, private"


class RedisCachedAnswerTests(TestCase):
    def setUp(self):
        self.enterContext(on_redis())
        CALLS.clear()

    def test_the_answer_is_reused(self):
        first, second = (self.client.get(url("almanac-today")) for _ in range(2))
        assert (first.content, second.content, second["Content-Type"], CALLS) == (
            b'{"calls": 1, "user": "", "q": ""}',
            b'{"calls": 1, "user": "", "q": ""}',
            "application/json",
            ["today"],
        )

    def test_a_datastar_answer_is_reused(self):
        first, second = (self.client.get(url("almanac-today"), headers=DS) for _ in range(2))
        assert (first.content == second.content, CALLS) == (True, ["today"])
