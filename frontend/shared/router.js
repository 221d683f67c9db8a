// Hash routes for both apps (the static server needs no fallback and a reload keeps the view):
// "#/reports/12?tab=x" -> {path: "/reports/12", params: {id: "12"}, query: {tab: "x"}, route}.

const routes = [];
let onChange = () => {};

/** Register `route` (the app's own fields: a view, a name, options) for "/reports/:id". */
export function addRoute(pattern, route = {}) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (whole, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}$`), names, route: { pattern, ...route } });
}

/** Where the location hash points; `route` is null when no pattern matches the path. */
export function currentRoute() {
  const [path, search = ""] = (location.hash.slice(1) || "/").split("?");
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const { regex, names, route } of routes) {
    const found = regex.exec(path);
    if (!found) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
    return { path, query, params, route };
  }
  return { path, query, params: {}, route: null };
}

/** Go to a path with the `query` values that are set; `replace` keeps the back button from
 * returning here. Going where one already is shows it again. */
export function navigate(path, { query = {}, replace = false } = {}) {
  const search = new URLSearchParams(
    Object.entries(query).filter(
      ([, value]) => value !== undefined && value !== null && value !== "",
    ),
  ).toString();
  const hash = `#${path}${search ? `?${search}` : ""}`;
  if (location.hash === hash) {
    onChange(currentRoute());
  } else if (replace) {
    history.replaceState(null, "", hash);
    onChange(currentRoute());
  } else {
    location.hash = hash;
  }
}

/** Call `show(currentRoute())` now and after every change of the hash. */
export function startRouter(show) {
  onChange = show;
  window.addEventListener("hashchange", () => show(currentRoute()));
  show(currentRoute());
}
