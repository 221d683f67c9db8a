// Taps 2 and 3 of the report: pick a category on a big button, then send (after an optional
// look at urgency, description and "is it this one?" when the same problem is already open nearby).

import { api } from "../api.js";
import { photosForUpload } from "../camera.js";
import {
  cachedCategories,
  categoryByCode,
  isUrgentCategory,
  loadCategories,
} from "../categories.js";
import { currentDraft, discardDraft } from "../draft.js";
import { h } from "../../../shared/dom.js";
import { categoryIcon, icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { formatTime, getLang, localName, t } from "../i18n.js";
import { queueReport } from "../outbox.js";
import { navigate } from "../../../shared/router.js";
import { errorBlock, loadingBlock, pageHeader, statusChip } from "../ui.js";
import { joinReport } from "./me-too.js";
import { photoStrip } from "./photo-strip.js";
import { pinMap } from "./pin-map.js";

const DESCRIPTION_MAX = 2000;
const EMERGENCY_NUMBERS = [
  ["110", "new.call_police"],
  ["119", "new.call_fire"],
  ["120", "new.call_ambulance"],
];

/** Step 2: the category, on big buttons (the common ones) with the rest behind "more". */
export function pickCategoryView({ root }) {
  const draft = currentDraft();
  if (!draft) return navigate("/", { replace: true });
  const body = h("div", { class: "category-area" });
  root.append(pageHeader(t("new.pick_category"), { back: "/" }), photoStrip(draft), body);

  const draw = (categories) => {
    const common = categories.filter((c) => c.common);
    const others = categories.filter((c) => !c.common);
    const morePanel = h(
      "div",
      { class: "more-categories", id: "more-categories", hidden: true },
      groupsOf(others).map(([groupName, list]) =>
        h(
          "section",
          { class: "category-group" },
          h("h3", {}, groupName),
          h(
            "div",
            { class: "category-chips" },
            list.map((c) =>
              h(
                "button",
                {
                  class: `category-chip${isUrgentCategory(c) ? " urgent" : ""}`,
                  type: "button",
                  dataset: { code: c.code },
                  onclick: () => choose(c),
                },
                localName(c),
              ),
            ),
          ),
        ),
      ),
    );
    const moreButton = h(
      "button",
      {
        class: "category-button more",
        type: "button",
        "aria-expanded": "false",
        "aria-controls": "more-categories",
        onclick: () => {
          morePanel.hidden = !morePanel.hidden;
          moreButton.setAttribute("aria-expanded", String(!morePanel.hidden));
        },
      },
      icon(ICONS.more, 32),
      h("span", {}, t("new.more")),
    );
    body.replaceChildren(
      h(
        "div",
        { class: "category-grid" },
        common.map((c) =>
          h(
            "button",
            {
              class: "category-button",
              type: "button",
              dataset: { code: c.code },
              onclick: () => choose(c),
            },
            icon(ICONS[categoryIcon(c)], 32),
            h("span", {}, localName(c)),
          ),
        ),
        moreButton,
      ),
      morePanel,
    );
  };

  function choose(category) {
    draft.category = category.code;
    draft.urgent = isUrgentCategory(category);
    navigate("/new/send");
  }

  const cached = cachedCategories();
  if (cached.length) {
    draw(cached);
  } else {
    body.replaceChildren(loadingBlock());
    loadCategories().then(draw, (error) =>
      body.replaceChildren(errorBlock(error, () => navigate("/new"))),
    );
  }
  return undefined;
}

function groupsOf(categories) {
  const groups = new Map();
  // Emergencies first: they are the ones that cannot wait for scrolling.
  const ordered = [...categories].sort(
    (a, b) =>
      Number(isUrgentCategory(b)) - Number(isUrgentCategory(a)) || a.code.localeCompare(b.code),
  );
  for (const c of ordered) {
    const name = (getLang() === "en" ? c.group_name_en : c.group_name_zh) || c.group;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(c);
  }
  return [...groups];
}

/** Step 3: check and send. Sending only queues in IndexedDB; the outbox does the rest. */
export function reviewView({ root }) {
  const draft = currentDraft();
  if (!draft?.category) return navigate(draft ? "/new" : "/", { replace: true });
  const category = categoryByCode(draft.category);

  const urgent = h("input", {
    type: "checkbox",
    id: "urgent",
    class: "switch-input",
    checked: draft.urgent,
    onchange: () => {
      draft.urgent = urgent.checked;
      emergency.hidden = !urgent.checked;
    },
  });
  const emergency = h(
    "div",
    { class: "emergency", role: "alert", hidden: !draft.urgent },
    h("p", {}, t("new.emergency_prompt")),
    h(
      "div",
      { class: "emergency-calls" },
      EMERGENCY_NUMBERS.map(([number, label]) =>
        h(
          "a",
          { class: "call-button", href: `tel:${number}` },
          icon(ICONS.phone, 20),
          h("strong", {}, number),
          h("span", {}, t(label)),
        ),
      ),
    ),
  );
  const description = h("textarea", {
    id: "description",
    class: "input",
    rows: 3,
    maxlength: DESCRIPTION_MAX,
    placeholder: t("new.description_hint"),
    oninput: () => {
      draft.description = description.value;
    },
  });
  description.value = draft.description;
  const nearby = h("section", { class: "nearby", hidden: true, "aria-live": "polite" });
  const send = h(
    "button",
    { class: "button primary send-button", type: "button", onclick: onSend, disabled: true },
    icon(ICONS.check, 24),
    h("span", {}, t("new.send")),
  );
  let place = null;
  let nearbyOffered = false;
  const pin = pinMap(draft, {
    onChange: (next) => {
      place = next;
      send.disabled = !sendable(place);
      if (draft.point && !nearbyOffered) {
        nearbyOffered = true;
        offerNearby(draft, nearby);
      }
    },
  });

  root.append(
    pageHeader(t("new.review"), { back: "/new" }),
    photoStrip(draft),
    h(
      "a",
      { class: "chosen-category", href: "#/new" },
      icon(ICONS[categoryIcon(category)], 28),
      h("span", { class: "chosen-name" }, localName(category)),
      h("span", { class: "chosen-change" }, t("new.change")),
    ),
    pin.node,
    nearby,
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "switch-row" },
        h(
          "label",
          { for: "urgent" },
          h("strong", {}, t("new.urgent")),
          h("small", {}, t("new.urgent_hint")),
        ),
        urgent,
      ),
      emergency,
    ),
    h(
      "div",
      { class: "card field" },
      h("label", { for: "description" }, t("new.description")),
      description,
    ),
    h("div", { class: "send-bar" }, send),
  );

  async function onSend() {
    // The button is off without a sendable point; this guards a tap that raced the pin's move.
    if (!sendable(place)) return;
    send.disabled = true;
    try {
      const photos = await Promise.all(draft.photos.map((p) => p.ready));
      const { point } = draft;
      const byPhotoGps = point.source === "photo";
      const fields = {
        category: draft.category,
        description: draft.description.trim(),
        urgent: String(draft.urgent),
        channel: "app",
        // Placed by the photo, the server reads the same point from the photo's EXIF.
        ...(byPhotoGps ? {} : { lat: point.lat, lon: point.lon, crs: "wgs84" }),
        ...(point.source === "fix" ? { accuracy_m: point.accuracy_m } : {}),
      };
      await queueReport(fields, photosForUpload(photos, byPhotoGps));
      discardDraft();
      toast(navigator.onLine ? t("new.queued") : t("new.queued_offline"), "ok");
      navigate("/", { replace: true });
    } catch (error) {
      send.disabled = false;
      toast(t("new.save_failed", { reason: String(error?.message || error) }), "error");
    }
  }
  return () => pin.stop();
}

/** A report can go only where someone answers for it: a point, and not outside the service area. */
function sendable(place) {
  return Boolean(place) && place.inServiceArea !== false;
}

/** 我也遇到: follow the open report instead of sending the draft (one's own: just open it). */
async function joinInstead(button, reportId) {
  if (!(await joinReport(button, reportId))) return;
  discardDraft();
  navigate(`/reports/${reportId}`, { replace: true });
}

/** "Is it this one?": open reports of this category close by (online only; offline it just queues). */
async function offerNearby(draft, box) {
  const here = draft.point;
  if (!navigator.onLine || !here) return;
  let items;
  try {
    ({ items } = await api("/reports/nearby", {
      query: { lat: here.lat, lon: here.lon, crs: "wgs84", category: draft.category },
    }));
  } catch {
    return; // a hint, not a step: without it the rider simply sends
  }
  if (!items?.length) return;
  box.hidden = false;
  box.replaceChildren(
    h("h2", {}, t("new.nearby_title", { n: items.length })),
    h("p", { class: "hint" }, t("new.nearby_hint")),
    h(
      "ul",
      { class: "nearby-list" },
      items.slice(0, 3).map((item) =>
        h(
          "li",
          { class: "nearby-item" },
          item.thumbnail_url
            ? h("img", { src: item.thumbnail_url, alt: "", loading: "lazy" })
            : h("span", { class: "thumb" }, icon(ICONS.pin)),
          h(
            "div",
            { class: "nearby-body" },
            h("p", {}, localName(categoryByCode(item.category)), " ", statusChip(item.status)),
            h(
              "p",
              { class: "meta" },
              t("new.distance", { m: Math.round(item.distance_m) }),
              " · ",
              formatTime(item.created_at),
            ),
          ),
          h(
            "button",
            {
              class: "button small secondary",
              type: "button",
              onclick: (event) => joinInstead(event.currentTarget, item.id),
            },
            t("new.same_yes"),
          ),
        ),
      ),
    ),
  );
}
