// Reading a photo's EXIF GPS on the phone (to place the pin before sending), and carrying the
// EXIF block over to the shrunk copy, so that the server places the report by the same point.

const SOI = 0xffd8;
const APP1 = 0xffe1;
const SOS = 0xffda;
const ORIENTATION_TAG = 0x0112;
const GPS_IFD_TAG = 0x8825;
const GPS_TAGS = { latRef: 1, lat: 2, lonRef: 3, lon: 4 };
const TIFF_START = 10; // in the segment: marker (2) + length (2) + "Exif\0\0" (6)
const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

/** The APP1 "Exif" segment of a JPEG (marker and length included), or null. */
export function exifSegment(buffer) {
  const view = new DataView(buffer);
  if (view.byteLength < 4 || view.getUint16(0) !== SOI) return null;
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00 || marker === SOS) return null;
    const length = view.getUint16(offset + 2);
    if (marker === APP1 && isExif(view, offset + 4)) {
      return new Uint8Array(buffer.slice(offset, offset + 2 + length));
    }
    offset += 2 + length;
  }
  return null;
}

function isExif(view, start) {
  return EXIF_HEADER.every(
    (byte, i) => start + i < view.byteLength && view.getUint8(start + i) === byte,
  );
}

/**
 * A copy of `jpeg` with `segment` inserted after its start marker and the orientation set to 1:
 * the canvas already turned the pixels upright, so the old orientation would turn them again.
 */
export function withExifSegment(jpeg, segment) {
  const patched = segment.slice();
  resetOrientation(new DataView(patched.buffer));
  const source = new Uint8Array(jpeg);
  const joined = new Uint8Array(source.byteLength + patched.byteLength);
  joined.set(source.subarray(0, 2), 0);
  joined.set(patched, 2);
  joined.set(source.subarray(2), 2 + patched.byteLength);
  return joined.buffer;
}

function resetOrientation(view) {
  const tiff = TIFF_START;
  if (view.byteLength < tiff + 8) return;
  const little = view.getUint16(tiff) === 0x4949; // "II"
  const ifd0 = tiff + view.getUint32(tiff + 4, little);
  if (ifd0 + 2 > view.byteLength) return;
  const entries = view.getUint16(ifd0, little);
  for (let i = 0; i < entries; i += 1) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > view.byteLength) return;
    if (view.getUint16(entry, little) === ORIENTATION_TAG) {
      view.setUint16(entry + 8, 1, little);
      return;
    }
  }
}

/** The photo's EXIF GPS as WGS-84 {lat, lon}, or null (none, or not a usable point). */
export function exifGps(buffer) {
  const segment = exifSegment(buffer);
  if (!segment) return null;
  const view = new DataView(segment.buffer);
  try {
    const little = view.getUint16(TIFF_START) === 0x4949;
    const entries = (ifd) => {
      const found = new Map();
      const count = view.getUint16(TIFF_START + ifd, little);
      for (let i = 0; i < count; i += 1) {
        const entry = TIFF_START + ifd + 2 + i * 12;
        found.set(view.getUint16(entry, little), entry);
      }
      return found;
    };
    const gpsEntry = entries(view.getUint32(TIFF_START + 4, little)).get(GPS_IFD_TAG);
    if (gpsEntry === undefined) return null;
    const gps = entries(view.getUint32(gpsEntry + 8, little));
    const degrees = (tag) => {
      const at = TIFF_START + view.getUint32(gps.get(tag) + 8, little);
      const [d, m, s] = [0, 1, 2].map(
        (i) => view.getUint32(at + i * 8, little) / view.getUint32(at + i * 8 + 4, little),
      );
      return d + m / 60 + s / 3600;
    };
    const ref = (tag) => String.fromCharCode(view.getUint8(gps.get(tag) + 8));
    if (!Object.values(GPS_TAGS).every((tag) => gps.has(tag))) return null;
    const lat = degrees(GPS_TAGS.lat) * (ref(GPS_TAGS.latRef) === "S" ? -1 : 1);
    const lon = degrees(GPS_TAGS.lon) * (ref(GPS_TAGS.lonRef) === "W" ? -1 : 1);
    const usable = Number.isFinite(lat) && Number.isFinite(lon) && (lat || lon);
    return usable && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
  } catch {
    return null; // a truncated or wrecked block: no point, the rider places the pin
  }
}
