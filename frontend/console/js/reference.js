// Reference data the views share (categories, units, communities, grids), loaded once per login.

import { api } from "./api.js";
import { getLang, t } from "./i18n.js";

const cache = new Map();

function once(key, load) {
  if (!cache.has(key)) {
    const promise = load().catch((error) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, promise);
  }
  return cache.get(key);
}

/** Forget everything (after logout or an edit). */
export function forgetReference(key = null) {
  if (key) cache.delete(key);
  else cache.clear();
}

/** Categories by code. */
export function loadCategories() {
  return once("categories", async () => {
    const { items } = await api.get("/categories");
    return new Map(items.map((c) => [c.code, c]));
  });
}

/** A category's name in the current language (its code when unknown). */
export function categoryName(categories, code) {
  const category = categories?.get(code);
  if (!category) return code || "";
  return getLang() === "en" ? category.name_en : category.name_zh;
}

/** Handling units in the caller's areas, by code (empty for roles that may not list them). */
export function loadUnits() {
  return once("units", async () => {
    const { items } = await api.get("/units");
    return new Map(items.map((u) => [u.code, u]));
  });
}

/** The admins' presets (常用语) of one purpose, in order; none when they cannot be read. */
export function loadPresets(purpose) {
  return once(
    `presets:${purpose}`,
    async () => (await api.get("/note-presets", { purpose })).items,
  );
}

/** Communities with their streets. */
export function loadCommunities() {
  return once("communities", async () => (await api.get("/communities")).items);
}

/** Grids of one level as [{code, name, parent_code}] (from the GeoJSON list). */
export function loadAreas(level) {
  return once(`areas:${level}`, async () => {
    const collection = await api.get("/grids", { level });
    return collection.features.map((f) => ({
      code: f.properties.code,
      name: f.properties.name,
      parent_code: f.properties.parent_code,
    }));
  });
}

/** Streets, then communities, as grouped choices for an audience or catalogue area. */
export function areaChoices(communities) {
  const streets = new Map();
  communities.forEach(
    (c) => c.street_code && streets.set(c.street_code, c.street_name || c.street_code),
  );
  return [
    ...[...streets].map(([code, name]) => ({ value: code, label: name, group: t("area.streets") })),
    ...communities.map((c) => ({ value: c.code, label: c.name, group: t("area.communities") })),
  ];
}
