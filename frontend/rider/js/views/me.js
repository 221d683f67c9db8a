// Me: who I am, my team, the language, my data, and logging out.

import { api } from "../api.js";
import { cachedMe } from "../auth.js";
import { h, replace } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { LANGUAGES, getLang, setLang, t } from "../i18n.js";
import { logoutButton, pageHeader } from "../ui.js";
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
