// Page building blocks shared by the views: headings, tables, states, filters.

import { h } from "../../shared/dom.js";
import { problemMessage } from "../../shared/http.js";
import { hasText, t } from "./i18n.js";

/** A one-line message for an error: what happened in the UI language, plus the server's words. */
export function describeError(error) {
  return problemMessage(error, { t, hasText });
}

/** A page heading with optional actions on the right. */
export function pageHeader(title, ...actions) {
  return h(
    "div",
    { class: "page-header" },
    h("h1", {}, title),
    h("div", { class: "page-actions" }, actions),
  );
}

/** A titled panel. */
export function panel(title, ...children) {
  return h(
    "section",
    { class: "panel" },
    title ? h("h2", { class: "panel-title" }, title) : null,
    children,
  );
}

/**
 * A dense table. `columns`: [{title, cell(row) -> node|string, class}]; `rowProps(row)` adds
 * attributes to each <tr>. Returns {element, tbody, addRows(rows, {prepend}), rowFor(row)}.
 */
export function dataTable(
  columns,
  { rowProps = () => ({}), emptyText = t("table.empty"), caption = null } = {},
) {
  const tbody = h("tbody");
  const empty = h("tr", { class: "empty-row" }, h("td", { colspan: columns.length }, emptyText));
  tbody.append(empty);
  const rowFor = (row) =>
    h(
      "tr",
      rowProps(row),
      columns.map((column) => h("td", { class: column.class || "" }, column.cell(row))),
    );
  const element = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table" },
      caption ? h("caption", { class: "sr-only" }, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((column) =>
            h(
              "th",
              { scope: "col", class: column.class || "" },
              // A column of buttons or badges still names itself to a screen reader.
              column.title || h("span", { class: "sr-only" }, column.label || t("table.actions")),
            ),
          ),
        ),
      ),
      tbody,
    ),
  );
  return {
    element,
    tbody,
    rowFor,
    addRows(rows, { prepend = false } = {}) {
      if (!rows.length) return [];
      const nodes = rows.map(rowFor);
      if (prepend) tbody.prepend(...nodes);
      else tbody.append(...nodes);
      empty.remove();
      return nodes;
    },
    clear() {
      tbody.replaceChildren(empty);
    },
  };
}

/** A "loading…" placeholder. */
export function loading() {
  return h("div", { class: "loading", role: "status" }, t("state.loading"));
}

/** An error box with a retry button. */
export function errorBox(error, retry = null) {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("span", {}, describeError(error)),
    retry ? h("button", { type: "button", class: "btn", onclick: retry }, t("action.retry")) : null,
  );
}

/** <option>s for [{value, label, group?}], options with a `group` gathered under <optgroup>s. */
export function selectOptions(options, value) {
  const groups = new Map();
  const nodes = [];
  for (const o of options) {
    const option = h(
      "option",
      { value: o.value, selected: o.value === (value ?? "") || undefined },
      o.label,
    );
    if (!o.group) {
      nodes.push(option);
      continue;
    }
    if (!groups.has(o.group)) {
      groups.set(o.group, h("optgroup", { label: o.group }));
      nodes.push(groups.get(o.group));
    }
    groups.get(o.group).append(option);
  }
  return nodes;
}

/** A labelled <select> for a filter bar. */
export function filterSelect(labelText, name, options, value, onChange) {
  const select = h(
    "select",
    { name, onchange: (event) => onChange(event.target.value) },
    selectOptions(options, value),
  );
  return h("label", { class: "filter" }, h("span", {}, labelText), select);
}

/** Definition list rows: [[term, value], …] with value a node or text. */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

/** Run `work()` with the button disabled; the result of work is returned. */
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

/**
 * Fills `table` page by page from a keyset-paginated list, with a "load more" button.
 * `fetchPage(cursor)` answers `{items, next_cursor}`. Returns the message slot (errors), the
 * footer holding the button, and `loadPage` to load the first page.
 */
export function pagedRows(table, fetchPage) {
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("queue.load_more"));
  const message = h("div");
  let cursor = null;
  async function loadPage() {
    message.replaceChildren();
    try {
      const page = await fetchPage(cursor);
      table.addRows(page.items);
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      if (error.name !== "AbortError") message.replaceChildren(errorBox(error, loadPage));
    }
  }
  more.addEventListener("click", () => busy(more, loadPage));
  return { message, foot: h("div", { class: "table-foot" }, more), loadPage };
}
