// The review screen's point: a pin on a map of the grid outlines, placed from the phone's fix or
// the photo's GPS; the rider drags it (GPS is often tens of metres off between buildings) or taps
// the map to put it elsewhere, and the line below names the grid it falls in, offline too.

import { h } from "../../../shared/dom.js";
import { currentFix, geoState, onGeoChange } from "../geo.js";
import { t } from "../i18n.js";
import { icon, ICONS } from "../icons.js";
import { openMap } from "../map-config.js";
import { loadOutlines, storedOutlines } from "../outlines.js";
import { placeOf } from "../service-area.js";

const SELECTED = { color: "#d8402b", weight: 3, fillOpacity: 0.25 };
const OTHER = { color: "#1a4f9f", weight: 1, fillOpacity: 0.08 };

/**
 * The pin card for `draft`; `draft.point` ({lat, lon, source: fix|photo|pin, accuracy_m?}) is
 * kept up to date, and `onChange(place)` hears each move once the outlines are in hand: place is
 * {grid, community, inServiceArea}, null while there is no point, or {unknown: true} when the
 * phone has no outlines (never online since installing).
 */
export function pinMap(draft, { onChange }) {
  const canvas = h("div", { class: "pin-map", id: "pin-map" });
  const line = h("p", {
    class: "pin-place",
    id: "pin-place",
    role: "status",
    "aria-live": "polite",
  });
  const node = h("div", { class: "card pin-card" }, canvas, line);
  let map = null;
  let outlines = null;
  let looked = false; // for the outlines (and the photo's GPS): until then, no verdict
  let stopped = false;

  const placeNow = () => {
    const point = draft.point;
    if (!point) return null;
    return outlines ? placeOf(outlines, point.lat, point.lon) : { unknown: true };
  };

  function draw() {
    const place = placeNow();
    node.dataset.state = !place ? "none" : place.inServiceArea === false ? "outside" : "ok";
    node.dataset.grid = place?.grid?.code || "";
    line.replaceChildren(
      icon(ICONS.pin, 18),
      h("span", {}, ...describe(draft.point, place, outlines)),
    );
    if (map && outlines) {
      map.showGrids(
        outlines.features.filter((f) => f.properties.level === "grid"),
        {
          style: (p) => (p.code === place?.grid?.code ? SELECTED : OTHER),
        },
      );
    }
    if (map && draft.point) {
      map.showPin(draft.point.lat, draft.point.lon, { onDrop: placeAt, label: t("pin.label") });
    }
    if (looked) onChange(place);
  }

  function placeAt({ lat, lon }) {
    draft.point = { lat, lon, source: "pin" };
    draw();
  }

  function followFix() {
    const fix = currentFix();
    if (!fix || (draft.point && draft.point.source !== "fix")) return;
    const first = !draft.point;
    draft.point = { lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy_m, source: "fix" };
    draw();
    if (first) map?.focus(fix.lat, fix.lon);
  }

  (async () => {
    const photo = await draft.photos[0]?.ready.catch(() => null);
    if (!draft.point && !currentFix() && photo?.gps) {
      draft.point = { ...photo.gps, source: "photo" };
    }
    outlines = (await storedOutlines()) || (await loadOutlines());
    looked = true;
    if (stopped) return;
    draw();
    // Without the map's files (offline before they were ever kept) the card still names the
    // point's place; only placing the pin by hand needs the map.
    map = await openMap(canvas).catch(() => null);
    if (!map) return;
    if (stopped) {
      map.destroy();
      return;
    }
    map.onPick(placeAt);
    draw();
    // A point far outside shows the service area instead, where the rider taps the right spot.
    const place = placeNow();
    if (place && place.inServiceArea !== false) map.focus(draft.point.lat, draft.point.lon);
    else map.fitGrids();
  })();

  followFix();
  const stopGeo = onGeoChange(() => {
    followFix();
    if (!draft.point) draw();
  });
  return {
    node,
    stop: () => {
      stopped = true;
      stopGeo();
      map?.destroy();
    },
  };
}

/** The line's text, and what to do about it on a line of its own. */
function describe(point, place, outlines) {
  if (!point) return [t(geoState() === "pending" ? "pin.waiting" : "pin.needed")];
  if (place.unknown) return [t("geo.grid_later")];
  if (!place.inServiceArea) {
    return [
      t("pin.outside", { km: outlines.max_distance_m / 1000 }),
      h("small", { class: "pin-hint" }, t("pin.outside_hint")),
    ];
  }
  const where = place.grid
    ? place.grid.name
    : t("pin.unassigned", { community: place.community.name });
  const from =
    point.source === "fix"
      ? t("pin.from_fix", { m: point.accuracy_m })
      : t(point.source === "photo" ? "pin.from_photo" : "pin.from_pin");
  return [`${where} · ${from}`];
}
