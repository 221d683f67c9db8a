// The two ways a request can fail: no answer at all, or an answer that says no.

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
