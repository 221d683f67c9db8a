// Urgent reports heard and seen outside the page: a short two-note tone made with WebAudio (no
// audio file), and, while the tab is in the background, a desktop notification once the
// coordinator has allowed them (the browser asks only when the 允许桌面通知 button is clicked).

import { h } from "../../shared/dom.js";
import { t } from "./i18n.js";

const TONE = [
  { hz: 880, atS: 0, lengthS: 0.16 },
  { hz: 660, atS: 0.18, lengthS: 0.22 },
];
let audio = null;

/** The page's audio context, made on first use and woken if suspended; null without WebAudio. */
function readyAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  audio ??= new Context();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

/** Play the urgent tone (silent where the browser has no WebAudio or keeps it suspended). */
export function playUrgentTone() {
  if (!readyAudio()) return;
  const start = audio.currentTime;
  for (const note of TONE) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = note.hz;
    gain.gain.setValueAtTime(0.0001, start + note.atS);
    gain.gain.exponentialRampToValueAtTime(0.25, start + note.atS + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + note.atS + note.lengthS);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + note.atS);
    oscillator.stop(start + note.atS + note.lengthS + 0.02);
  }
}

/** Browsers start audio only after a gesture on the page: ready the tone at the first click,
 * for the alerts that come later. */
export function armUrgentTone() {
  document.addEventListener("pointerdown", readyAudio, { once: true });
}

function desktopSupported() {
  return "Notification" in window;
}

/** A desktop notification of an urgent report, if the tab is hidden and they are allowed;
 * clicking it brings the console forward on the report. */
export function notifyDesktop(report, { text, onOpen }) {
  if (!document.hidden || !desktopSupported() || Notification.permission !== "granted") return;
  const notification = new Notification(t("urgent.title", { id: report.id }), {
    body: text,
    tag: `urgent-report-${report.id}`,
  });
  notification.addEventListener("click", () => {
    window.focus();
    onOpen(report.id);
    notification.close();
  });
}

/** The top bar's control: a 允许桌面通知 button while undecided (the browser asks on its click
 * only), then the choice, as text. */
export function desktopPermissionControl() {
  if (!desktopSupported()) return null;
  const control = h("span", { class: "desktop-permission", role: "status" });
  const show = () => {
    const choice = Notification.permission;
    control.dataset.permission = choice;
    if (choice !== "default") {
      control.title = choice === "denied" ? t("desktop.denied_hint") : "";
      control.replaceChildren(t(`desktop.${choice}`));
      return;
    }
    const ask = h("button", { type: "button", class: "btn btn-ghost" }, t("desktop.default"));
    ask.addEventListener("click", async () => {
      await Notification.requestPermission();
      show();
    });
    control.replaceChildren(ask);
  };
  show();
  return control;
}
