// 个人信息保护: the notice agreed to at registration, and on the Me screen a copy of my data and
// ending my account.

import { api } from "../api.js";
import { logOut } from "../auth.js";
import { h } from "../../../shared/dom.js";
import { getLang, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { errorText } from "../ui.js";
import { field } from "./forms.js";

/** The notice in force and the "I agree" box: {row, consentVersion()}, which is null until the
 * notice has loaded and the box is ticked. */
export function consentBlock() {
  let version = null;
  const text = h("div", { class: "notice-text" }, t("common.loading"));
  const box = h("input", {
    type: "checkbox",
    class: "switch-input",
    id: "privacy-consent",
    name: "privacy_consent",
  });
  const row = h(
    "div",
    { class: "field consent" },
    h("details", {}, h("summary", {}, t("privacy.notice")), text),
    h(
      "div",
      { class: "switch-row" },
      h("label", { for: "privacy-consent" }, t("privacy.agree")),
      box,
    ),
  );
  api("/privacy-notice", { auth: false }).then(
    (notice) => {
      version = notice.version;
      const body = getLang() === "en" ? notice.text_en : notice.text_zh;
      text.replaceChildren(...body.split("\n").map((line) => h("p", {}, line)));
    },
    (error) => text.replaceChildren(errorText(error)),
  );
  return { row, consentVersion: () => (box.checked ? version : null) };
}

/** Download everything held about me, and end my account with my password entered again. */
export function myDataCard() {
  const password = field({
    name: "password",
    label: t("privacy.password"),
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const message = h("p", { class: "form-error", role: "alert", hidden: true });
  const exportButton = h(
    "button",
    { class: "button secondary block", type: "button", onclick: downloadMyData },
    t("privacy.export"),
  );
  const endButton = h("button", { class: "button danger block", type: "submit" }, t("privacy.end"));
  const ending = h(
    "details",
    { class: "account-ending" },
    h("summary", {}, t("privacy.end")),
    h(
      "form",
      { class: "form", novalidate: true, onsubmit: endAccount },
      h("p", { class: "hint" }, t("privacy.end_warning")),
      password.row,
      message,
      endButton,
    ),
  );
  return h("div", { class: "card" }, h("h2", {}, t("privacy.title")), exportButton, ending);

  async function downloadMyData() {
    exportButton.disabled = true;
    try {
      const data = await api("/me/export");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = h("a", { href: URL.createObjectURL(blob), download: "tantou-my-data.json" });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      exportButton.disabled = false;
    }
  }

  async function endAccount(event) {
    event.preventDefault();
    if (!password.input.value) return;
    if (!window.confirm(t("privacy.end_confirm"))) return;
    endButton.disabled = true;
    try {
      await api("/me", { method: "DELETE", json: { password: password.input.value } });
      await logOut();
      toast(t("privacy.ended"));
      navigate("/login", { replace: true });
    } catch (error) {
      message.textContent = errorText(error);
      message.hidden = false;
    } finally {
      endButton.disabled = false;
    }
  }
}
