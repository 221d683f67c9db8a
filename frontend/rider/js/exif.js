// Carrying a photo's EXIF block (with its GPS) over to the shrunk copy, so that the server can
// still place a report by the photo when the phone had no location fix.

const SOI = 0xffd8;
const APP1 = 0xffe1;
const SOS = 0xffda;
const ORIENTATION_TAG = 0x0112;
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
  const tiff = 10; // marker (2) + length (2) + "Exif\0\0" (6)
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
