// Shrinking photos on the phone before upload: long edge 2048 px, JPEG quality 0.8, upright.

import { exifGps, exifSegment, withExifSegment } from "./exif.js";

const MAX_EDGE_PX = 2048;
const JPEG_QUALITY = 0.8;

/**
 * A photo ready for the outbox: {buffer, type, name, exif, gps}. `exif` is the original EXIF
 * block when the pixels were re-encoded (null otherwise), see photosForUpload; `gps` its point
 * ({lat, lon}, WGS-84) or null. A file the browser cannot decode goes as it is, and the server
 * says what is wrong with it.
 */
export async function shrinkPhoto(file, index) {
  const original = await file.arrayBuffer();
  const type = file.type || "application/octet-stream";
  return { ...(await shrunk(file, original, type, index)), gps: exifGps(original) };
}

async function shrunk(file, original, type, index) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { buffer: original, type, name: file.name || `photo-${index + 1}`, exif: null };
  }
  const scale = Math.min(1, MAX_EDGE_PX / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const blob = await encodeJpeg(bitmap, width, height);
  bitmap.close();
  const name = `photo-${index + 1}.jpg`;
  // A small JPEG can come out bigger re-encoded; then the original (EXIF and all) is better.
  if (type === "image/jpeg" && scale === 1 && blob.size >= original.byteLength) {
    return { buffer: original, type, name, exif: null };
  }
  const exif = type === "image/jpeg" ? exifSegment(original) : null;
  return { buffer: await blob.arrayBuffer(), type: "image/jpeg", name, exif };
}

async function encodeJpeg(bitmap, width, height) {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error("encoding failed"))),
      "image/jpeg",
      JPEG_QUALITY,
    );
  });
}

/**
 * The photos as the outbox stores them ({buffer, type, name}). When the report is placed by the
 * photo's GPS (`byPhotoGps`), the first photo gets its EXIF back so the server reads that point.
 */
export function photosForUpload(photos, byPhotoGps) {
  return photos.map((photo, index) => ({
    buffer:
      byPhotoGps && index === 0 && photo.exif
        ? withExifSegment(photo.buffer, photo.exif)
        : photo.buffer,
    type: photo.type,
    name: photo.name,
  }));
}
