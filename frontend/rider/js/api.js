// The rider's calls to /api/v1: the shared request with the rider's token; a 401 is announced.

import { request } from "../../shared/http.js";
import { getToken } from "./token.js";

const TIMEOUT_MS = 20_000;
export const UNAUTHORIZED_EVENT = "tantou:unauthorized";

/**
 * Call the API. Options: method, query (object), json (body), form (FormData or
 * URLSearchParams), auth (send the token; default true), bearer (send this token instead, and
 * announce no 401: logging out sends the token just forgotten). Resolves with the parsed JSON
 * (or null).
 */
export function api(path, { method = "GET", query, json, form, auth = true, bearer } = {}) {
  return request(method, path, {
    query,
    body: json ?? form,
    token: bearer || (auth ? getToken() : null),
    timeoutMs: TIMEOUT_MS,
    onUnauthorized: bearer ? undefined : () => window.dispatchEvent(new Event(UNAUTHORIZED_EVENT)),
  });
}
