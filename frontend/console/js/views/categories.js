// Categories (事件分类) for admins: the list, adding one, editing names, time limits and points.

import { api } from "../api.js";
import { plainBadge, urgentBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { label, t } from "../i18n.js";
import { categoryName, forgetReference } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { dataTable, errorBox, pageHeader } from "../ui.js";
import { UNIT_TYPES } from "./units.js";

const unitTypeOptions = () => UNIT_TYPES.map((u) => ({ value: u, label: label("unit_type", u) }));

function editableFields(category = {}) {
  return [
    {
      name: "name_zh",
      label: t("categories.name_zh"),
      required: true,
      maxLength: 64,
      value: category.name_zh,
    },
    {
      name: "name_en",
      label: t("categories.name_en"),
      required: true,
      maxLength: 100,
      value: category.name_en,
    },
    {
      name: "time_limit_hours",
      label: t("categories.time_limit"),
      type: "number",
      required: true,
      min: 0.5,
      step: 0.5,
      value: category.time_limit_hours,
    },
    {
      name: "default_unit_type",
      label: t("categories.unit_type"),
      type: "select",
      required: true,
      placeholder: t("form.choose"),
      options: unitTypeOptions(),
      value: category.default_unit_type,
    },
    {
      name: "points",
      label: t("categories.points"),
      type: "number",
      min: 0,
      max: 1000,
      step: 1,
      value: category.points ?? 5,
    },
    { name: "urgent", label: t("categories.urgent"), type: "checkbox", value: category.urgent },
  ];
}

function withoutEmpty(values) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ""));
}

function createCategory() {
  return openForm({
    title: t("categories.create_title"),
    fields: [
      {
        name: "code",
        label: t("categories.code"),
        required: true,
        maxLength: 8,
        hint: t("categories.code_hint"),
      },
      {
        name: "group",
        label: t("categories.group"),
        required: true,
        maxLength: 2,
        hint: t("categories.group_hint"),
      },
      {
        name: "group_name_zh",
        label: t("categories.group_name_zh"),
        required: true,
        maxLength: 64,
      },
      {
        name: "group_name_en",
        label: t("categories.group_name_en"),
        required: true,
        maxLength: 100,
      },
      ...editableFields(),
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) => api.post("/categories", withoutEmpty(v)),
  });
}

function editCategory(category) {
  return openForm({
    title: t("categories.edit_title", { code: category.code }),
    fields: [
      ...editableFields(category),
      {
        name: "active",
        label: t("categories.active"),
        type: "checkbox",
        value: category.active !== false,
      },
    ],
    submitLabel: t("action.save"),
    onSubmit: (v) => api.patch(`/categories/${encodeURIComponent(category.code)}`, withoutEmpty(v)),
  });
}

/** Render the category list. */
export async function renderCategories(root, { signal }) {
  const reload = (saved, key) => {
    if (!saved) return;
    toast(t(key, { name: saved.name_zh }));
    forgetReference("categories");
    navigate("/categories", { replace: true });
  };
  const add = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      onclick: async () => reload(await createCategory(), "done.category_created"),
    },
    t("categories.create"),
  );
  const table = dataTable(
    [
      { title: t("categories.code"), class: "mono", cell: (c) => c.code },
      { title: t("categories.name"), cell: (c) => categoryName(new Map([[c.code, c]]), c.code) },
      {
        title: t("categories.group"),
        cell: (c) => (c.group_name_zh ? `${c.group} ${c.group_name_zh}` : c.group),
      },
      {
        title: t("categories.time_limit"),
        cell: (c) => t("unit.hours", { n: c.time_limit_hours }),
      },
      { title: t("categories.unit_type"), cell: (c) => label("unit_type", c.default_unit_type) },
      { title: t("categories.points"), cell: (c) => String(c.points ?? "") },
      {
        title: "",
        cell: (c) => [
          c.urgent ? urgentBadge() : null,
          c.active === false ? plainBadge(t("categories.inactive")) : null,
        ],
      },
      {
        title: "",
        cell: (c) =>
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              onclick: async () => reload(await editCategory(c), "done.category_saved"),
            },
            t("action.edit"),
          ),
      },
    ],
    { emptyText: t("table.empty") },
  );
  root.append(pageHeader(t("nav.categories"), add), table.element);
  try {
    // The admin list includes deactivated categories, so that they can be switched back on.
    const { items } = await api.get("/categories/all");
    if (!signal.aborted) table.addRows(items);
  } catch (error) {
    root.append(errorBox(error));
  }
}
