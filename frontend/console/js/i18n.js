// UI text: every string lives in i18n/<language>.js; zh-CN is the default.

import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";

const KEY = "tantou.console.lang";
const LANGUAGES = { "zh-CN": zhCN, en };
const listeners = new Set();

let current = LANGUAGES[localStorage.getItem(KEY)] ? localStorage.getItem(KEY) : "zh-CN";
document.documentElement.lang = current;

/** The current language code ('zh-CN' or 'en'). */
export function language() {
  return current;
}

/** The text for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = LANGUAGES[current][key] ?? LANGUAGES["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** The text for `prefix.value` if there is one, else the raw value (unknown enum values). */
export function label(prefix, value) {
  if (value === null || value === undefined || value === "") return "";
  const key = `${prefix}.${value}`;
  return LANGUAGES[current][key] ?? LANGUAGES["zh-CN"][key] ?? String(value);
}

/** Switch language, remember it and tell the listeners. */
export function setLanguage(code) {
  if (!LANGUAGES[code] || code === current) return;
  current = code;
  localStorage.setItem(KEY, code);
  document.documentElement.lang = code;
  listeners.forEach((fn) => fn(code));
}

/** Call `fn(code)` when the language changes; returns an unsubscribe function. */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
