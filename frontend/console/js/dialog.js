// Modal forms: required fields are checked here, before anything is sent.

import { h } from "../../shared/dom.js";
import { field } from "./field.js";
import { describeError, selectOptions } from "./ui.js";
import { fieldErrors } from "../../shared/http.js";
import { t } from "./i18n.js";

function control(spec) {
  const common = { name: spec.name, required: spec.required || undefined };
  switch (spec.type) {
    case "textarea":
      return h("textarea", {
        ...common,
        rows: spec.rows || 4,
        maxlength: spec.maxLength,
        value: spec.value ?? "",
      });
    case "select":
      return h(
        "select",
        common,
        spec.placeholder ? h("option", { value: "" }, spec.placeholder) : null,
        selectOptions(spec.options, spec.value),
      );
    case "checkbox":
      return h("input", { ...common, type: "checkbox", checked: Boolean(spec.value) });
    case "file":
      return h("input", {
        ...common,
        type: "file",
        accept: spec.accept,
        multiple: spec.multiple || undefined,
      });
    default:
      return h("input", {
        ...common,
        type: spec.type || "text",
        value: spec.value ?? "",
        maxlength: spec.maxLength,
        min: spec.min,
        max: spec.max,
        step: spec.step,
        autocomplete: "off",
      });
  }
}

/** A set of checkboxes, one per option, in a fieldset whose legend is the field's label. */
function checkboxGroup(spec) {
  const chosen = new Set(spec.value || []);
  const boxes = spec.options.map((o) =>
    h("input", { type: "checkbox", value: o.value, checked: chosen.has(o.value) }),
  );
  const error = h("div", { class: "field-error", role: "alert" });
  const wrapper = h(
    "fieldset",
    { class: "field checkbox-group" },
    h("legend", {}, spec.label),
    spec.options.map((o, i) =>
      h(
        "label",
        { class: "checkbox-option" },
        boxes[i],
        h("span", {}, o.label),
        o.hint ? h("span", { class: "field-hint" }, o.hint) : null,
      ),
    ),
    spec.hint ? h("div", { class: "field-hint" }, spec.hint) : null,
    error,
  );
  wrapper.showError = (message) => {
    error.textContent = message || "";
    boxes[0].toggleAttribute("aria-invalid", Boolean(message));
  };
  return { wrapper, input: { boxes } };
}

/** Thumbnails of the images picked in a file input (local files, shown before sending). */
function filePreview(input, urls) {
  const strip = h("div", { class: "file-preview" });
  input.addEventListener("change", () => {
    strip.replaceChildren(
      ...Array.from(input.files || [])
        .filter((file) => file.type.startsWith("image/"))
        .map((file) => {
          const url = URL.createObjectURL(file);
          urls.push(url);
          return h("img", { src: url, alt: file.name, title: file.name });
        }),
    );
  });
  return strip;
}

function readValue(spec, input) {
  if (spec.type === "checkboxes") return input.boxes.filter((b) => b.checked).map((b) => b.value);
  if (spec.type === "checkbox") return input.checked;
  if (spec.type === "file") return Array.from(input.files || []);
  if (spec.type === "number") return input.value === "" ? null : Number(input.value);
  return input.value.trim();
}

function isEmpty(value) {
  return value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/**
 * Open a modal form. `fields`: [{name, label, type, required, options, value, hint, …}]; type
 * 'checkboxes' reads as the list of the checked options' values.
 * `onSubmit(values)` sends it; its result resolves the returned promise (null when cancelled).
 */
export function openForm({
  title,
  intro = null,
  fields,
  submitLabel,
  danger = false,
  onSubmit,
  onChange,
}) {
  return new Promise((resolve) => {
    const inputs = new Map();
    const wrappers = new Map();
    const previewUrls = [];
    for (const spec of fields) {
      if (spec.type === "checkboxes") {
        const group = checkboxGroup(spec);
        inputs.set(spec.name, group.input);
        wrappers.set(spec.name, group.wrapper);
        continue;
      }
      const input = control(spec);
      inputs.set(spec.name, input);
      wrappers.set(spec.name, field(spec.label, input, spec.hint));
      if (spec.type === "file") input.after(filePreview(input, previewUrls));
    }
    const formError = h("div", { class: "form-error", role: "alert" });
    const submit = h(
      "button",
      { type: "submit", class: danger ? "btn btn-danger" : "btn btn-primary" },
      submitLabel,
    );
    const cancel = h("button", { type: "button", class: "btn" }, t("action.cancel"));
    const form = h(
      "form",
      { method: "dialog", novalidate: true, class: "dialog-form" },
      h("h2", {}, title),
      intro,
      [...wrappers.values()],
      formError,
      h("div", { class: "dialog-actions" }, cancel, submit),
    );
    const dialog = h("dialog", { class: "dialog", "aria-label": title }, form);
    document.body.append(dialog);

    const values = () =>
      Object.fromEntries(fields.map((s) => [s.name, readValue(s, inputs.get(s.name))]));
    let settled = false;
    const close = (result) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      previewUrls.forEach((url) => URL.revokeObjectURL(url));
      resolve(result);
    };
    if (onChange) form.addEventListener("change", () => onChange(values(), inputs));
    cancel.addEventListener("click", () => close(null));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      formError.textContent = "";
      const current = values();
      let valid = true;
      for (const spec of fields) {
        const missing = spec.required && isEmpty(current[spec.name]);
        const message = spec.type === "checkboxes" ? "form.choose_some" : "form.required";
        wrappers.get(spec.name).showError(missing ? t(message, { field: spec.label }) : "");
        if (missing) valid = false;
      }
      if (!valid) {
        const firstInvalid = form.querySelector("[aria-invalid]");
        if (firstInvalid) firstInvalid.focus();
        return;
      }
      submit.disabled = true;
      try {
        close(await onSubmit(current));
      } catch (error) {
        const byField = fieldErrors(error);
        let shown = false;
        for (const [name, message] of Object.entries(byField)) {
          if (wrappers.has(name)) {
            wrappers.get(name).showError(message);
            shown = true;
          }
        }
        if (!shown) formError.textContent = describeError(error);
      } finally {
        submit.disabled = false;
      }
    });
    dialog.showModal();
    const first = form.querySelector("input, textarea, select");
    if (first) first.focus();
  });
}

/** Ask a yes/no question; resolves true when confirmed. */
export async function confirmAction({ title, message, confirmLabel, danger = false, onConfirm }) {
  const result = await openForm({
    title,
    intro: h("p", {}, message),
    fields: [],
    submitLabel: confirmLabel,
    danger,
    onSubmit: async () => {
      await onConfirm();
      return true;
    },
  });
  return result === true;
}

/** Show `body` with a single close button (no cancel: there is nothing to decide). */
export function showNotice({ title, body, closeLabel = t("action.close") }) {
  return new Promise((resolve) => {
    const closeButton = h("button", { type: "submit", class: "btn btn-primary" }, closeLabel);
    const form = h(
      "form",
      { method: "dialog", class: "dialog-form" },
      h("h2", {}, title),
      body,
      h("div", { class: "dialog-actions" }, closeButton),
    );
    const dialog = h("dialog", { class: "dialog", "aria-label": title }, form);
    document.body.append(dialog);
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve();
    });
    dialog.showModal();
    closeButton.focus();
  });
}
