// Building DOM nodes from text and elements only (no markup is ever parsed), so server text is inert.

const PROPERTIES = new Set(["hidden", "disabled", "value", "checked", "selected", "multiple"]);

/**
 * h("button", {class: "big", onclick: fn, "aria-label": "…"}, "text", childNode, [more]).
 * Props starting with "on" become listeners; `class`, `dataset` and a few form properties are set
 * as properties; everything else as attributes (null/undefined/false leaves it out).
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (PROPERTIES.has(name)) {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  return append(node, ...children);
}

/** Append children to `node`: strings go in as text, arrays are flattened, null/false left out. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace everything inside `node` with `children`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, ...children);
}
