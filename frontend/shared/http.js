// JSON over HTTP to /api/v1 for both apps (and the rider's service worker), and problem+json
// (RFC 9457) answers turned into words: the one place that knows either.

export const API_BASE = "/api/v1";

/** No HTTP answer came back (offline, dropped connection, time-out). */
export class NetworkError extends Error {}

/** The server answered with an error status; `problem` is its problem+json body (or {}). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** `path` with the query parameters that have a value. */
function withQuery(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Call the API. `body` may be a plain object (sent as JSON), FormData (multipart) or
 * URLSearchParams (form-encoded); `token` is sent as the bearer; `onUnauthorized` runs on a 401
 * to a call that sent one; `timeoutMs` gives up on a silent network. Resolves with the parsed
 * JSON (null for no body), or with `as: "file"` with {blob, filename} (the attachment's name);
 * rejects with ApiError or NetworkError (an abort by `signal` stays an AbortError).
 */
export async function request(
  method,
  path,
  { body, query, token = null, signal, timeoutMs = null, onUnauthorized = () => {}, as } = {},
) {
  const headers = { Accept: "application/json", ...languageHeader(uiLanguage()) };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof URLSearchParams)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(withQuery(API_BASE + path, query), {
      method,
      headers,
      body: payload,
      signal: signal ?? (timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined),
      credentials: "same-origin",
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new NetworkError(String(error));
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ title: response.statusText }));
    if (response.status === 401 && token) onUnauthorized();
    throw new ApiError(response.status, problem);
  }
  if (as === "file") return { blob: await response.blob(), filename: attachmentName(response) };
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** The app's language (shared/i18n.js puts it on <html>); none in a service worker. */
function uiLanguage() {
  return globalThis.document?.documentElement.lang || "";
}

/** Ask the server to word its answers (problem+json) in `lang`, the app's, not the phone's. */
export function languageHeader(lang) {
  return lang ? { "Accept-Language": lang } : {};
}

function attachmentName(response) {
  const disposition = response.headers.get("content-disposition") || "";
  return /filename="([^"]+)"/.exec(disposition)?.[1] || "download";
}

/** The server's own words in a problem: its detail, then the field messages it does not repeat. */
export function problemLines(problem) {
  const detail = typeof problem?.detail === "string" ? problem.detail : "";
  const fields = (Array.isArray(problem?.errors) ? problem.errors : [])
    .filter(({ message }) => message && !detail.includes(message))
    .map(({ field, message }) => {
      const name = String(field || "")
        .split(".")
        .pop();
      return name ? `${name}: ${message}` : message;
    });
  return [detail, ...fields].filter(Boolean);
}

/** What an error status means, in the UI language (`i18n` has `t` and `hasText`). */
export function statusHeadline(status, { t, hasText }) {
  const key = hasText(`error.status.${status}`) ? `error.status.${status}` : "error.status.other";
  return t(key, { status });
}

/** A one-line message for a failed call: offline, or what the status means plus the server's words. */
export function problemMessage(error, i18n) {
  if (error instanceof NetworkError) return i18n.t("error.offline");
  if (!(error instanceof ApiError)) return i18n.t("error.unexpected");
  const parts = [statusHeadline(error.status, i18n), ...problemLines(error.problem)];
  return [...new Set(parts)].join(" · ");
}

/** The field messages of a 422 by field name (the last part of `body.reason`). */
export function fieldErrors(error) {
  const byField = {};
  for (const { field, message } of error instanceof ApiError ? error.problem.errors || [] : []) {
    const name = String(field || "")
      .split(".")
      .pop();
    if (name) byField[name] = message;
  }
  return byField;
}
