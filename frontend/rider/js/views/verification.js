// A verification task: go and look, photograph the place as it is now, add a note, send.

import { api } from "../api.js";
import { shrinkPhoto } from "../camera.js";
import { categoryByCode, loadCategories } from "../categories.js";
import { append, h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { NetworkError } from "../../../shared/http.js";
import { formatTime, localName, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { errorText, loadInto, pageHeader } from "../ui.js";

export function verificationView({ root, params }) {
  const body = h("div", { class: "view" });
  root.append(pageHeader(t("verify.title"), { back: "/tasks" }), body);
  loadInto(body, () => openTask(Number(params.id)), draw);

  function draw(task) {
    let photo = null;
    const preview = h("div", { class: "photo-strip" });
    const camera = h("input", {
      id: "verify-photo",
      class: "file-cover",
      type: "file",
      accept: "image/*",
      capture: "environment",
      onchange: () => {
        const file = camera.files[0];
        if (!file) return;
        photo = shrinkPhoto(file, 0);
        preview.replaceChildren(
          h("div", { class: "photo-tile" }, h("img", { src: URL.createObjectURL(file), alt: "" })),
        );
      },
    });
    const note = h("textarea", {
      id: "verify-note",
      class: "input",
      rows: 3,
      maxlength: 500,
      placeholder: t("verify.note_hint"),
    });
    const submit = h(
      "button",
      { class: "button primary send-button", type: "button", onclick: send },
      t("verify.submit"),
    );

    append(
      body,
      h(
        "div",
        { class: "card" },
        h("p", { class: "task-title" }, localName(categoryByCode(task.category))),
        h(
          "p",
          { class: "hint" },
          t("verify.reported", { time: formatTime(task.created_at), id: task.report_id }),
        ),
        task.description ? h("p", {}, task.description) : null,
        h(
          "a",
          {
            class: "button secondary small",
            target: "_blank",
            rel: "noopener",
            href: `https://uri.amap.com/marker?position=${task.lon},${task.lat}&coordinate=wgs84`,
          },
          icon(ICONS.pin, 18),
          h("span", {}, t("verify.map")),
        ),
      ),
      h(
        "div",
        { class: "card" },
        h("p", { class: "lead" }, t("verify.explain")),
        h(
          "label",
          { class: "snap-button small", for: "verify-photo" },
          icon(ICONS.camera, 32),
          h("span", {}, t("verify.take_photo")),
          camera,
        ),
        preview,
        h("div", { class: "field" }, h("label", { for: "verify-note" }, t("verify.note")), note),
      ),
      h("div", { class: "send-bar" }, submit),
    );

    async function send() {
      if (!photo) return toast(t("verify.need_photo"));
      submit.disabled = true;
      try {
        const shrunk = await photo;
        const form = new FormData();
        if (note.value.trim()) form.append("note", note.value.trim());
        form.append("photo", new Blob([shrunk.buffer], { type: shrunk.type }), shrunk.name);
        await api(`/verifications/${task.id}/submit`, { method: "POST", form });
        toast(t("verify.thanks"), "ok");
        navigate("/tasks", { replace: true });
      } catch (error) {
        submit.disabled = false;
        toast(error instanceof NetworkError ? t("verify.offline") : errorText(error), "error");
      }
      return undefined;
    }
  }
}

/** The open task with this id (the API lists tasks; there is no single-task read). */
async function openTask(id) {
  const [{ items }] = await Promise.all([
    api("/verifications", { query: { status: "open" } }),
    loadCategories().catch(() => {}),
  ]);
  const task = items.find((item) => item.id === id);
  if (!task) throw new Error(t("verify.gone"));
  return task;
}
