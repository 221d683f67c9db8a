// JSON over HTTP to /api/v1 with the rider's token; errors become ApiError or NetworkError.

import { ApiError, NetworkError } from "./errors.js";
import { getToken } from "./token.js";

const BASE = "/api/v1";
const TIMEOUT_MS = 20_000;
export const UNAUTHORIZED_EVENT = "tantou:unauthorized";

/**
 * Call the API. Options: method, query (object), json (body), form (FormData or
 * URLSearchParams), auth (send the token; default true), bearer (send this token instead, and
 * announce no 401: logging out sends the token just forgotten). Resolves with the parsed JSON
 * (or null).
 */
export async function api(path, { method = "GET", query, json, form, auth = true, bearer } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json" };
  const token = bearer || (auth ? getToken() : null);
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && token && !bearer)
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(response.status, data);
  }
  return data;
}
