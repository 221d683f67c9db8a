// UI language: zh-CN by default, English on request. All text lives in i18n/<lang>.js.

import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";

const DICTIONARIES = { "zh-CN": zhCN, en };
const KEY = "tantou.lang";
export const LANGUAGES = Object.keys(DICTIONARIES);
export const LANG_EVENT = "tantou:lang";

let lang = DICTIONARIES[localStorage.getItem(KEY)] ? localStorage.getItem(KEY) : "zh-CN";

export function getLang() {
  return lang;
}

/** Switch the language, remember it, and tell the app to redraw. */
export function setLang(next) {
  if (!DICTIONARIES[next]) return;
  lang = next;
  localStorage.setItem(KEY, next);
  applyLang();
  window.dispatchEvent(new Event(LANG_EVENT));
}

/** Put the language on <html> (screen readers, fonts, hyphenation). */
export function applyLang() {
  document.documentElement.lang = lang;
  document.title = t("app.title");
}

/** The text for `key` in the current language, with {placeholders} filled from `params`. */
export function t(key, params = {}) {
  const text = DICTIONARIES[lang][key] ?? DICTIONARIES["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether `key` has a text (for keys built from server values, such as statuses). */
export function hasText(key) {
  return key in DICTIONARIES["zh-CN"];
}

/** A category's (or other zh/en pair's) name in the current language. */
export function localName(item) {
  if (!item) return "";
  return (lang === "en" ? item.name_en : item.name_zh) || item.name_zh || item.name || "";
}

/** A date and time as riders read them: "5月4日 08:30" / "May 4, 08:30". */
export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(lang, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}

/** A whole number with the language's separators. */
export function formatNumber(value) {
  return new Intl.NumberFormat(lang).format(value ?? 0);
}
