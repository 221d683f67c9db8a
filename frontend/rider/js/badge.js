// The unread-notifications badge on the bell in the top bar.

import { api } from "./api.js";
import { t } from "./i18n.js";

/** Fetch the unread count and show it; quiet when offline. */
export async function refreshUnread() {
  try {
    const data = await api("/me/notifications", { query: { unread: true, limit: 1 } });
    showUnread(data.unread ?? 0);
  } catch {
    /* keep the last count */
  }
}

/** Show `count` on the badge (hidden at zero). */
export function showUnread(count) {
  const badge = document.getElementById("unread-badge");
  const bell = document.getElementById("bell");
  if (!badge || !bell) return;
  badge.hidden = count === 0;
  badge.textContent = count > 99 ? "99+" : String(count);
  bell.setAttribute(
    "aria-label",
    count ? t("messages.unread_n", { n: count }) : t("messages.title"),
  );
}
