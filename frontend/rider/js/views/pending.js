// Waiting for the community to approve the registration.

import { refreshMe } from "../auth.js";
import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { errorText, logoutButton } from "../ui.js";

export function pendingView({ root, me }) {
  const check = h(
    "button",
    { class: "button primary block", type: "button", onclick: recheck },
    t("pending.check"),
  );
  root.append(
    h(
      "div",
      { class: "card pending" },
      h("div", { class: "pending-icon" }, icon(ICONS.tasks, 40)),
      h("h1", {}, t("pending.title")),
      h("p", { class: "status-line", role: "status" }, t("pending.status")),
      h("p", { class: "lead" }, t("pending.explain", { phone: me?.username || "" })),
      check,
      logoutButton("button link"),
    ),
  );

  async function recheck() {
    check.disabled = true;
    try {
      const fresh = await refreshMe();
      if (fresh.status === "active") {
        toast(t("pending.approved"), "ok");
        navigate("/", { replace: true });
      } else {
        toast(t("pending.still"));
      }
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      check.disabled = false;
    }
  }
}
