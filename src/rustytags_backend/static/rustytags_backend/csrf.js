// Send Django's CSRF token with Datastar's unsafe, same-origin requests.
//
// Loaded as a module before the Datastar client, which looks up window.fetch when it sends a
// request. The token is read at that moment: from the CSRF cookie when the page names it
// (<meta name="csrf-cookie-name">, left out when scripts cannot read the cookie), so a token
// rotated by a login in another tab is picked up at once; else from <meta name="csrf-token">.
// A header the action sets itself is left alone, and nothing is added to GET requests or to
// other origins.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
const originalFetch = window.fetch.bind(window);

function meta(name) {
  const element = document.querySelector(`meta[name="${name}"]`);
  return element ? element.getAttribute("content") : null;
}

function cookie(name) {
  for (const pair of document.cookie ? document.cookie.split(";") : []) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) {
      return decodeURIComponent(value.join("="));
    }
  }
  return null;
}

function currentToken() {
  const cookieName = meta("csrf-cookie-name");
  return (cookieName && cookie(cookieName)) || meta("csrf-token");
}

window.fetch = function fetchWithCsrfToken(input, init = {}) {
  const request = input instanceof Request ? input : null;
  const method = (init.method || (request ? request.method : "GET")).toUpperCase();
  const url = new URL(request ? request.url : String(input), document.baseURI);
  const headers = new Headers(init.headers || (request ? request.headers : undefined));
  const headerName = meta("csrf-header-name") || "X-CSRFToken";
  if (
    headers.get("Datastar-Request") === "true" &&
    !SAFE_METHODS.has(method) &&
    url.origin === window.location.origin &&
    !headers.has(headerName)
  ) {
    const token = currentToken();
    if (token) {
      headers.set(headerName, token);
      return originalFetch(input, { ...init, headers });
    }
  }
  return originalFetch(input, init);
};
