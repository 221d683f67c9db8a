// Turning API errors into messages people can act on.

import { ApiError } from "./api.js";
import { t } from "./i18n.js";

const KNOWN_STATUSES = new Set([0, 401, 403, 404, 409, 413, 415, 422, 429]);

/** A one-line message for an error: what happened in the UI language, plus the server's detail. */
export function describeError(error) {
  if (error instanceof ApiError) {
    const headline = KNOWN_STATUSES.has(error.status)
      ? t(`error.${error.status}`)
      : t("error.generic", { status: error.status });
    return error.detail ? `${headline}（${error.detail}）` : headline;
  }
  return t("error.unexpected");
}

/** The validation errors of a 422 by field name (the last part of `body.reason` etc.). */
export function fieldErrors(error) {
  const byField = {};
  if (error instanceof ApiError) {
    for (const { field, message } of error.errors) {
      const name = String(field || "")
        .split(".")
        .pop();
      if (name) byField[name] = message;
    }
  }
  return byField;
}
