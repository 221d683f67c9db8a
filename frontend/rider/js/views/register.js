// 报到备案: a rider registers with a community (and a team) and waits for approval.

import { api } from "../api.js";
import { logIn } from "../auth.js";
import { h, replace } from "../../../shared/dom.js";
import { ApiError } from "../../../shared/http.js";
import { t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { errorText } from "../ui.js";
import { brandBlock, field, fieldChecks, selectField } from "./forms.js";
import { consentBlock } from "./privacy.js";

const PLATFORMS = ["meituan", "eleme", "sf", "jd", "shansong", "other"];

export function registerView({ root }) {
  const phone = field({
    name: "phone",
    label: t("register.phone"),
    type: "tel",
    inputmode: "numeric",
    autocomplete: "tel",
    maxlength: 11,
    required: true,
    pattern: "1[3-9][0-9]{9}",
  });
  const name = field({
    name: "name",
    label: t("register.name"),
    autocomplete: "name",
    maxlength: 50,
    required: true,
  });
  const password = field({
    name: "password",
    label: t("register.password"),
    type: "password",
    autocomplete: "new-password",
    minlength: 8,
    required: true,
    hint: t("register.password_hint"),
  });
  const platform = selectField({
    name: "platform",
    label: t("register.platform"),
    options: PLATFORMS.map((p) => [p, t(`platform.${p}`)]),
  });
  const partyMember = h("input", {
    type: "checkbox",
    name: "party_member",
    id: "party-member",
    class: "switch-input",
  });
  const community = selectField({
    name: "community_code",
    label: t("register.community"),
    required: true,
    options: [["", t("common.loading")]],
  });
  const team = selectField({
    name: "team_id",
    label: t("register.team"),
    options: [["", t("register.no_team")]],
  });
  const consent = consentBlock();
  const message = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h(
    "button",
    { class: "button primary block", type: "submit" },
    t("register.submit"),
  );

  const form = h(
    "form",
    { class: "card form", novalidate: true, onsubmit: onSubmit },
    h("h2", {}, t("register.title")),
    h("p", { class: "lead" }, t("register.lead")),
    phone.row,
    name.row,
    password.row,
    platform.row,
    h(
      "div",
      { class: "switch-row" },
      h("label", { for: "party-member" }, t("register.party_member")),
      partyMember,
    ),
    community.row,
    team.row,
    consent.row,
    message,
    submit,
    h(
      "p",
      { class: "form-switch" },
      t("register.have_account"),
      " ",
      h("a", { href: "#/login" }, t("register.login")),
    ),
  );
  root.append(brandBlock(), form);

  community.input.addEventListener("change", () => loadTeams(community.input.value));
  loadCommunities();

  async function loadCommunities() {
    try {
      const { items } = await api("/communities", { auth: false });
      const streets = new Map();
      for (const c of items) {
        const key = c.street_name || "";
        if (!streets.has(key)) streets.set(key, []);
        streets.get(key).push(c);
      }
      replace(
        community.input,
        h("option", { value: "" }, t("register.pick_community")),
        [...streets].map(([street, list]) =>
          h(
            "optgroup",
            { label: street || t("register.other_area") },
            list.map((c) => h("option", { value: c.code }, c.name)),
          ),
        ),
      );
    } catch (error) {
      community.input.replaceChildren(h("option", { value: "" }, errorText(error)));
    }
  }

  async function loadTeams(code) {
    team.input.replaceChildren(h("option", { value: "" }, t("register.no_team")));
    if (!code) return;
    try {
      const { items } = await api("/teams", { auth: false, query: { community_code: code } });
      team.input.append(...items.map((tm) => h("option", { value: String(tm.id) }, tm.name)));
    } catch {
      /* teams are optional: the rider can join one later */
    }
  }

  const checksPass = fieldChecks([
    {
      field: phone,
      problem: () =>
        /^1[3-9]\d{9}$/.test(phone.input.value.trim()) ? null : t("register.bad_phone"),
    },
    { field: name, problem: () => (name.input.value.trim() ? null : t("register.missing_name")) },
    {
      field: password,
      problem: () => (password.input.value.length >= 8 ? null : t("register.password_hint")),
    },
    {
      field: community,
      problem: () => (community.input.value ? null : t("register.pick_community")),
    },
    { field: consent, problem: () => (consent.consentVersion() ? null : t("privacy.must_agree")) },
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
    const body = {
      phone: phone.input.value.trim(),
      name: name.input.value.trim(),
      password: password.input.value,
      platform: platform.input.value,
      party_member: partyMember.checked,
      community_code: community.input.value,
      team_id: team.input.value ? Number(team.input.value) : null,
      privacy_consent_version: consent.consentVersion(),
    };
    try {
      await api("/riders", { method: "POST", json: body, auth: false });
      await logIn(body.phone, body.password);
      navigate("/pending", { replace: true });
    } catch (error) {
      message.textContent =
        error instanceof ApiError && error.status === 409 ? t("register.taken") : errorText(error);
      message.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }
}
