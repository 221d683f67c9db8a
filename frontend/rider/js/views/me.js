// Me: who I am, my team, news on this phone, the language, my data, and logging out.

import { api } from "../api.js";
import { cachedMe } from "../auth.js";
import { h, replace } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { LANGUAGES, getLang, setLang, t } from "../i18n.js";
import { pushState, turnPushOff, turnPushOn } from "../push.js";
import { toast } from "../toast.js";
import { errorText, logoutButton, pageHeader } from "../ui.js";
import { myDataCard } from "./privacy.js";

export function meView({ root }) {
  const me = cachedMe() || {};
  const profile = h("div", { class: "profile-extra" });
  const name = h("p", { class: "profile-name" }, me.username || "");
  root.append(
    pageHeader(t("me.title")),
    h(
      "div",
      { class: "card profile" },
      h("span", { class: "avatar", "aria-hidden": "true" }, icon(ICONS.user, 32)),
      h(
        "div",
        {},
        name,
        h(
          "p",
          { class: "profile-meta" },
          me.username || "",
          " · ",
          t(`account.${me.status || "active"}`),
        ),
      ),
      profile,
    ),
    h(
      "nav",
      { class: "card menu", "aria-label": t("me.menu") },
      menuLink("#/messages", ICONS.bell, t("messages.title")),
      menuLink("#/points?tab=board", ICONS.trophy, t("points.tab.board")),
      menuLink("#/points?tab=redemptions", ICONS.gift, t("points.tab.redemptions")),
      menuLink("#/notices", ICONS.megaphone, t("tasks.notices")),
    ),
    pushCard(),
    h(
      "div",
      { class: "card" },
      h("p", { class: "field-label", id: "lang-label" }, t("me.language")),
      h(
        "div",
        { class: "segmented", role: "group", "aria-labelledby": "lang-label" },
        LANGUAGES.map((lang) =>
          h(
            "button",
            {
              class: "segment",
              type: "button",
              lang,
              "aria-pressed": String(getLang() === lang),
              onclick: () => setLang(lang),
            },
            t(`lang.${lang}`),
          ),
        ),
      ),
    ),
    myDataCard(),
    logoutButton("button secondary block logout"),
  );

  showProfile(profile, name);
}

/** 消息推送: a switch for news on this phone; the browser asks its permission on the tap only. */
function pushCard() {
  const hint = h("small", { id: "push-state" });
  const toggle = h("input", {
    type: "checkbox",
    id: "push-toggle",
    class: "switch-input",
    role: "switch",
    disabled: true,
    "aria-describedby": "push-state",
    onchange: async () => {
      toggle.disabled = true;
      try {
        show(await (toggle.checked ? turnPushOn() : turnPushOff()));
      } catch (error) {
        toast(errorText(error), "error");
        show(await pushState().catch(() => "off"));
      }
    },
  });
  const show = (state) => {
    toggle.checked = state === "on";
    toggle.disabled = state === "unsupported" || state === "denied";
    hint.textContent = t(`me.push.${state}`);
    card.dataset.pushState = state;
  };
  const card = h(
    "div",
    { class: "card", id: "push-card" },
    h(
      "div",
      { class: "switch-row" },
      h("label", { for: "push-toggle" }, t("me.push.title"), hint),
      toggle,
    ),
  );
  pushState()
    .then(show)
    .catch(() => show("unsupported"));
  return card;
}

function menuLink(href, paths, label) {
  return h(
    "a",
    { class: "menu-link", href },
    icon(paths, 22),
    h("span", {}, label),
    icon(ICONS.forward, 18),
  );
}

/** Name, platform, party membership and team from the rider profile (quiet when offline). */
async function showProfile(box, name) {
  try {
    const rider = await api("/me/profile");
    name.textContent = rider.name;
    const team = rider.team_id ? await api(`/teams/${rider.team_id}`).catch(() => null) : null;
    replace(
      box,
      h(
        "p",
        {},
        t(`platform.${rider.platform}`),
        rider.party_member ? ` · ${t("me.party_member")}` : "",
      ),
      team ? h("p", {}, team.name) : null,
    );
  } catch {
    /* the account line above is enough */
  }
}
