// Note presets (常用语): the rejection reasons and dispatch notes coordinators pick; admins keep
// them here (add, reword, move up, delete).

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { confirmAction, openForm } from "../dialog.js";
import { t } from "../i18n.js";
import { forgetReference } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { dataTable, errorBox, pageHeader } from "../ui.js";

const PURPOSES = ["reject", "dispatch"];
const TEXT_MAX = 500;

function editText(title, value = "") {
  return (onSubmit) =>
    openForm({
      title,
      fields: [
        {
          name: "text",
          label: t("presets.text"),
          type: "textarea",
          rows: 3,
          required: true,
          maxLength: TEXT_MAX,
          value,
        },
      ],
      submitLabel: t("action.save"),
      onSubmit,
    });
}

/** After a change: the dialogs read the presets afresh, and the page is drawn again. */
function changed(purpose, message) {
  forgetReference(`presets:${purpose}`);
  toast(message);
  navigate("/presets", { replace: true });
}

function actionsFor(preset, above) {
  const button = (text, onclick, kind = "btn") =>
    h("button", { type: "button", class: `${kind} btn-small`, onclick }, text);
  const edit = async () => {
    const saved = await editText(
      t("presets.edit_title"),
      preset.text,
    )((v) => api.patch(`/note-presets/${preset.id}`, { text: v.text }));
    if (saved) changed(preset.purpose, t("presets.saved"));
  };
  const moveUp = async () => {
    // Swap with the one above, so the order stays whole whatever positions were stored.
    await api.patch(`/note-presets/${preset.id}`, { position: above.position });
    await api.patch(`/note-presets/${above.id}`, { position: preset.position });
    changed(preset.purpose, t("presets.moved"));
  };
  const remove = async () => {
    const done = await confirmAction({
      title: t("presets.delete_title"),
      message: preset.text,
      confirmLabel: t("action.delete"),
      danger: true,
      onConfirm: () => api.delete(`/note-presets/${preset.id}`),
    });
    if (done) changed(preset.purpose, t("presets.deleted"));
  };
  return h(
    "div",
    { class: "row-actions" },
    button(t("action.edit"), edit),
    above ? button(t("presets.move_up"), moveUp) : null,
    button(t("action.delete"), remove, "btn btn-danger"),
  );
}

function section(purpose, presets) {
  const add = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      onclick: async () => {
        const created = await editText(t(`presets.add_${purpose}`))((v) =>
          api.post("/note-presets", { purpose, text: v.text }),
        );
        if (created) changed(purpose, t("presets.added"));
      },
    },
    t(`presets.add_${purpose}`),
  );
  const mine = presets.filter((p) => p.purpose === purpose);
  const table = dataTable(
    [
      { title: t("presets.text"), cell: (p) => p.text },
      { title: t("presets.actions"), cell: (p) => actionsFor(p, mine[mine.indexOf(p) - 1]) },
    ],
    { emptyText: t("presets.empty"), caption: t(`presets.${purpose}`) },
  );
  table.addRows(mine);
  return h(
    "section",
    { class: "panel", dataset: { purpose } },
    h("h2", { class: "panel-title" }, t(`presets.${purpose}`)),
    h("p", { class: "muted" }, t(`presets.${purpose}_hint`)),
    h("div", { class: "panel-actions" }, add),
    table.element,
  );
}

/** Render the presets page (admins). */
export async function renderPresets(root, { signal }) {
  root.append(pageHeader(t("nav.presets")));
  try {
    const { items } = await api.get("/note-presets");
    if (signal.aborted) return;
    root.append(...PURPOSES.map((purpose) => section(purpose, items)));
  } catch (error) {
    root.append(errorBox(error));
  }
}
