// Hash routes: "#/reports/12?tab=x" -> {path: "/reports/12", params: {id: "12"}, query: {tab: "x"}}.

const routes = [];

/** Register a view for a pattern such as "/reports/:id". */
export function addRoute(pattern, view, options = {}) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ pattern, regex: new RegExp(`^${source}$`), names, view, ...options });
}

/** The route for the current location hash, with its params and query. */
export function currentRoute() {
  const [path, search = ""] = (location.hash.slice(1) || "/").split("?");
  for (const route of routes) {
    const match = route.regex.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(
      route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]),
    );
    return { route, path, params, query: Object.fromEntries(new URLSearchParams(search)) };
  }
  return null;
}

/** Go to a hash path; `replace` keeps the back button from returning here. */
export function navigate(path, { replace = false } = {}) {
  const hash = `#${path}`;
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else if (replace) {
    history.replaceState(null, "", hash);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = hash;
  }
}

/** Call `show(route)` now and on every hash change. */
export function startRouter(show) {
  window.addEventListener("hashchange", () => show(currentRoute()));
  show(currentRoute());
}
