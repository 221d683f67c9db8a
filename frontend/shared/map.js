// The one map of both apps (Leaflet, from npm via `make build`): grids as SVG polygons, each
// path carrying data-grid-code; points as SVG circles; a tile layer only when the server
// publishes one (GET /map/config), else a plain background, which is also what shows offline.
// Data is WGS-84; with GCJ-02 tiles every point is shifted for display and back for clicks.

// Leaflet's minified build (42 KB compressed, against 110 KB for its unminified ES module): a
// UMD script that, imported as a module, sets globalThis.L.
import "../vendor/leaflet/leaflet.js";
import { gcj02ToWgs84, wgs84ToGcj02 } from "./gcj02.js";

const { L } = globalThis;

const STYLESHEET = "/vendor/leaflet/leaflet.css";

function ensureStylesheet() {
  if (document.querySelector(`link[href="${STYLESHEET}"]`)) return;
  document.head.append(
    Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET }),
  );
}

/** [lon, lat] pairs of a GeoJSON Polygon or MultiPolygon, as Leaflet rings of display points. */
function ringsOf(geometry, toDisplay) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  return polygons.map((rings) =>
    rings.map((ring) => ring.map(([lon, lat]) => toDisplay(lat, lon))),
  );
}

/**
 * A map in `container` for `config` ({tile_url, crs, attribution, subdomains}). Returns
 * {showGrids, showPoints, showPin, fitGrids, focus, viewBox, zoom, onMove, onPick, destroy}.
 */
export function createMap(container, config = {}) {
  ensureStylesheet();
  const gcj = config.crs === "gcj02" && config.tile_url;
  const toDisplay = (lat, lon) => {
    const [x, y] = gcj ? wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(y, x);
  };
  const fromDisplay = (latLng) => {
    const [lon, lat] = gcj ? gcj02ToWgs84(latLng.lng, latLng.lat) : [latLng.lng, latLng.lat];
    return { lat, lon };
  };
  container.classList.add("tt-map");
  const map = L.map(container, {
    renderer: L.svg(),
    zoomControl: true,
    attributionControl: Boolean(config.tile_url),
  });
  if (config.tile_url) {
    L.tileLayer(config.tile_url, {
      subdomains: config.subdomains || "abc",
      attribution: config.attribution || "",
      maxZoom: 18,
    }).addTo(map);
  } else {
    container.classList.add("tt-map-plain");
  }
  map.setView([32.85, 117.55], 12);
  const gridLayer = L.featureGroup().addTo(map);
  const pointLayer = L.featureGroup().addTo(map);
  let pin = null;

  function showGrids(features, { style = () => ({}), onClick = null, label = null } = {}) {
    gridLayer.clearLayers();
    for (const feature of features) {
      const code = feature.properties.code;
      const polygon = L.polygon(ringsOf(feature.geometry, toDisplay), {
        weight: 1,
        color: "#1a4f9f",
        fillOpacity: 0.35,
        ...style(feature.properties),
      });
      if (label) polygon.bindTooltip(label(feature.properties), { sticky: true });
      if (onClick) polygon.on("click", () => onClick(feature.properties));
      polygon.addTo(gridLayer);
      const path = polygon.getElement();
      path.setAttribute("data-grid-code", code);
      // A named shape: an aria-label is allowed only on an element with a role.
      path.setAttribute("role", "img");
      path.setAttribute("aria-label", feature.properties.name || code);
    }
  }

  /** Points [{lat, lon, radius?, colour?, label?, data?}]; `onClick(point)` on each. */
  function showPoints(points, { onClick = null } = {}) {
    pointLayer.clearLayers();
    for (const point of points) {
      const circle = L.circleMarker(toDisplay(point.lat, point.lon), {
        radius: point.radius || 7,
        color: "#ffffff",
        weight: 2,
        fillColor: point.colour || "#c8102e",
        fillOpacity: 0.9,
      });
      if (point.label)
        circle.bindTooltip(point.label, {
          permanent: Boolean(point.permanentLabel),
          direction: "center",
          className: point.permanentLabel ? "tt-map-count" : "",
        });
      if (onClick) circle.on("click", () => onClick(point));
      circle.addTo(pointLayer);
      const element = circle.getElement();
      if (point.data) Object.assign(element.dataset, point.data);
    }
  }

  /**
   * One draggable pin at (lat, lon), moved there if already shown; `onDrop({lat, lon})` when
   * the user lets go of it. An HTML marker (a CSS-drawn pin), so no marker images are needed.
   */
  function showPin(lat, lon, { onDrop = null, label = "" } = {}) {
    if (!pin) {
      pin = L.marker(toDisplay(lat, lon), {
        draggable: true,
        autoPan: true,
        // A 44 px target; its 28 px pin (drawn by the app's CSS) points at the spot.
        icon: L.divIcon({ className: "tt-map-pin", iconSize: [44, 44], iconAnchor: [22, 42] }),
      }).addTo(map);
      pin.getElement().setAttribute("aria-label", label);
      pin.on("dragend", () => onDrop?.(fromDisplay(pin.getLatLng())));
    } else {
      pin.setLatLng(toDisplay(lat, lon));
    }
  }

  // Views jump rather than animate: Leaflet's zoom animation ends on a timer that fails when
  // the map is removed first (a click that leaves the page mid-animation).
  function fitGrids() {
    const bounds = gridLayer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
  }

  function focus(lat, lon, zoom = 16) {
    map.setView(toDisplay(lat, lon), zoom, { animate: false });
  }

  /** The view as WGS-84 "minLon,minLat,maxLon,maxLat" (the API's bbox). */
  function viewBox() {
    const bounds = map.getBounds();
    const corners = [
      bounds.getSouthWest(),
      bounds.getNorthEast(),
      bounds.getNorthWest(),
      bounds.getSouthEast(),
    ].map(fromDisplay);
    const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
    const lons = corners.map((c) => clamp(c.lon, 180));
    const lats = corners.map((c) => clamp(c.lat, 90));
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
      .map((v) => v.toFixed(6))
      .join(",");
  }

  function onMove(callback) {
    map.on("moveend", callback);
  }

  /** A click anywhere, in WGS-84 (for picking a point). */
  function onPick(callback) {
    map.on("click", (event) => callback(fromDisplay(event.latlng)));
  }

  return {
    showGrids,
    showPoints,
    showPin,
    fitGrids,
    focus,
    viewBox,
    onMove,
    onPick,
    zoom: () => map.getZoom(),
    zoomTo: (lat, lon) => map.setView(toDisplay(lat, lon), Math.min(map.getZoom() + 2, 18)),
    // Stopped first: a pan or zoom still animating would step a removed map.
    destroy: () => {
      map.stop();
      gridLayer.clearLayers();
      pointLayer.clearLayers();
      pin?.remove();
      map.off();
      map.remove();
    },
  };
}
