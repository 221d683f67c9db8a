// The console's calls to /api/v1: the shared request with the session's token; a 401 ends the
// session everywhere. Whoever shows state that a change may alter (the menu's counts) hears of
// every change made.

import { request as send } from "../../shared/http.js";
import { accessToken, clearSession } from "./session.js";

const changeListeners = new Set();

/** Send a request (see shared/http.js); `token` overrides the session's, `anonymous` sends none. */
export async function request(method, path, { anonymous = false, token = null, ...options } = {}) {
  const bearer = anonymous ? null : token || accessToken();
  const answer = await send(method, path, {
    ...options,
    token: bearer,
    onUnauthorized: clearSession,
  });
  if (method !== "GET") changeListeners.forEach((fn) => fn());
  return answer;
}

/** Call `fn()` after each change (a request other than GET) that succeeded; returns an
 * unsubscribe function. */
export function onChangeMade(fn) {
  changeListeners.add(fn);
  return () => changeListeners.delete(fn);
}

export const api = {
  get: (path, query, options = {}) => request("GET", path, { ...options, query }),
  post: (path, body, options = {}) => request("POST", path, { ...options, body }),
  patch: (path, body, options = {}) => request("PATCH", path, { ...options, body }),
  delete: (path, options = {}) => request("DELETE", path, options),
};
