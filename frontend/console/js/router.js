// Hash routes (#/reports/12?tab=x): the static server needs no fallback and reloads keep the view.

const routes = [];
let handler = null;

/** Register `pattern` ('/reports/:id') for `name`. */
export function route(pattern, name) {
  const keys = [];
  const source = pattern.replace(/:(\w+)/g, (whole, key) => {
    keys.push(key);
    return "([^/]+)";
  });
  routes.push({ name, keys, regex: new RegExp(`^${source}$`) });
}

/** The current location as {path, query}. */
export function currentLocation() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Match a path against the registered routes: {name, params} or null. */
export function match(path) {
  for (const { name, keys, regex } of routes) {
    const found = regex.exec(path);
    if (found) {
      const params = Object.fromEntries(
        keys.map((key, i) => [key, decodeURIComponent(found[i + 1])]),
      );
      return { name, params };
    }
  }
  return null;
}

/** Go to a path ('/queue', {status: 'accepted'}); `replace` keeps the history entry. */
export function navigate(path, query = {}, { replace = false } = {}) {
  const search = new URLSearchParams(
    Object.entries(query).filter(
      ([, value]) => value !== undefined && value !== null && value !== "",
    ),
  ).toString();
  const hash = `#${path}${search ? `?${search}` : ""}`;
  if (hash === location.hash) {
    if (handler) handler();
  } else if (replace) {
    history.replaceState(null, "", hash);
    if (handler) handler();
  } else {
    location.hash = hash;
  }
}

/** Start listening; `onChange()` runs now and after every hash change. */
export function start(onChange) {
  handler = onChange;
  window.addEventListener("hashchange", onChange);
  onChange();
}
