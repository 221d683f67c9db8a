// Policy notices (政策宣讲): read one, acknowledge it, pass it on.

import { api } from "../api.js";
import { append, h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { formatTime, t } from "../i18n.js";
import { errorText, loadInto, pageHeader } from "../ui.js";
import { noticeList } from "./tasks.js";

export function noticesView({ root }) {
  const body = h("div", {});
  root.append(pageHeader(t("tasks.notices"), { back: true }), body);
  loadInto(
    body,
    () => api("/notices"),
    (data) => body.append(noticeList(data.items)),
  );
}

export function noticeView({ root, params }) {
  const body = h("article", { class: "card notice-article" });
  root.append(pageHeader(t("notice.title"), { back: "/notices" }), body);
  loadInto(body, () => api(`/notices/${params.id}`), draw);

  function draw(notice) {
    const acknowledge = h(
      "button",
      {
        class: "button primary block",
        type: "button",
        id: "notice-ack",
        disabled: Boolean(notice.read_at),
        onclick: async () => {
          acknowledge.disabled = true;
          try {
            await api(`/notices/${notice.id}/read`, { method: "POST" });
            acknowledge.textContent = t("notice.acknowledged");
            toast(t("notice.acknowledged"), "ok");
          } catch (error) {
            acknowledge.disabled = false;
            toast(errorText(error), "error");
          }
        },
      },
      notice.read_at ? t("notice.acknowledged") : t("notice.acknowledge"),
    );
    const share = h(
      "button",
      {
        class: "button secondary block",
        type: "button",
        id: "notice-share",
        onclick: () => passOn(notice),
      },
      icon(ICONS.share, 20),
      h("span", {}, t("notice.share")),
    );
    append(
      body,
      h("h1", {}, notice.title),
      h("p", { class: "notice-meta" }, formatTime(notice.published_at)),
      h("div", { class: "notice-body" }, notice.body),
      notice.links?.length
        ? h(
            "ul",
            { class: "notice-links" },
            notice.links.map((link) =>
              h(
                "li",
                {},
                h("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, link),
              ),
            ),
          )
        : null,
      h("div", { class: "notice-actions" }, acknowledge, share),
    );
  }
}

/**
 * How the notice went out: "shared" (the share sheet), "copied" (no share sheet, or it
 * failed: the link is on the clipboard), "cancelled" (the rider closed the sheet) or "failed".
 */
async function sendOut(notice, url) {
  if (navigator.share) {
    try {
      await navigator.share({ title: notice.title, text: notice.title, url });
      return "shared";
    } catch (error) {
      if (error?.name === "AbortError") return "cancelled";
    }
  }
  if (!navigator.clipboard?.writeText) return "failed";
  try {
    await navigator.clipboard.writeText(`${notice.title} ${url}`);
    return "copied";
  } catch {
    return "failed";
  }
}

/** Share through the phone's share sheet (or copy the link), then count it as passed on; a
 * toast says what happened, including when nothing could be shared. */
async function passOn(notice) {
  const url = `${location.origin}/#/notices/${notice.id}`;
  const outcome = await sendOut(notice, url);
  if (outcome === "cancelled") return toast(t("notice.share_cancelled"));
  if (outcome === "failed") return toast(t("notice.share_failed", { url }), "error");
  try {
    const receipt = await api(`/notices/${notice.id}/share`, { method: "POST" });
    const points = receipt.points_earned
      ? ` ${t("tasks.points", { n: receipt.points_earned })}`
      : "";
    toast(`${t(`notice.${outcome}`)}${points}`, "ok");
  } catch (error) {
    toast(errorText(error), "error");
  }
  return undefined;
}
