// Log in with phone number and password.

import { logIn } from "../auth.js";
import { h } from "../../../shared/dom.js";
import { ApiError } from "../../../shared/http.js";
import { t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { errorText } from "../ui.js";
import { brandBlock, field, fieldChecks } from "./forms.js";

const STAFF_REFUSAL = /\/staff-account-in-rider-app$/;

function loginRefusal(error) {
  if (!(error instanceof ApiError)) return errorText(error);
  if (error.status === 401) return t("login.wrong");
  if (STAFF_REFUSAL.test(error.problem.type || "")) return t("login.staff");
  return errorText(error);
}

export function loginView({ root }) {
  const message = h("p", { class: "form-error", role: "alert", hidden: true });
  const phone = field({
    name: "username",
    label: t("login.phone"),
    type: "tel",
    autocomplete: "username",
    inputmode: "numeric",
    maxlength: 11,
    required: true,
  });
  const password = field({
    name: "password",
    label: t("login.password"),
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { class: "button primary block", type: "submit" }, t("login.submit"));
  const form = h(
    "form",
    { class: "card form", novalidate: true, onsubmit: onSubmit },
    h("h2", {}, t("login.title")),
    phone.row,
    password.row,
    message,
    submit,
    h(
      "p",
      { class: "form-switch" },
      t("login.no_account"),
      " ",
      h("a", { href: "#/register" }, t("login.register")),
    ),
  );
  root.append(brandBlock(), form);
  const checksPass = fieldChecks([
    { field: phone, problem: () => (phone.input.value.trim() ? null : t("login.missing_phone")) },
    {
      field: password,
      problem: () => (password.input.value ? null : t("login.missing_password")),
    },
  ]);
  // The server's answer is about what was sent: it goes once the rider changes anything.
  form.addEventListener("input", () => {
    message.hidden = true;
  });

  async function onSubmit(event) {
    event.preventDefault();
    message.hidden = true;
    if (!checksPass()) return;
    submit.disabled = true;
    try {
      const me = await logIn(phone.input.value.trim(), password.input.value);
      navigate(me.status === "pending" ? "/pending" : "/", { replace: true });
    } catch (error) {
      message.textContent = loginRefusal(error);
      message.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }
}
