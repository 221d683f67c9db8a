// The rider app: the shell (top bar, tab bar), routes with their access rules, and start-up.

import { UNAUTHORIZED_EVENT } from "./api.js";
import { cachedMe, isLoggedIn, logOut, refreshMe } from "./auth.js";
import { refreshUnread } from "./badge.js";
import { h, replace } from "../../shared/dom.js";
import { icon, ICONS } from "./icons.js";
import { toast } from "./toast.js";
import { applyTitle, getLang, onLangChange, setLang, t } from "./i18n.js";
import { startOutbox } from "./outbox.js";
import { addRoute, currentRoute, navigate, startRouter } from "../../shared/router.js";
import { homeView } from "./views/home.js";
import { loginView } from "./views/login.js";
import { meView } from "./views/me.js";
import { messagesView } from "./views/messages.js";
import { nearbyView } from "./views/nearby.js";
import { noticeView, noticesView } from "./views/notice.js";
import { pendingView } from "./views/pending.js";
import { pointsView } from "./views/points.js";
import { registerView } from "./views/register.js";
import { pickCategoryView, reviewView } from "./views/report-new.js";
import { reportView } from "./views/report.js";
import { reportsView } from "./views/reports.js";
import { tasksView } from "./views/tasks.js";
import { verificationView } from "./views/verification.js";

// access: "public" (logged out only), "pending" (waiting for approval), "active" (the default).
addRoute("/login", { view: loginView, access: "public", chrome: false });
addRoute("/register", { view: registerView, access: "public", chrome: false });
addRoute("/pending", { view: pendingView, access: "pending", chrome: false });
addRoute("/", { view: homeView, tab: "home" });
addRoute("/new", { view: pickCategoryView, chrome: false });
addRoute("/new/send", { view: reviewView, chrome: false });
addRoute("/nearby", { view: nearbyView, tab: "home" });
addRoute("/reports", { view: reportsView, tab: "reports" });
addRoute("/reports/:id", { view: reportView, tab: "reports" });
addRoute("/tasks", { view: tasksView, tab: "tasks" });
addRoute("/verifications/:id", { view: verificationView, tab: "tasks", chrome: false });
addRoute("/notices", { view: noticesView, tab: "tasks" });
addRoute("/notices/:id", { view: noticeView, tab: "tasks" });
addRoute("/points", { view: pointsView, tab: "points" });
addRoute("/messages", { view: messagesView, tab: "me" });
addRoute("/me", { view: meView, tab: "me" });

const TABS = [
  ["home", "/", ICONS.camera],
  ["reports", "/reports", ICONS.list],
  ["tasks", "/tasks", ICONS.tasks],
  ["points", "/points", ICONS.star],
  ["me", "/me", ICONS.user],
];

const main = document.getElementById("main");
let stopView = null;
let firstView = true;

function drawShell() {
  const other = getLang() === "zh-CN" ? "en" : "zh-CN";
  replace(
    document.getElementById("topbar"),
    h(
      "a",
      { class: "brand", href: "#/" },
      h("img", { src: "/icons/favicon-32.png", alt: "", width: 28, height: 28 }),
      h("span", {}, t("app.name")),
    ),
    h(
      "span",
      { class: "net-status", id: "net-status", role: "status", hidden: navigator.onLine },
      icon(ICONS.offline, 16),
      h("span", {}, t("net.offline")),
    ),
    h(
      "button",
      {
        class: "lang-switch",
        id: "lang-switch",
        type: "button",
        onclick: () => setLang(other),
      },
      // The name read aloud starts with the visible letters, so voice control finds it by them.
      h("span", { lang: other }, t(`lang.short.${other}`)),
      h("span", { class: "visually-hidden" }, t("lang.switch_to", { lang: t(`lang.${other}`) })),
    ),
    h(
      "a",
      {
        class: "icon-button bell",
        id: "bell",
        href: "#/messages",
        "aria-label": t("messages.title"),
        hidden: !isLoggedIn(),
      },
      icon(ICONS.bell),
      h("span", { class: "badge", id: "unread-badge", hidden: true }),
    ),
  );
  document.getElementById("tabbar").setAttribute("aria-label", t("tab.label"));
  replace(
    document.getElementById("tabbar"),
    TABS.map(([name, path, paths]) =>
      h(
        "a",
        { class: "tab-link", href: `#${path}`, dataset: { tab: name } },
        icon(paths, 24),
        h("span", {}, t(`tab.${name}`)),
      ),
    ),
  );
}

/** The path an account may be on instead of `route` (null when it may stay). */
function redirectFor(route) {
  const access = route?.access || "active";
  if (!isLoggedIn()) return access === "public" ? null : "/login";
  const status = cachedMe()?.status;
  if (access === "public") return status === "pending" ? "/pending" : "/";
  if (status === "pending" && access !== "pending") return "/pending";
  if (status !== "pending" && access === "pending") return "/";
  return null;
}

function show(match) {
  if (!match.route) return navigate("/", { replace: true });
  const redirect = redirectFor(match.route);
  if (redirect) return navigate(redirect, { replace: true });
  if (typeof stopView === "function") stopView();
  const view = h("section", { class: "view", dataset: { route: match.route.pattern } });
  main.replaceChildren(view);
  document.body.dataset.chrome = String(match.route.chrome !== false);
  for (const link of document.querySelectorAll(".tab-link")) {
    if (link.dataset.tab === match.route.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.getElementById("bell").hidden = !isLoggedIn();
  window.scrollTo(0, 0);
  // After a navigation, screen readers start reading the new screen rather than the old spot.
  if (!firstView) main.focus({ preventScroll: true });
  firstView = false;
  stopView = match.route.view({
    root: view,
    params: match.params,
    query: match.query,
    me: cachedMe(),
  });
  if (isLoggedIn() && match.route.chrome !== false) refreshUnread();
  return undefined;
}

function watchNetwork() {
  const update = () => {
    const status = document.getElementById("net-status");
    if (status) status.hidden = navigator.onLine;
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
  } catch {
    // Without a service worker the app still works online, and the outbox still replays.
  }
}

/** Ask the server who we are (approval may have come); re-route if that changed anything. */
async function refreshAccount() {
  if (!isLoggedIn() || !navigator.onLine) return;
  const before = cachedMe()?.status;
  try {
    const me = await refreshMe();
    if (me.status !== before) show(currentRoute());
  } catch {
    /* offline or logged out: the cached account stands */
  }
}

applyTitle();
drawShell();
watchNetwork();
onLangChange(() => {
  applyTitle();
  drawShell();
  show(currentRoute());
});
window.addEventListener(UNAUTHORIZED_EVENT, async () => {
  if (!isLoggedIn()) return;
  await logOut();
  toast(t("auth.expired"), "error");
  navigate("/login", { replace: true });
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refreshAccount();
});
startRouter(show);
startOutbox();
refreshAccount();
registerServiceWorker();
