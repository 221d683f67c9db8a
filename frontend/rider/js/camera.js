// Shrinking photos on the phone before upload: long edge 2048 px, JPEG quality 0.8, upright.

import { exifSegment, withExifSegment } from "./exif.js";

const MAX_EDGE_PX = 2048;
const JPEG_QUALITY = 0.8;

/**
 * A photo ready for the outbox: {buffer, type, name, exif}. `exif` is the original EXIF block
 * when the pixels were re-encoded (null otherwise); see withLocationExif. A file the browser
 * cannot decode goes as it is, and the server says what is wrong with it.
 */
export async function shrinkPhoto(file, index) {
  const original = await file.arrayBuffer();
  const type = file.type || "application/octet-stream";
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
 * The photos as the outbox stores them ({buffer, type, name}). Without a location fix the first
 * photo gets its EXIF back, so that the server can place the report from the photo's GPS.
 */
export function photosForUpload(photos, hasFix) {
  return photos.map((photo, index) => ({
    buffer:
      !hasFix && index === 0 && photo.exif
        ? withExifSegment(photo.buffer, photo.exif)
        : photo.buffer,
    type: photo.type,
    name: photo.name,
  }));
}
