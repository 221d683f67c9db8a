// The report categories, remembered so that the report flow works offline.

import { api } from "./api.js";

const KEY = "tantou.categories";
const EMERGENCY_GROUP = "04";
let byCode = null;

/** The active categories from the server, else the last ones seen. */
export async function loadCategories() {
  try {
    const data = await api("/categories", { auth: false });
    localStorage.setItem(KEY, JSON.stringify(data.items));
    byCode = null;
    return data.items;
  } catch (error) {
    const cached = cachedCategories();
    if (cached.length) return cached;
    throw error;
  }
}

/** The categories last seen (possibly none). */
export function cachedCategories() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || [];
  } catch {
    return [];
  }
}

/** A category by code, or a stand-in carrying just the code. */
export function categoryByCode(code) {
  byCode ??= new Map(cachedCategories().map((c) => [c.code, c]));
  return byCode.get(code) || { code, name_zh: code, name_en: code, group: "" };
}

/** Whether a category starts as urgent (emergencies do). */
export function isUrgentCategory(category) {
  return Boolean(category.urgent) || category.group === EMERGENCY_GROUP;
}
