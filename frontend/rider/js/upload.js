// The page's transport for the outbox: XMLHttpRequest, because fetch cannot report upload progress.

import { NetworkError } from "../../shared/http.js";

const TIMEOUT_MS = 120_000;

/** POST `body` and resolve with {status, json}; calls onProgress(0..1) while uploading. */
export function xhrTransport({ url, headers, body, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.timeout = TIMEOUT_MS;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status says enough */
      }
      resolve({ status: xhr.status, json });
    };
    const fail = () => reject(new NetworkError(`upload failed (${xhr.status})`));
    xhr.onerror = fail;
    xhr.ontimeout = fail;
    xhr.onabort = fail;
    xhr.send(body);
  });
}
