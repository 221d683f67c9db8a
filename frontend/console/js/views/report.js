// One report (case): photos, location, timeline, tasks, likely and nearby duplicates and the
// commands.

import { api } from "../api.js";
import { overdueBadge, reportStatusBadge, taskStatusBadge, urgentBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { formatPoint, formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { openMap, STATUS_COLOURS } from "../map-view.js";
import { photoStrip } from "../photos.js";
import { homeFor } from "../menu.js";
import { categoryName, loadCategories, loadUnits } from "../reference.js";
import { toast } from "../toast.js";
import {
  busy,
  dataTable,
  describeError,
  errorBox,
  facts,
  loading,
  pageHeader,
  panel,
} from "../ui.js";
import { commandsFor } from "./report-actions.js";

/** The timeline entry's headline: a status change or another step. */
function eventTitle(event) {
  if (event.to_status) {
    const from = event.from_status ? label("status", event.from_status) : "";
    return from
      ? `${from} → ${label("status", event.to_status)}`
      : label("status", event.to_status);
  }
  return label("event", event.kind);
}

function actorName(event) {
  if (!event.actor) return "";
  return event.actor.name || label("role", event.actor.role);
}

/** The report's steps, oldest first, with who took each and their note. */
export function timeline(events) {
  if (!events.length) return h("p", { class: "muted" }, t("timeline.empty"));
  return h(
    "ol",
    { class: "timeline" },
    events.map((event) =>
      h(
        "li",
        { class: event.to_status ? `tl-item tl-${event.to_status}` : "tl-item" },
        h(
          "div",
          { class: "tl-head" },
          h("strong", {}, eventTitle(event)),
          h("time", { datetime: event.created_at }, formatTime(event.created_at)),
        ),
        actorName(event) ? h("div", { class: "tl-actor muted" }, actorName(event)) : null,
        event.note ? h("div", { class: "tl-note" }, event.note) : null,
      ),
    ),
  );
}

/** The reporter's rating: stars out of five (read out as "n/5"), then their comment. */
export function ratingStars(rating) {
  return h(
    "div",
    { class: "rating", dataset: { stars: rating.stars } },
    h(
      "span",
      { class: "stars", role: "img", "aria-label": t("report.rating_stars", { n: rating.stars }) },
      "★".repeat(rating.stars) + "☆".repeat(5 - rating.stars),
    ),
    rating.comment ? h("div", { class: "prewrap rating-comment" }, rating.comment) : null,
    h("time", { class: "muted", datetime: rating.created_at }, formatTime(rating.created_at)),
  );
}

function tasksTable(tasks) {
  const table = dataTable(
    [
      { title: t("task.id"), cell: (task) => `#${task.id}` },
      { title: t("task.unit"), cell: (task) => task.unit_name || task.unit_code },
      {
        title: t("task.status"),
        cell: (task) => [taskStatusBadge(task.status), task.overdue ? overdueBadge() : null],
      },
      { title: t("task.due_at"), cell: (task) => formatTime(task.due_at) },
    ],
    { emptyText: t("task.none") },
  );
  table.addRows(tasks);
  return table.element;
}

function nearbyList(nearby, report, categories) {
  const others = nearby.filter((r) => r.id !== report.id);
  if (!others.length) return h("p", { class: "muted" }, t("nearby.none"));
  return h(
    "ul",
    { class: "nearby" },
    others.map((r) =>
      h(
        "li",
        { dataset: { reportId: String(r.id) } },
        r.thumbnail_url
          ? h("img", { src: r.thumbnail_url, alt: "", class: "nearby-thumb", loading: "lazy" })
          : h("span", { class: "nearby-thumb" }),
        h(
          "div",
          {},
          h(
            "div",
            {},
            h("a", { href: `#/reports/${r.id}` }, `#${r.id}`),
            " ",
            reportStatusBadge(r.status),
          ),
          h(
            "div",
            { class: "muted" },
            [
              categoryName(categories, r.category),
              t("unit.meters", { n: Math.round(r.distance_m) }),
              formatTime(r.created_at),
            ].join(" · "),
          ),
        ),
      ),
    ),
  );
}

const MERGEABLE = new Set(["submitted", "accepted"]);

/** A photo of each report side by side (the first "before" photo, once served). */
function photoPair(report, candidate) {
  const first = (r) => r.photos.find((p) => p.kind === "before" && p.thumbnail_url);
  return h(
    "div",
    { class: "likely-photos" },
    [
      [report, t("likely.this_report")],
      [candidate, t("likely.case", { id: candidate.id })],
    ].map(([r, caption]) => {
      const photo = first(r);
      return h(
        "figure",
        {},
        photo
          ? h("img", { src: photo.thumbnail_url, alt: caption, loading: "lazy" })
          : h("span", { class: "likely-no-photo" }, t("likely.no_photo")),
        h("figcaption", {}, caption),
      );
    }),
  );
}

/**
 * The open cases this report most likely duplicates, photos side by side, best first; a
 * coordinator merges the report into one with a click.
 */
function likelyList(likely, report, { categories, canMerge, reload }) {
  if (!likely.length) return h("p", { class: "muted" }, t("likely.none"));
  return h(
    "ol",
    { class: "likely" },
    likely.map(({ report: candidate, distance_m: distance, photo_distance: bits }) => {
      const merge = h(
        "button",
        { type: "button", class: "btn btn-primary", dataset: { mergeInto: String(candidate.id) } },
        t("likely.merge", { id: candidate.id }),
      );
      const error = h("div", { class: "form-error", role: "alert" });
      merge.addEventListener("click", () =>
        busy(merge, async () => {
          try {
            await api.post(`/reports/${report.id}/merge`, { into: candidate.id, note: null });
            toast(t("done.merge"));
            reload();
          } catch (failure) {
            error.textContent = describeError(failure);
          }
        }),
      );
      return h(
        "li",
        { dataset: { reportId: String(candidate.id) } },
        photoPair(report, candidate),
        h(
          "div",
          { class: "likely-facts" },
          h(
            "div",
            {},
            h("a", { href: `#/reports/${candidate.id}` }, `#${candidate.id}`),
            " ",
            reportStatusBadge(candidate.status),
          ),
          h(
            "div",
            { class: "muted" },
            [
              categoryName(categories, candidate.category),
              t("unit.meters", { n: Math.round(distance) }),
              formatTime(candidate.created_at),
            ].join(" · "),
          ),
          h(
            "div",
            { class: "likely-score" },
            bits === null ? t("likely.photo_unknown") : t("likely.photo_bits", { n: bits }),
          ),
          h("div", { class: "prewrap" }, candidate.description),
          canMerge ? merge : null,
          error,
        ),
      );
    }),
  );
}

function commandBar(commands, reload) {
  if (!commands.length) return h("p", { class: "muted" }, t("report.no_actions"));
  return h(
    "div",
    { class: "command-bar" },
    commands.map((command) =>
      h(
        "div",
        { class: "command" },
        h(
          "button",
          {
            type: "button",
            class: `btn ${command.kind ? `btn-${command.kind}` : ""}`.trim(),
            disabled: command.disabled,
            dataset: { command: command.key },
            onclick: async () => {
              const result = await command.run();
              if (result) {
                toast(t(`done.${command.key}`));
                reload();
              }
            },
          },
          command.label,
        ),
        command.hint ? h("div", { class: "field-hint" }, command.hint) : null,
      ),
    ),
  );
}

/** The actions panel; on narrow screens it moves to the top of the page. */
function commandsPanel(bar) {
  const element = panel(t("report.actions"), bar);
  element.classList.add("panel-commands");
  return element;
}

/** The report's point on the map; drawn when shown, removed with the view. */
function pointMap(report, signal, keep) {
  const container = h("div", { class: "map-canvas map-small", dataset: { testid: "report-map" } });
  openMap(container)
    .then((view) => {
      if (signal.aborted) return view.destroy();
      keep(view);
      view.showPoints([
        {
          lat: report.lat,
          lon: report.lon,
          colour: STATUS_COLOURS[report.status],
          radius: 9,
          label: t("map.report_point"),
          data: { reportId: report.id },
        },
      ]);
      view.focus(report.lat, report.lon);
    })
    .catch(() => container.replaceChildren(h("p", { class: "muted" }, t("map.report_point"))));
  return container;
}

/** Render report `params.id`. */
export function renderReport(root, { account, params, signal }) {
  const id = params.id;
  let pointView = null;
  const keepPointView = (view) => {
    pointView?.destroy();
    pointView = view;
  };

  async function load() {
    root.replaceChildren(loading());
    let report;
    let events;
    try {
      [report, events] = await Promise.all([
        api.get(`/reports/${id}`, {}, { signal }),
        api.get(`/reports/${id}/events`, {}, { signal }).then((page) => page.items),
      ]);
    } catch (error) {
      if (error.name !== "AbortError") root.replaceChildren(errorBox(error, load));
      return;
    }
    // Only a coordinator of the report's grid acts on it; admins and units read.
    const canAct = account.role === "coordinator";
    const [categories, units, nearby, tasks, likely] = await Promise.all([
      loadCategories().catch(() => null),
      canAct ? loadUnits().catch(() => null) : Promise.resolve(null),
      api
        .get(
          "/reports/nearby",
          { lat: report.lat, lon: report.lon, category: report.category },
          { signal },
        )
        .then((page) => page.items)
        .catch(() => []),
      api
        .get("/tasks", { report_id: report.id }, { signal })
        .then((page) => page.items)
        .catch(() => []),
      api
        .get(`/reports/${id}/likely-duplicates`, {}, { signal })
        .then((page) => page.items)
        .catch(() => []),
    ]);
    if (signal.aborted) return;
    show(report, events, { categories, units: units || new Map(), nearby, tasks, likely, canAct });
  }

  function show(report, events, { categories, units, nearby, tasks, likely, canAct }) {
    const photosOf = (kind) => report.photos.filter((p) => p.kind === kind);
    // The report's coordinator reveals redacted regions and adds boxes (the server checks too).
    const regions = account.role === "coordinator" ? { reportId: id, changed: load } : null;
    const strip = (kind, caption) =>
      photoStrip(photosOf(kind), caption, {
        reload: () =>
          api.get(`/reports/${id}`).then((fresh) => fresh.photos.filter((p) => p.kind === kind)),
        regions,
      });
    const afterPhotos = photosOf("after");
    const checkPhotos = photosOf("check");
    const title = [
      t("report.title", { id: report.id }),
      reportStatusBadge(report.status),
      report.urgent ? urgentBadge() : null,
    ];
    root.replaceChildren(
      pageHeader(
        title,
        h("a", { href: `#/reports/${report.id}/sheet`, class: "btn" }, t("sheet.open")),
        h("a", { href: `#${homeFor(account.role)}`, class: "btn btn-ghost" }, t("action.back")),
      ),
      h(
        "div",
        { class: "detail-grid" },
        h(
          "div",
          { class: "detail-main" },
          panel(
            t("report.details"),
            facts([
              [t("report.category"), categoryName(categories, report.category)],
              [
                t("report.description"),
                h(
                  "div",
                  { class: "prewrap", dataset: { field: "description" } },
                  report.description || "—",
                ),
              ],
              [t("report.channel"), label("channel", report.channel)],
              report.caller_name || report.caller_phone
                ? [
                    t("report.caller"),
                    [report.caller_name, report.caller_phone].filter(Boolean).join(" · "),
                  ]
                : null,
              [t("report.created_at"), formatTime(report.created_at)],
              [t("report.updated_at"), formatTime(report.updated_at)],
              report.duplicate_of
                ? [
                    t("report.duplicate_of"),
                    h("a", { href: `#/reports/${report.duplicate_of}` }, `#${report.duplicate_of}`),
                  ]
                : null,
              report.rejection_reason
                ? [t("report.rejection_reason"), report.rejection_reason]
                : null,
              report.rating ? [t("report.rating"), ratingStars(report.rating)] : null,
            ]),
          ),
          panel(t("report.photos"), strip("before", t("report.photos"))),
          afterPhotos.length
            ? panel(t("report.after_photos"), strip("after", t("report.after_photos")))
            : null,
          checkPhotos.length
            ? panel(t("report.check_photos"), strip("check", t("report.check_photos")))
            : null,
          panel(
            t("report.location"),
            facts([
              [
                t("report.point"),
                h("span", { class: "mono" }, formatPoint(report.lat, report.lon)),
              ],
              report.accuracy_m
                ? [t("report.accuracy"), t("unit.meters", { n: Math.round(report.accuracy_m) })]
                : null,
              report.location_source
                ? [t("report.location_source"), label("location_source", report.location_source)]
                : null,
              [
                t("report.grid"),
                report.grid
                  ? `${report.grid.name}（${report.grid.code}）`
                  : h("span", { class: "badge plain warn" }, t("report.unassigned")),
              ],
              report.community
                ? [t("report.community"), `${report.community.name}（${report.community.code}）`]
                : null,
            ]),
            pointMap(report, signal, keepPointView),
          ),
          panel(
            t("likely.title"),
            likelyList(likely, report, {
              categories,
              canMerge: canAct && MERGEABLE.has(report.status),
              reload: load,
            }),
          ),
          panel(t("report.nearby"), nearbyList(nearby, report, categories)),
        ),
        h(
          "aside",
          { class: "detail-side" },
          canAct
            ? commandsPanel(commandBar(commandsFor(report, { units, categories, nearby }), load))
            : null,
          panel(t("report.tasks"), tasksTable(tasks)),
          panel(t("report.timeline"), timeline(events)),
        ),
      ),
    );
  }

  load();
  return () => pointView?.destroy();
}
