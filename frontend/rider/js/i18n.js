// The rider app's texts (i18n/<lang>.js, status words from the shared glossary) and formats.

import { createI18n } from "../../shared/i18n.js";
import { statusTexts } from "../../shared/status-words.js";
import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";

const i18n = createI18n(
  {
    "zh-CN": { ...statusTexts("zh-CN", { rider: true }), ...zhCN },
    en: { ...statusTexts("en", { rider: true }), ...en },
  },
  "tantou.lang",
);
export const { t, hasText, getLang, setLang, onLangChange } = i18n;
export const LANGUAGES = i18n.languages;

/** Name the page in the current language (home-screen and tab titles). */
export function applyTitle() {
  document.title = t("app.title");
}

/** A category's (or other zh/en pair's) name in the current language. */
export function localName(item) {
  if (!item) return "";
  return (getLang() === "en" ? item.name_en : item.name_zh) || item.name_zh || item.name || "";
}

/** A date and time as riders read them: "5月4日 08:30" / "May 4, 08:30". */
export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(getLang(), {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}

/** A whole number with the language's separators. */
export function formatNumber(value) {
  return new Intl.NumberFormat(getLang()).format(value ?? 0);
}
