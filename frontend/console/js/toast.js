// Short confirmations and failures shown in a corner, announced to screen readers.

import { h } from "../../shared/dom.js";

const SHOW_MS = 4000;

function region() {
  let el = document.getElementById("toasts");
  if (!el) {
    el = h("div", { id: "toasts", class: "toasts", "aria-live": "polite" });
    document.body.append(el);
  }
  return el;
}

/** Show `message`; kind is 'ok', 'info' (news) or 'error'. */
export function toast(message, kind = "ok") {
  const item = h(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    message,
  );
  region().append(item);
  setTimeout(() => item.remove(), SHOW_MS);
}
