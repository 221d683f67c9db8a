// A tiny promise wrapper over IndexedDB, shared by the page and the service worker.

const DB_NAME = "tantou";
const DB_VERSION = 2;
export const OUTBOX = "outbox";
export const META = "meta";
export const READING = "reading"; // my reports as last read, for reading them offline

let opening = null;

/** The app's database, created on first use. */
function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OUTBOX)) {
        db.createObjectStore(OUTBOX, { keyPath: "client_id" }).createIndex(
          "queued_at",
          "queued_at",
        );
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      if (!db.objectStoreNames.contains(READING)) db.createObjectStore(READING);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema must not be blocked by this connection.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

/** Run `work(store)` in one transaction and resolve with its result once the transaction commits. */
export async function withStore(name, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    let result;
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("transaction aborted"));
    Promise.resolve(work(transaction.objectStore(name))).then((value) => {
      result = value;
    }, reject);
  });
}

/** A request's result as a promise. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
