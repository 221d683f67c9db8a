// The console's calls to /api/v1: the shared request with the session's token; a 401 ends the
// session everywhere.

import { request as send } from "../../shared/http.js";
import { accessToken, clearSession } from "./session.js";

/** Send a request (see shared/http.js); `token` overrides the session's, `anonymous` sends none. */
export function request(method, path, { anonymous = false, token = null, ...options } = {}) {
  const bearer = anonymous ? null : token || accessToken();
  return send(method, path, { ...options, token: bearer, onUnauthorized: clearSession });
}

export const api = {
  get: (path, query, options = {}) => request("GET", path, { ...options, query }),
  post: (path, body, options = {}) => request("POST", path, { ...options, body }),
  patch: (path, body, options = {}) => request("PATCH", path, { ...options, body }),
  delete: (path, options = {}) => request("DELETE", path, options),
};
