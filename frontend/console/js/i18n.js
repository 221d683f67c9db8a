// The console's texts: every string lives in i18n/<language>.js, status words in the shared glossary.

import { createI18n } from "../../shared/i18n.js";
import { statusTexts } from "../../shared/status-words.js";
import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";

export const { t, hasText, label, getLang, setLang, onLangChange } = createI18n(
  {
    "zh-CN": { ...statusTexts("zh-CN"), ...zhCN },
    en: { ...statusTexts("en"), ...en },
  },
  "tantou.console.lang",
);
