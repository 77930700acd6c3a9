"""static/rustytags_backend/csrf.js, run by Node.js against a recording fetch().

Node 18+ has the WHATWG fetch, Request, Headers and URL of browsers; the page is two <meta>
elements. Browser tests of the whole page come with the example app.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources

import pytest

NODE = shutil.which("node")
SCRIPT = resources.files("rustytags_backend").joinpath("static/rustytags_backend/csrf.js")

HARNESS = """
const calls = [];
const metas = {"csrf-token": "TOKEN", "csrf-header-name": "X-CSRFTOKEN"};
globalThis.window = {
  fetch: async (input, init) => {
    calls.push(new Headers(init && init.headers).get("X-CSRFTOKEN"));
  },
  location: {origin: "https://example.com"},
};
globalThis.document = {
  cookie: "",
  baseURI: "https://example.com/page/",
  querySelector: (selector) => {
    const name = selector.match(/name="([^"]+)"/)[1];
    return name in metas ? {getAttribute: () => metas[name]} : null;
  },
};
const ds = {"Datastar-Request": "true"};
(async () => {
  eval(SCRIPT);
  const fetch = window.fetch;
  await fetch("/api/x", {method: "POST", headers: ds});
  await fetch("/api/x", {method: "delete", headers: ds});
  await fetch("/api/x", {method: "GET", headers: ds});
  await fetch("/api/x", {method: "POST"});
  await fetch("https://other.example/api", {method: "POST", headers: ds});
  await fetch("/api/x", {method: "POST", headers: {...ds, "X-CSRFToken": "OWN"}});
  await fetch(new Request("https://example.com/api/r", {method: "PUT", headers: ds}));
  metas["csrf-token"] = "ROTATED";
  await fetch("/api/x", {method: "PATCH", headers: ds});
  metas["csrf-cookie-name"] = "csrftoken";
  await fetch("/api/x", {method: "POST", headers: ds});
  document.cookie = "theme=dark; csrftoken=FROM%2BCOOKIE; csrftoken2=NOT";
  await fetch("/api/x", {method: "POST", headers: ds});
  delete metas["csrf-cookie-name"];
  await fetch("/api/x", {method: "POST", headers: ds});
  delete metas["csrf-token"];
  await fetch("/api/x", {method: "POST", headers: ds});
  console.log(JSON.stringify(calls));
})();
"""


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed: apt install nodejs to run it")
def test_token_goes_only_with_unsafe_same_origin_datastar_requests() -> None:
    program = HARNESS.replace("SCRIPT", json.dumps(SCRIPT.read_text()))
    completed = subprocess.run(
        [str(NODE), "-e", program], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(completed.stdout) == [
        "TOKEN",  # POST
        "TOKEN",  # DELETE, lower-case method
        None,  # GET
        None,  # not a Datastar request
        None,  # other origin
        "OWN",  # a header the action set itself
        "TOKEN",  # a Request object
        "ROTATED",  # read at request time
        "ROTATED",  # the cookie is named but not set
        "FROM+COOKIE",  # the cookie, which follows a rotation in another tab
        "ROTATED",  # a cookie the page does not name is not read
        None,  # no token on the page
    ]
