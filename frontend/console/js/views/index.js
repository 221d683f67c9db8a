// Route name → view. A view renders into its root and may return a cleanup function.

import { renderCaseSheet } from "./case-sheet.js";
import { renderCategories } from "./categories.js";
import { renderIntegrations } from "./integrations.js";
import { renderMap } from "./map.js";
import { renderMyTask, renderMyTasks } from "./my-tasks.js";
import { renderNotices } from "./notices.js";
import { renderNotifications } from "./notifications.js";
import { renderPresets } from "./presets.js";
import { renderPrivacyAudit } from "./privacy-audit.js";
import { renderQueue } from "./queue.js";
import { renderRedemptions } from "./redemptions.js";
import { renderReport } from "./report.js";
import { renderRewards } from "./rewards.js";
import { renderRiders } from "./riders.js";
import { renderStats } from "./stats.js";
import { renderTasks } from "./tasks.js";
import { renderUnit, renderUnits } from "./units.js";
import { renderDeliveries } from "./webhooks.js";

export const VIEWS = {
  queue: (root, ctx) => renderQueue(root, ctx),
  unassigned: (root, ctx) => renderQueue(root, ctx, { unassignedOnly: true }),
  map: renderMap,
  report: renderReport,
  caseSheet: renderCaseSheet,
  tasks: renderTasks,
  myTasks: renderMyTasks,
  myTask: renderMyTask,
  riders: renderRiders,
  stats: renderStats,
  notices: renderNotices,
  redemptions: renderRedemptions,
  notifications: renderNotifications,
  units: renderUnits,
  unit: renderUnit,
  categories: renderCategories,
  rewards: renderRewards,
  presets: renderPresets,
  integrations: renderIntegrations,
  privacyAudit: renderPrivacyAudit,
  webhookDeliveries: renderDeliveries,
};
