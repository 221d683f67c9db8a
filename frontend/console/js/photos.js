// Photos: thumbnails that open the display copy; fetched with the bearer token, since photo
// URLs may be protected and <img src> cannot send it.

import { fetchObjectUrl } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** Object URLs made for one view; `revokeAll()` when the view goes away. */
export class PhotoUrls {
  constructor() {
    this.urls = [];
    this.controller = new AbortController();
  }

  /** Load `url` into `img` (sets src when ready, marks it failed otherwise). */
  async load(img, url) {
    try {
      const objectUrl = await fetchObjectUrl(url, { signal: this.controller.signal });
      this.urls.push(objectUrl);
      img.src = objectUrl;
    } catch (error) {
      if (error.name !== 'AbortError') img.classList.add('failed');
    }
  }

  revokeAll() {
    this.controller.abort();
    this.urls.forEach((url) => URL.revokeObjectURL(url));
    this.urls = [];
  }
}

/** A strip of thumbnails; a click shows the display copy. */
export function photoStrip(photos, urls, caption) {
  if (!photos || photos.length === 0) return h('p', { className: 'muted' }, t('photo.none'));
  return h(
    'div',
    { className: 'photo-strip' },
    photos.map((photo, index) => {
      const img = h('img', {
        alt: t('photo.alt', { n: index + 1, caption }),
        width: 160,
        height: 120,
        loading: 'lazy',
        className: 'thumb',
      });
      urls.load(img, photo.thumbnail_url || photo.url);
      return h(
        'button',
        {
          type: 'button',
          className: 'thumb-button',
          title: t('photo.open'),
          onclick: () => openLightbox(photo, urls, img.alt),
        },
        img,
      );
    }),
  );
}

/** Show one photo's display copy over the page. */
export function openLightbox(photo, urls, alt) {
  const img = h('img', { alt, className: 'lightbox-image' });
  const size = photo.width && photo.height ? `${photo.width} × ${photo.height}` : '';
  const close = h('button', { type: 'button', className: 'btn', onclick: () => dialog.close() }, t('action.close'));
  const dialog = h(
    'dialog',
    { className: 'lightbox', 'aria-label': alt },
    img,
    h('div', { className: 'lightbox-bar' }, h('span', { className: 'muted' }, size), close),
  );
  dialog.addEventListener('close', () => dialog.remove());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
  urls.load(img, photo.url);
}
