// The report being composed: photos (shrinking in the background), category, urgency, text.

import { shrinkPhoto } from "./camera.js";

let draft = null;
// Photos shrink one at a time: a decoded 12 MP photo takes ~50 MB, too much to hold six at once.
let shrinking = Promise.resolve();

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

/** Add more photos; they start shrinking at once so that sending need not wait for them. */
export function addPhotos(files) {
  for (const file of files) {
    const index = draft.photos.length;
    const ready = shrinking.catch(() => {}).then(() => shrinkPhoto(file, index));
    shrinking = ready;
    draft.photos.push({ url: URL.createObjectURL(file), ready });
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
