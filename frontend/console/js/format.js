// Formatting times, durations, rates and coordinates for the current language.

import { getLang, t } from "./i18n.js";

/** '2026-11-29 14:03' in the browser's time zone; '' for no time. */
export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(getLang(), {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}

/** A duration in hours as '2 天 4 小时' / '2 d 4 h'; '—' when unknown. */
export function formatHours(hours) {
  if (hours === null || hours === undefined || Number.isNaN(Number(hours))) return "—";
  const total = Math.round(Number(hours) * 10) / 10;
  if (total < 24) return t("unit.hours", { n: total });
  const days = Math.floor(total / 24);
  const rest = Math.round(total - days * 24);
  return rest ? t("unit.days_hours", { d: days, h: rest }) : t("unit.days", { d: days });
}

/** A ratio 0..1 as '87.5%'; '—' when unknown. */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(Number(ratio))) return "—";
  return new Intl.NumberFormat(getLang(), {
    style: "percent",
    maximumFractionDigits: 1,
  }).format(Number(ratio));
}

/** A count with grouping. */
export function formatCount(n) {
  return new Intl.NumberFormat(getLang()).format(Number(n || 0));
}

/** WGS-84 point as 'lat, lon' with six decimals (about 0.1 m). */
export function formatPoint(lat, lon) {
  if (lat === null || lat === undefined || lon === null || lon === undefined) return "—";
  return `${Number(lat).toFixed(6)}, ${Number(lon).toFixed(6)}`;
}

/** ISO 8601 with offset from a datetime-local input value (local time); null when empty. */
export function fromLocalInputValue(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
