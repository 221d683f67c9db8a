// The one place that talks HTTP to /api/v1: auth header, JSON, problem+json errors.

import { accessToken, clearSession } from "./session.js";

export const API_BASE = "/api/v1";

/** An error answer from the API (RFC 9457 problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || "";
    this.detail = problem.detail || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

/** `path` with the query parameters that have a value. */
function withQuery(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readProblem(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText };
  }
}

/**
 * Send a request. `body` may be a plain object (sent as JSON), FormData (multipart) or
 * URLSearchParams (form-encoded); `token` overrides the session's. Resolves with the parsed JSON
 * (null for 204).
 */
export async function request(
  method,
  path,
  { body, query, signal, anonymous = false, token: givenToken = null } = {},
) {
  const headers = { Accept: "application/json" };
  const token = anonymous ? null : givenToken || accessToken();
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
      signal,
      credentials: "same-origin",
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { detail: "" });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    // A 401 on an authenticated call means the token is gone: end the session everywhere.
    if (response.status === 401 && token) clearSession();
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const api = {
  get: (path, query, options = {}) => request("GET", path, { ...options, query }),
  post: (path, body, options = {}) => request("POST", path, { ...options, body }),
  patch: (path, body, options = {}) => request("PATCH", path, { ...options, body }),
  delete: (path, options = {}) => request("DELETE", path, options),
};
