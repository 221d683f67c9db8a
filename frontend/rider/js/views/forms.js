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
