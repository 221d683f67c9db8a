// Files the API streams (exports), saved under the name the server gives them.

import { request } from "./api.js";

/** Fetch `path` with the session's token and save the answer as a file. */
export async function downloadFile(path, query) {
  const { blob, filename } = await request("GET", path, { query, as: "file" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}
