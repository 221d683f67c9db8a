// Start-up: login or the role's console; routes to views; wires the live stream: urgent alerts,
// a toast for each notification, and the menu's counts.

import { logOut } from "./auth.js";
import { allows, homeFor } from "./menu.js";
import { forgetReference } from "./reference.js";
import { addRoute, currentRoute, navigate, startRouter } from "../../shared/router.js";
import { currentAccount, onSessionChange } from "./session.js";
import { createShell } from "./shell.js";
import {
  onLiveNotification,
  onUrgentReport,
  startLiveStream,
  stopLiveStream,
} from "./live-stream.js";
import { startUnreadPolling, stopUnreadPolling } from "./unread.js";
import { startInbox, stopInbox } from "./inbox.js";
import { urgentSummary } from "./banner.js";
import { armUrgentTone, notifyDesktop, playUrgentTone } from "./urgent-alerts.js";
import { toast } from "./toast.js";
import { getLang, onLangChange } from "./i18n.js";
import { renderLogin } from "./views/login.js";
import { VIEWS } from "./views/index.js";

const root = document.getElementById("app");
let shell = null;
let viewCleanup = null;
let viewController = null;
let stopAlerts = [];
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
  stopAlerts.forEach((stop) => stop());
  stopAlerts = [];
  if (shell) shell.destroy();
  shell = null;
  if (stopServices) {
    stopLiveStream();
    stopUnreadPolling();
    stopInbox();
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
    const openReport = (id) => navigate(`/reports/${id}`);
    stopAlerts = [
      onUrgentReport(async (report) => {
        banner.show(report);
        playUrgentTone();
        notifyDesktop(report, { text: await urgentSummary(report), onOpen: openReport });
      }),
      // Urgent reports have the banner; every other notification gets a toast.
      onLiveNotification((notification) => {
        if (notification.kind === "report_urgent") return;
        toast(getLang() === "en" ? notification.title_en : notification.title_zh, "info");
      }),
    ];
  }
  if (!servicesRunning) {
    servicesRunning = true;
    // Area managers' unread count comes with their inbox's counts.
    if (isAreaManager(account)) {
      armUrgentTone();
      startInbox();
      startLiveStream();
    } else {
      startUnreadPolling();
    }
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
