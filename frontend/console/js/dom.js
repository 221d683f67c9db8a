// Building DOM nodes safely: text always goes in as text nodes, never as markup.

/**
 * Create an element. `props` sets attributes (strings), event handlers (`onclick`…),
 * `className`, `dataset` and a few properties; children are nodes or strings (as text).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "className") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "hidden") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (nodes, strings, arrays, null) to a parent. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace everything inside `parent` with `children`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A labelled form field: label, control, and a slot for its error message. */
export function field(labelText, control, hint = null) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const error = h("div", { className: "field-error", role: "alert" });
  const wrapper = h(
    "div",
    { className: "field" },
    h("label", { for: id }, labelText),
    control,
    hint ? h("div", { className: "field-hint" }, hint) : null,
    error,
  );
  wrapper.showError = (message) => {
    error.textContent = message || "";
    control.toggleAttribute("aria-invalid", Boolean(message));
  };
  return wrapper;
}
