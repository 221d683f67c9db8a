// What each role finds in the menu, and where it starts; `counts` names the inbox counts
// (GET /me/inbox) an entry's badge adds up.

const ITEMS = [
  { path: "/queue", key: "nav.queue", roles: ["admin", "coordinator"], counts: ["new_reports"] },
  { path: "/map", key: "nav.map", roles: ["admin", "coordinator"] },
  { path: "/unassigned", key: "nav.unassigned", roles: ["admin", "coordinator"] },
  {
    path: "/tasks",
    key: "nav.tasks",
    roles: ["admin", "coordinator"],
    counts: ["verification", "returned_tasks", "overdue_tasks"],
  },
  { path: "/my-tasks", key: "nav.my_tasks", roles: ["unit"] },
  {
    path: "/riders",
    key: "nav.riders",
    roles: ["admin", "coordinator"],
    counts: ["registrations"],
  },
  { path: "/stats", key: "nav.stats", roles: ["admin", "coordinator"] },
  { path: "/notices", key: "nav.notices", roles: ["admin", "coordinator"] },
  { path: "/redemptions", key: "nav.redemptions", roles: ["admin", "coordinator"] },
  { path: "/notifications", key: "nav.notifications", roles: ["admin", "coordinator", "unit"] },
  { path: "/units", key: "nav.units", roles: ["admin", "coordinator"], group: "admin" },
  { path: "/categories", key: "nav.categories", roles: ["admin"], group: "admin" },
  { path: "/rewards", key: "nav.rewards", roles: ["admin"], group: "admin" },
  { path: "/presets", key: "nav.presets", roles: ["admin"], group: "admin" },
  { path: "/privacy-audit", key: "nav.privacy_audit", roles: ["admin"], group: "admin" },
  // Shown only when the server offers integrations (GET answers 200).
  {
    path: "/integrations",
    key: "nav.integrations",
    roles: ["admin"],
    group: "admin",
    probe: "/api-keys",
  },
];

/** The menu entries for a role, in order. */
export function menuFor(role) {
  return ITEMS.filter((item) => item.roles.includes(role));
}

/** The first page after login. */
export function homeFor(role) {
  return role === "unit" ? "/my-tasks" : "/queue";
}

/** Whether a role may open a top-level path ('/reports/12' belongs to its first segment). */
export function allows(role, path) {
  const top = `/${path.split("/")[1] || ""}`;
  if (top === "/reports") return true;
  return ITEMS.some((item) => item.path === top && item.roles.includes(role));
}
