"""Steps the browser tests share: the three-tap report, the outbox's contents and states."""

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page

SENT_TIMEOUT_MS = 30_000


@dataclass
class Taps:
    """Counts the rider's taps; choosing photos in the camera is one, like a shutter press."""

    page: Page
    count: int = 0
    log: list[str] = field(default_factory=list)

    def take_photos(self, *paths: Path) -> None:
        self.page.locator("#camera-input").set_input_files([str(p) for p in paths])
        self._count("camera")

    def tap(self, target: Locator, name: str) -> None:
        target.click()
        self._count(name)

    def _count(self, name: str) -> None:
        self.count += 1
        self.log.append(name)


def report_in_three_taps(page: Page, photo: Path, category_name: str) -> Taps:
    """From the home screen: camera, category, send. Returns the taps counted."""
    taps = Taps(page)
    taps.take_photos(photo)
    taps.tap(page.locator(".category-button", has_text=category_name), "category")
    taps.tap(page.get_by_role("button", name=re.compile("发送|Send")), "send")
    page.locator("#camera-input").wait_for(state="attached")
    return taps


def outbox_items(page: Page, state: str) -> Locator:
    """Outbox rows in one state: waiting, sending, sent or refused."""
    return page.locator(f'.outbox-item[data-state="{state}"]')


def wait_until_sent(page: Page, count: int) -> None:
    """Wait until `count` reports show as sent and none is left in the outbox."""
    page.wait_for_function(
        """(count) => document.querySelectorAll('.outbox-item[data-state="sent"]').length === count
          && !document.querySelector('.outbox-item:not([data-state="sent"])')""",
        arg=count,
        timeout=SENT_TIMEOUT_MS,
    )


@dataclass(frozen=True)
class QueuedPhoto:
    content: bytes
    type: str
    name: str


@dataclass(frozen=True)
class QueuedReport:
    client_id: str
    fields: dict[str, str]
    photos: list[QueuedPhoto]


def queued_reports(page: Page) -> list[QueuedReport]:
    """The reports waiting in the outbox (IndexedDB), exactly as they will be sent."""
    records = page.evaluate(
        """async () => {
          const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open("tantou");
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          const records = await new Promise((resolve, reject) => {
            const store = db.transaction("outbox").objectStore("outbox");
            const request = store.index("queued_at").getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          const base64 = (buffer) => new Promise((resolve) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result.split(",")[1]);
            reader.readAsDataURL(new Blob([buffer]));
          });
          return Promise.all(records.map(async (r) => ({
            client_id: r.client_id,
            fields: r.fields,
            photos: await Promise.all(r.photos.map(async (p) => (
              { content: await base64(p.buffer), type: p.type, name: p.name }))),
          })));
        }"""
    )
    return [
        QueuedReport(
            client_id=record["client_id"],
            fields={name: str(value) for name, value in record["fields"].items()},
            photos=[
                QueuedPhoto(base64.b64decode(p["content"]), p["type"], p["name"])
                for p in record["photos"]
            ],
        )
        for record in records
    ]
