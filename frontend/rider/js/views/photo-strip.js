// The draft's photos as a row of thumbnails, with "remove" and "add another".

import { addPhotos, removePhoto } from "../draft.js";
import { h, replace } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { t } from "../i18n.js";

const MAX_PHOTOS = 6;

/** A strip for `draft`; calls `changed()` after a photo is added or removed. */
export function photoStrip(draft, changed = () => {}) {
  const strip = h("div", { class: "photo-strip", role: "list", "aria-label": t("new.photos") });
  const more = h("input", {
    id: "more-photos",
    class: "file-cover",
    type: "file",
    accept: "image/*",
    capture: "environment",
    multiple: true,
    onchange: () => {
      const room = MAX_PHOTOS - draft.photos.length;
      const files = [...more.files];
      if (files.length > room) toast(t("new.max_photos", { n: MAX_PHOTOS }));
      addPhotos(files.slice(0, room));
      more.value = "";
      draw();
      changed();
    },
  });

  function draw() {
    replace(
      strip,
      ...draft.photos.map((photo, index) =>
        h(
          "div",
          { class: "photo-tile", role: "listitem" },
          h("img", { src: photo.url, alt: t("new.photo_n", { n: index + 1 }) }),
          draft.photos.length > 1
            ? h(
                "button",
                {
                  class: "photo-remove",
                  type: "button",
                  "aria-label": t("new.remove_photo", { n: index + 1 }),
                  onclick: () => {
                    removePhoto(index);
                    draw();
                    changed();
                  },
                },
                "×",
              )
            : null,
        ),
      ),
      draft.photos.length < MAX_PHOTOS
        ? h(
            "div",
            { role: "listitem" },
            h(
              "label",
              { class: "photo-tile add", for: "more-photos" },
              icon(ICONS.plus, 28),
              h("span", { class: "visually-hidden" }, t("new.add_photo")),
              more,
            ),
          )
        : null,
    );
  }
  draw();
  return strip;
}
