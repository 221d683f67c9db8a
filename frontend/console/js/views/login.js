// The login page: username and password; only console accounts (area managers and units) get in.

import { ApiError } from "../../../shared/http.js";
import { logIn } from "../auth.js";
import { field } from "../field.js";
import { h } from "../../../shared/dom.js";
import { describeError } from "../ui.js";
import { t } from "../i18n.js";
import { languageSwitch } from "../shell.js";

/** Render the login page into `root`; `onLoggedIn(account)` runs after a successful login. */
export function renderLogin(root, onLoggedIn) {
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const usernameField = field(t("login.username"), username);
  const passwordField = field(t("login.password"), password);
  const error = h("div", { class: "form-error", role: "alert" });
  const submit = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-block" },
    t("login.submit"),
  );

  const form = h(
    "form",
    { class: "login-form", novalidate: true },
    h("h1", {}, t("login.title")),
    h("p", { class: "muted" }, t("login.subtitle")),
    usernameField,
    passwordField,
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    usernameField.showError(
      username.value.trim() ? "" : t("form.required", { field: t("login.username") }),
    );
    passwordField.showError(
      password.value ? "" : t("form.required", { field: t("login.password") }),
    );
    if (!username.value.trim() || !password.value) return;
    submit.disabled = true;
    try {
      onLoggedIn(await logIn(username.value.trim(), password.value));
    } catch (failure) {
      if (failure.code === "not-console-user") error.textContent = t("login.not_console_user");
      else if (failure instanceof ApiError && failure.status === 401)
        error.textContent = t("login.failed");
      else error.textContent = describeError(failure);
      password.select();
    } finally {
      submit.disabled = false;
    }
  });

  root.replaceChildren(
    h(
      "main",
      { class: "login-page" },
      h(
        "div",
        { class: "login-card" },
        h(
          "div",
          { class: "login-brand" },
          h("span", { class: "brand-mark", "aria-hidden": "true" }, "探"),
          h(
            "div",
            {},
            h("div", { class: "brand-name" }, t("app.name")),
            h("div", { class: "brand-sub" }, t("app.subtitle")),
          ),
          languageSwitch(),
        ),
        form,
      ),
      h("p", { class: "login-foot muted" }, t("login.footer")),
    ),
  );
  username.focus();
}
