// The report being composed: photos (shrinking in the background), category, urgency, text.

import { shrinkPhoto } from "./camera.js";

let draft = null;

/** Start a new report from the camera's files. */
export function startDraft(files) {
  discardDraft();
  draft = { photos: [], category: null, urgent: false, description: "", nearbyChecked: null };
  addPhotos(files);
  return draft;
}

/** The report being composed, or null. */
export function currentDraft() {
  return draft;
}

/** Add more photos; each starts shrinking at once so that sending does not wait for it. */
export function addPhotos(files) {
  for (const file of files) {
    const index = draft.photos.length;
    draft.photos.push({ url: URL.createObjectURL(file), ready: shrinkPhoto(file, index) });
  }
}

/** Remove one photo. */
export function removePhoto(index) {
  const [photo] = draft.photos.splice(index, 1);
  if (photo) URL.revokeObjectURL(photo.url);
}

/** Forget the draft and free its previews. */
export function discardDraft() {
  for (const photo of draft?.photos || []) URL.revokeObjectURL(photo.url);
  draft = null;
}
