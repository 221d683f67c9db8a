// Client-chosen ids (client_id) that make a retried request safe to replay.

/** A new version-4 UUID. */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain-HTTP pages (no secure context) lack randomUUID; a version-4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
