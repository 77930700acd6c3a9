"""static/rustytags_backend/errors.js, run by Node.js against Datastar's "datastar-fetch" events.

The document is an EventTarget with the page's <meta name="nitro-error-messages">; what the
script patches is recorded as Datastar's signal watcher would receive it. The browser test of
the example app shows the same in Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources

import pytest

NODE = shutil.which("node")
SCRIPT = resources.files("rustytags_backend").joinpath("static/rustytags_backend/errors.js")
MESSAGES = {
    "403": "Refused: reload.",
    "4xx": "Refused ({status}).",
    "5xx": "Server trouble ({status}).",
    "retrying": "Retrying.",
    "unreachable": "Gone.",
}

HARNESS = """
const patched = [];
const target = new EventTarget();
globalThis.document = {
  addEventListener: (...args) => target.addEventListener(...args),
  dispatchEvent: (event) => target.dispatchEvent(event),
  querySelector: () => (MESSAGES === null ? null : {getAttribute: () => MESSAGES}),
};
target.addEventListener("datastar-fetch", (event) => {
  if (event.detail.type === "datastar-patch-signals") {
    patched.push(JSON.parse(event.detail.argsRaw.signals));
  }
});
eval(SCRIPT);
for (const detail of EVENTS) {
  document.dispatchEvent(new CustomEvent("datastar-fetch", {detail}));
}
console.log(JSON.stringify(patched));
"""


def run(events: list[dict[str, object]], messages: str | None = json.dumps(MESSAGES)) -> object:
    program = (
        HARNESS.replace("SCRIPT", json.dumps(SCRIPT.read_text()))
        .replace("MESSAGES", json.dumps(messages))
        .replace("EVENTS", json.dumps(events))
    )
    completed = subprocess.run(
        [str(NODE), "-e", program], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(completed.stdout)


def error(kind: str, message: str, status: int) -> dict[str, object]:
    return {"_nitroError": {"type": kind, "message": message, "status_code": status, "details": []}}


pytestmark = pytest.mark.skipif(
    NODE is None, reason="Node.js is not installed: apt install nodejs to run it"
)


def test_an_http_error_gets_the_message_for_its_status() -> None:
    assert run([{"type": "error", "argsRaw": {"status": "403"}}]) == [
        error("http_error", "Refused: reload.", 403)
    ]


def test_an_http_error_without_its_own_message_gets_its_familys() -> None:
    assert run(
        [
            {"type": "error", "argsRaw": {"status": "418"}},
            {"type": "error", "argsRaw": {"status": "502"}},
        ]
    ) == [
        error("http_error", "Refused (418).", 418),
        error("http_error", "Server trouble (502).", 502),
    ]


def test_an_unreachable_server_is_reported_while_retrying_and_when_given_up() -> None:
    assert run(
        [
            {"type": "retrying", "argsRaw": {"message": "Failed to fetch"}},
            {"type": "retries-failed", "argsRaw": {}},
        ]
    ) == [
        error("network_error", "Retrying.", 0),
        error("network_error", "Gone.", 0),
    ]


def test_other_datastar_events_patch_nothing() -> None:
    assert (
        run(
            [
                {"type": "started", "argsRaw": {}},
                {"type": "finished", "argsRaw": {}},
                {"type": "datastar-patch-elements", "argsRaw": {}},
            ]
        )
        == []
    )


def test_a_page_without_messages_still_reports_the_status() -> None:
    assert run(
        [{"type": "error", "argsRaw": {"status": "500"}}, {"type": "retries-failed"}], messages=None
    ) == [
        error("http_error", "HTTP 500", 500),
        error("network_error", "The server cannot be reached.", 0),
    ]


def test_unreadable_messages_are_ignored() -> None:
    assert run([{"type": "error", "argsRaw": {"status": "404"}}], messages="{not json") == [
        error("http_error", "HTTP 404", 404)
    ]
