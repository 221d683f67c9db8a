// The console's side of the shared map: loading it with the server's tile setting, and the
// colours of grids (by count) and of report markers (by status).

import { api } from "./api.js";

let configPromise = null;

/** The map module and the tile setting, loaded on the first map (not with the console). */
export async function openMap(container) {
  configPromise ||= api.get("/map/config").catch((error) => {
    configPromise = null;
    throw error;
  });
  const [{ createMap }, config] = await Promise.all([import("../../shared/map.js"), configPromise]);
  return createMap(container, config);
}

// Light to dark red: none, a few, more, many (relative to the busiest grid).
const HEAT = ["#f3f4f6", "#fde0dd", "#fa9fb5", "#e0457b", "#9e0142"];

/** The fill of a grid with `count` when the busiest has `max`. */
export function heatColour(count, max) {
  if (!count) return HEAT[0];
  const step = Math.ceil((count / Math.max(max, 1)) * (HEAT.length - 1));
  return HEAT[Math.min(Math.max(step, 1), HEAT.length - 1)];
}

export const STATUS_COLOURS = {
  submitted: "#c8102e",
  accepted: "#b45309",
  dispatched: "#2563b8",
  in_progress: "#6d28d9",
  resolved: "#0f766e",
  closed: "#15803d",
  rejected: "#6b7280",
  duplicate: "#6b7280",
};
