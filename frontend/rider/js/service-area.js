// Where a point falls, by the grid outlines kept on the phone and the server's rule: the grid
// containing it; else the nearest community within max_distance_m (its unassigned queue); else
// outside the service area, which the server refuses (app/grids/locator.py: locate_point).

const EARTH_MEAN_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/**
 * {grid, community, inServiceArea} for WGS-84 (lat, lon) in `outlines` (GET /map/outlines):
 * grid and community are {code, name} or null.
 */
export function placeOf(outlines, lat, lon) {
  const grids = outlines.features.filter((f) => f.properties.level === "grid");
  const communities = outlines.features.filter((f) => f.properties.level === "community");
  const byCode = new Map(communities.map((f) => [f.properties.code, f.properties]));
  // Where grids touch, the smallest code wins, as on the server.
  const inside = grids
    .filter((f) => containsPoint(f.geometry, lon, lat))
    .map((f) => f.properties)
    .sort((a, b) => a.code.localeCompare(b.code));
  if (inside.length) {
    const grid = inside[0];
    return { grid: ref(grid), community: ref(byCode.get(grid.parent_code)), inServiceArea: true };
  }
  let nearest = null;
  for (const feature of communities) {
    const distance = distanceToM(feature.geometry, lon, lat);
    if (distance <= outlines.max_distance_m && (!nearest || distance < nearest.distance)) {
      nearest = { distance, community: feature.properties };
    }
  }
  return { grid: null, community: ref(nearest?.community), inServiceArea: Boolean(nearest) };
}

function ref(properties) {
  return properties ? { code: properties.code, name: properties.name } : null;
}

function polygonsOf(geometry) {
  return geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
}

/** Inside a Polygon or MultiPolygon (even-odd over its rings, so holes are holes). */
function containsPoint(geometry, lon, lat) {
  return polygonsOf(geometry).some((rings) => {
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
          inside = !inside;
        }
      }
    }
    return inside;
  });
}

/** Metres from the point to the geometry (0 inside), on a local equirectangular plane. */
function distanceToM(geometry, lon, lat) {
  if (containsPoint(geometry, lon, lat)) return 0;
  const xScale = EARTH_MEAN_RADIUS_M * RAD * Math.cos(lat * RAD);
  const yScale = EARTH_MEAN_RADIUS_M * RAD;
  const project = ([x, y]) => [(x - lon) * xScale, (y - lat) * yScale];
  let best = Infinity;
  for (const rings of polygonsOf(geometry)) {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i += 1) {
        best = Math.min(best, segmentDistance(project(ring[i - 1]), project(ring[i])));
      }
    }
  }
  return best;
}

/** Distance from the origin to the segment a-b. */
function segmentDistance([ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2)) : 0;
  return Math.hypot(ax + t * dx, ay + t * dy);
}
