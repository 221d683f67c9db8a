// A labelled form field with a slot for its error message.

import { h } from "../../shared/dom.js";

/** A labelled form field: label, control, and a slot for its error message. */
export function field(labelText, control, hint = null) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const error = h("div", { class: "field-error", role: "alert" });
  const wrapper = h(
    "div",
    { class: "field" },
    h("label", { for: id }, labelText),
    control,
    hint ? h("div", { class: "field-hint" }, hint) : null,
    error,
  );
  wrapper.showError = (message) => {
    error.textContent = message || "";
    control.toggleAttribute("aria-invalid", Boolean(message));
  };
  return wrapper;
}
