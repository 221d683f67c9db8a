// Stroke icons on a 24x24 grid (drawn for this app); rendered with icon().

export const ICONS = {
  camera: [
    "M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z",
    "M12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z",
  ],
  list: ["M9 6h11", "M9 12h11", "M9 18h11", "M4 6h1", "M4 12h1", "M4 18h1"],
  tasks: ["M9 3h6v3H9z", "M7 4.5H5V21h14V4.5h-2", "M9 13.5l2 2 4-4"],
  star: ["M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"],
  bell: ["M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z", "M10 20.5a2 2 0 0 0 4 0"],
  user: ["M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8z", "M4 21a8 8 0 0 1 16 0"],
  pin: [
    "M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12z",
    "M12 11.5a2.5 2.5 0 1 0 0-5a2.5 2.5 0 1 0 0 5z",
  ],
  building: ["M4 21V10l8-6 8 6v11z", "M9 21v-6h6v6", "M2 21h20"],
  trash: ["M4 7h16", "M9 7V4h6v3", "M6 7l1 14h10l1-14", "M10 11v6", "M14 11v6"],
  shop: ["M3 9l2-5h14l2 5z", "M5 9v11h14V9", "M10 20v-5h4v5"],
  boxes: ["M3 13h8v8H3z", "M13 13h8v8h-8z", "M8 4h8v9H8z"],
  fire: ["M12 22c4 0 7-3 7-7 0-4-3-6-4-10-2 2-3 4-3 6-1-1-2-2-2-4-2 2-5 5-5 8 0 4 3 7 7 7z"],
  people: [
    "M9 11a3.5 3.5 0 1 0 0-7a3.5 3.5 0 1 0 0 7z",
    "M2 21a7 7 0 0 1 14 0",
    "M16 4.5a3.5 3.5 0 0 1 0 6.5",
    "M18 14a7 7 0 0 1 4 7",
  ],
  more: ["M5 12h.01", "M12 12h.01", "M19 12h.01"],
  back: ["M15 5l-7 7 7 7"],
  forward: ["M9 5l7 7-7 7"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  check: ["M5 12l5 5 9-10"],
  alert: ["M12 3l10 18H2z", "M12 10v4", "M12 17.5h.01"],
  gift: [
    "M3 8h18v4H3z",
    "M5 12v9h14v-9",
    "M12 8v13",
    "M12 8c-2-4-6-4-6-1.5S12 8 12 8zm0 0c2-4 6-4 6-1.5S12 8 12 8z",
  ],
  trophy: [
    "M8 4h8v5a4 4 0 0 1-8 0z",
    "M8 6H4.5a3.5 3.5 0 0 0 3.5 4",
    "M16 6h3.5A3.5 3.5 0 0 1 16 10",
    "M12 13v4",
    "M8 21h8",
    "M10 17h4v4h-4z",
  ],
  megaphone: ["M3 10v4h4l9 5V5l-9 5z", "M19.5 9a4 4 0 0 1 0 6"],
  share: ["M4 12v8h16v-8", "M12 3v13", "M7 8l5-5 5 5"],
  phone: ["M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z"],
  plus: ["M12 5v14", "M5 12h14"],
  globe: [
    "M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18z",
    "M3 12h18",
    "M12 3c3.5 3 3.5 15 0 18",
    "M12 3c-3.5 3-3.5 15 0 18",
  ],
  offline: [
    "M3 3l18 18",
    "M8.5 16.5a5 5 0 0 1 7 0",
    "M5 13a10 10 0 0 1 5-2.7",
    "M2 9.5a15 15 0 0 1 5-3",
    "M12 20h.01",
  ],
  search: ["M11 18a7 7 0 1 0 0-14a7 7 0 1 0 0 14z", "M20 20l-4-4"],
};

// The rider app's big buttons: the common categories, by code (others fall back by group).
const CATEGORY_ICONS = {
  "0101": "building",
  "0102": "trash",
  "0504": "shop",
  "0507": "boxes",
  "0601": "fire",
  "0603": "people",
};
const GROUP_ICONS = {
  "01": "trash",
  "02": "megaphone",
  "03": "building",
  "04": "alert",
  "05": "shop",
  "06": "people",
};

/** The icon name for a category: its own, else its group's, else a pin. */
export function categoryIcon(category) {
  return CATEGORY_ICONS[category.code] || GROUP_ICONS[category.group] || "pin";
}

/** An SVG icon from a list of path strings (our own constants, never server text). */
export function icon(paths, size = 24) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  for (const d of paths) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
