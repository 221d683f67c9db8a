// UI language core for both apps: zh-CN by default, English on request, remembered per app.

const DEFAULT_LANG = "zh-CN";

/**
 * A translator over `dictionaries` ({"zh-CN": {key: text}, en: {…}}), remembering the choice
 * under `storageKey`. A missing text falls back to zh-CN, then to the key itself.
 */
export function createI18n(dictionaries, storageKey) {
  const listeners = new Set();
  const stored = localStorage.getItem(storageKey);
  let lang = dictionaries[stored] ? stored : DEFAULT_LANG;
  document.documentElement.lang = lang;

  const lookup = (key) => dictionaries[lang][key] ?? dictionaries[DEFAULT_LANG][key];

  return {
    languages: Object.keys(dictionaries),

    getLang: () => lang,

    /** The text for `key`, with {placeholders} filled from `params`. */
    t(key, params = {}) {
      const text = lookup(key) ?? key;
      return text.replace(/\{(\w+)\}/g, (whole, name) =>
        name in params ? String(params[name]) : whole,
      );
    },

    /** Whether `key` has a text (for keys built from server values, such as statuses). */
    hasText: (key) => lookup(key) !== undefined,

    /** The text for `prefix.value` if there is one, else the raw value (unknown enum values). */
    label(prefix, value) {
      if (value === null || value === undefined || value === "") return "";
      return lookup(`${prefix}.${value}`) ?? String(value);
    },

    /** Switch the language, remember it, put it on <html> and tell the listeners. */
    setLang(next) {
      if (!dictionaries[next] || next === lang) return;
      lang = next;
      localStorage.setItem(storageKey, next);
      document.documentElement.lang = next;
      listeners.forEach((listener) => listener(next));
    },

    /** Call `listener(lang)` after every switch; returns the function that stops it. */
    onLangChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
