// Form rows with labels, and the brand block of the login and registration screens.

import { h } from "../../../shared/dom.js";
import { t } from "../i18n.js";

let fieldNumber = 0;

/** A labelled input: {row, input}. Other props go to the <input>. */
export function field({ label, hint = null, ...props }) {
  const id = `field-${(fieldNumber += 1)}`;
  const input = h("input", { id, class: "input", ...props });
  const row = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    hint ? h("p", { class: "hint" }, hint) : null,
  );
  return { row, input };
}

/** A labelled <select> with [value, text] options: {row, input}. */
export function selectField({ label, options = [], ...props }) {
  const id = `field-${(fieldNumber += 1)}`;
  const input = h(
    "select",
    { id, class: "input", ...props },
    options.map(([value, text]) => h("option", { value }, text)),
  );
  const row = h("div", { class: "field" }, h("label", { for: id }, label), input);
  return { row, input };
}

/** Show `text` under a field ({row, input}) and mark its input invalid; null clears both. */
export function showFieldError({ row, input }, text) {
  const id = `${input.id}-error`;
  let line = row.querySelector(`#${id}`);
  if (!line) {
    line = h("p", { class: "field-error", id, hidden: true });
    row.append(line);
  }
  line.textContent = text || "";
  line.hidden = !text;
  if (text) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  } else {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

/**
 * The checks of a form, each `{field, problem}` (`problem()` gives a message or null). Returns
 * a function that runs them all when the form is sent: each failing one shows its message
 * under its field, the first is focused, and it tells whether all passed. A field showing a
 * message is checked again on every input and change, and the message goes once it is fixed.
 */
export function fieldChecks(checks) {
  for (const { field: checked, problem } of checks) {
    const recheck = () => {
      if (checked.input.getAttribute("aria-invalid") === "true" && !problem()) {
        showFieldError(checked, null);
      }
    };
    checked.input.addEventListener("input", recheck);
    checked.input.addEventListener("change", recheck);
  }
  return () => {
    const failing = checks.filter(({ field: checked, problem }) => {
      const text = problem();
      showFieldError(checked, text);
      return Boolean(text);
    });
    failing[0]?.field.input.focus();
    return failing.length === 0;
  };
}

/** The app's mark and motto above the login and registration forms. */
export function brandBlock() {
  return h(
    "div",
    { class: "brand-block" },
    h("img", { src: "/icons/icon-192.png", alt: "", width: 72, height: 72 }),
    h("h1", { class: "brand-name" }, t("app.name")),
    h("p", { class: "brand-motto" }, t("app.motto")),
  );
}
