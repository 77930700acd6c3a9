// Show what Datastar does not: a request that fails outside an action.
//
// Actions answer their own errors with the _nitroError signal, in a 200 response. Any other
// failure (a middleware's 403 or 413, a proxy's 502, a server that cannot be reached) reaches the
// client as a non-200 answer or none, which Datastar only reports as a "datastar-fetch" event.
// This turns those events into the same signal, with a message from
// <meta name="nitro-error-messages"> (written by Page() in the user's language), so the element
// that shows an action's error shows these too.
const SIGNAL = "_nitroError";
const FETCH_EVENT = "datastar-fetch";

function messages() {
  const element = document.querySelector('meta[name="nitro-error-messages"]');
  try {
    return JSON.parse(element ? element.getAttribute("content") : "{}");
  } catch {
    return {};
  }
}

function httpError(status) {
  const text = messages();
  const family = status >= 500 ? "5xx" : "4xx";
  const message = (text[String(status)] || text[family] || `HTTP ${status}`).replace(
    "{status}",
    String(status),
  );
  return { type: "http_error", message, status_code: status, details: [] };
}

function networkError(key) {
  const message = messages()[key] || "The server cannot be reached.";
  return { type: "network_error", message, status_code: 0, details: [] };
}

function errorFor(detail) {
  switch (detail.type) {
    case "error":
      return httpError(Number(detail.argsRaw && detail.argsRaw.status));
    case "retrying":
      return networkError("retrying");
    case "retries-failed":
      return networkError("unreachable");
    default:
      return null;
  }
}

document.addEventListener(FETCH_EVENT, (event) => {
  const error = errorFor(event.detail || {});
  if (error) {
    // Patched as an action's answer would be: Datastar applies signal patches it is sent as
    // "datastar-fetch" events of type datastar-patch-signals.
    document.dispatchEvent(
      new CustomEvent(FETCH_EVENT, {
        detail: {
          type: "datastar-patch-signals",
          el: event.detail.el,
          argsRaw: { signals: JSON.stringify({ [SIGNAL]: error }) },
        },
      }),
    );
  }
});
