// Start-up: login or the role's console; routes to views; wires the live urgent stream.

import { logOut } from "./auth.js";
import { onLangChange } from "./i18n.js";
import { allows, homeFor } from "./menu.js";
import { forgetReference } from "./reference.js";
import { addRoute, currentRoute, navigate, startRouter } from "../../shared/router.js";
import { currentAccount, onSessionChange } from "./session.js";
import { createShell } from "./shell.js";
import { onUrgentReport, startLiveStream, stopLiveStream } from "./live-stream.js";
import { refreshUnread, startUnreadPolling, stopUnreadPolling } from "./unread.js";
import { renderLogin } from "./views/login.js";
import { VIEWS } from "./views/index.js";

const root = document.getElementById("app");
let shell = null;
let viewCleanup = null;
let viewController = null;
let stopAlerts = null;
let servicesRunning = false;

addRoute("/queue", { name: "queue" });
addRoute("/map", { name: "map" });
addRoute("/unassigned", { name: "unassigned" });
addRoute("/reports/:id", { name: "report" });
addRoute("/reports/:id/sheet", { name: "caseSheet" });
addRoute("/tasks", { name: "tasks" });
addRoute("/my-tasks", { name: "myTasks" });
addRoute("/my-tasks/:id", { name: "myTask" });
addRoute("/riders", { name: "riders" });
addRoute("/stats", { name: "stats" });
addRoute("/notices", { name: "notices" });
addRoute("/redemptions", { name: "redemptions" });
addRoute("/notifications", { name: "notifications" });
addRoute("/units", { name: "units" });
addRoute("/units/:id", { name: "unit" });
addRoute("/categories", { name: "categories" });
addRoute("/rewards", { name: "rewards" });
addRoute("/presets", { name: "presets" });
addRoute("/integrations", { name: "integrations" });
addRoute("/privacy-audit", { name: "privacyAudit" });
addRoute("/integrations/webhooks/:id", { name: "webhookDeliveries" });

function endView() {
  if (viewController) viewController.abort();
  if (typeof viewCleanup === "function") viewCleanup();
  viewCleanup = null;
  viewController = null;
}

// Area managers (admins, coordinators) follow urgent reports live; units do not.
function isAreaManager(account) {
  return account.role === "admin" || account.role === "coordinator";
}

/** Take the frame down; the live stream and polling keep running unless `stopServices`. */
function endShell({ stopServices = true } = {}) {
  endView();
  if (stopAlerts) stopAlerts();
  stopAlerts = null;
  if (shell) shell.destroy();
  shell = null;
  if (stopServices) {
    stopLiveStream();
    stopUnreadPolling();
    servicesRunning = false;
  }
}

function showLogin() {
  endShell();
  forgetReference();
  renderLogin(root, () => {
    const { path } = currentRoute();
    const account = currentAccount();
    if (path === "/" || !allows(account.role, path))
      navigate(homeFor(account.role), { replace: true });
    else render();
  });
}

function mountShell(account) {
  shell = createShell(account, {
    onLogout: () => logOut(),
    onOpenReport: (id) => navigate(`/reports/${id}`),
    live: isAreaManager(account),
  });
  root.replaceChildren(shell.element);
  if (isAreaManager(account)) {
    const banner = shell.banner;
    stopAlerts = onUrgentReport((report) => {
      banner.show(report);
      refreshUnread();
    });
  }
  if (!servicesRunning) {
    servicesRunning = true;
    startUnreadPolling();
    if (isAreaManager(account)) startLiveStream();
  }
}

function render() {
  const account = currentAccount();
  if (!account) {
    showLogin();
    return;
  }
  const { path, query, params, route } = currentRoute();
  if (!route || !allows(account.role, path)) {
    navigate(homeFor(account.role), { replace: true });
    return;
  }
  if (!shell) mountShell(account);
  endView();
  shell.setActive(path);
  shell.view.replaceChildren();
  viewController = new AbortController();
  viewCleanup = VIEWS[route.name](shell.view, {
    account,
    params,
    query,
    signal: viewController.signal,
  });
}

onSessionChange((session) => {
  if (!session) showLogin();
});
// Another tab logged out (or in as someone else): follow it.
window.addEventListener("storage", (event) => {
  if (event.key !== "tantou.console.session") return;
  endShell();
  render();
});
onLangChange(() => {
  if (!currentAccount()) {
    showLogin();
    return;
  }
  endShell({ stopServices: false });
  render();
});

startRouter(render);
