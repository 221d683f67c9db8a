// Start-up: login or the role's console; routes to views; wires the live urgent stream.

import { logOut } from './auth.js';
import { onLanguageChange } from './i18n.js';
import { allows, homeFor } from './menu.js';
import { forgetReference } from './reference.js';
import { currentLocation, match, navigate, route, start } from './router.js';
import { currentAccount, onSessionChange } from './session.js';
import { createShell } from './shell.js';
import { onUrgentReport, startUrgentStream, stopUrgentStream } from './urgent-stream.js';
import { refreshUnread, startUnreadPolling, stopUnreadPolling } from './unread.js';
import { renderLogin } from './views/login.js';
import { VIEWS } from './views/index.js';

const root = document.getElementById('app');
let shell = null;
let viewCleanup = null;
let viewController = null;
let stopAlerts = null;
let servicesRunning = false;

route('/queue', 'queue');
route('/unassigned', 'unassigned');
route('/reports/:id', 'report');
route('/tasks', 'tasks');
route('/my-tasks', 'myTasks');
route('/my-tasks/:id', 'myTask');
route('/riders', 'riders');
route('/stats', 'stats');
route('/notices', 'notices');
route('/redemptions', 'redemptions');
route('/notifications', 'notifications');
route('/units', 'units');
route('/categories', 'categories');
route('/rewards', 'rewards');
route('/integrations', 'integrations');
route('/integrations/webhooks/:id', 'webhookDeliveries');

function endView() {
  if (viewController) viewController.abort();
  if (typeof viewCleanup === 'function') viewCleanup();
  viewCleanup = null;
  viewController = null;
}

// Area managers (admins, coordinators) follow urgent reports live; units do not.
function isAreaManager(account) {
  return account.role === 'admin' || account.role === 'coordinator';
}

/** Take the frame down; the live stream and polling keep running unless `stopServices`. */
function endShell({ stopServices = true } = {}) {
  endView();
  if (stopAlerts) stopAlerts();
  stopAlerts = null;
  if (shell) shell.destroy();
  shell = null;
  if (stopServices) {
    stopUrgentStream();
    stopUnreadPolling();
    servicesRunning = false;
  }
}

function showLogin() {
  endShell();
  forgetReference();
  renderLogin(root, () => {
    const { path } = currentLocation();
    const account = currentAccount();
    if (path === '/' || !allows(account.role, path))
      navigate(homeFor(account.role), {}, { replace: true });
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
    if (isAreaManager(account)) startUrgentStream();
  }
}

function render() {
  const account = currentAccount();
  if (!account) {
    showLogin();
    return;
  }
  const { path, query } = currentLocation();
  const found = match(path);
  if (!found || !allows(account.role, path)) {
    navigate(homeFor(account.role), {}, { replace: true });
    return;
  }
  if (!shell) mountShell(account);
  endView();
  shell.setActive(path);
  shell.view.replaceChildren();
  viewController = new AbortController();
  viewCleanup = VIEWS[found.name](shell.view, {
    account,
    params: found.params,
    query,
    signal: viewController.signal,
  });
}

onSessionChange((session) => {
  if (!session) showLogin();
});
// Another tab logged out (or in as someone else): follow it.
window.addEventListener('storage', (event) => {
  if (event.key !== 'tantou.console.session') return;
  endShell();
  render();
});
onLanguageChange(() => {
  if (!currentAccount()) {
    showLogin();
    return;
  }
  endShell({ stopServices: false });
  render();
});

start(render);
