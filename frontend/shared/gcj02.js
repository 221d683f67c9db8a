// WGS-84 ⇄ GCJ-02 ("Mars" datum of AMap and Tencent tiles), the same formulas as the server's
// app/grids/crs.py (tests/maps/test_gcj02_js.py holds them equal). Points are [lon, lat].

const SEMI_MAJOR_AXIS_M = 6378245.0; // Krasovsky 1940
const ECCENTRICITY_SQUARED = 0.006693421622965943; // the double nearest the published value
const CHINA = { minLon: 72.004, maxLon: 137.8347, minLat: 0.8293, maxLat: 55.8271 };
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 30;

/** Whether the point lies outside the rectangle where GCJ-02 shifts points. */
export function isOutsideChina(lon, lat) {
  return !(
    CHINA.minLon <= lon &&
    lon <= CHINA.maxLon &&
    CHINA.minLat <= lat &&
    lat <= CHINA.maxLat
  );
}

function latShift(x, y) {
  const pi = Math.PI;
  let shift = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  shift += ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
  shift += ((20 * Math.sin(y * pi) + 40 * Math.sin((y / 3) * pi)) * 2) / 3;
  shift += ((160 * Math.sin((y / 12) * pi) + 320 * Math.sin((y * pi) / 30)) * 2) / 3;
  return shift;
}

function lonShift(x, y) {
  const pi = Math.PI;
  let shift = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  shift += ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
  shift += ((20 * Math.sin(x * pi) + 40 * Math.sin((x / 3) * pi)) * 2) / 3;
  shift += ((150 * Math.sin((x / 12) * pi) + 300 * Math.sin((x / 30) * pi)) * 2) / 3;
  return shift;
}

/** WGS-84 [lon, lat] → GCJ-02; points outside China are returned unchanged. */
export function wgs84ToGcj02(lon, lat) {
  if (isOutsideChina(lon, lat)) return [lon, lat];
  const dLat = latShift(lon - 105, lat - 35);
  const dLon = lonShift(lon - 105, lat - 35);
  const latRad = (lat * Math.PI) / 180;
  const magic = 1 - ECCENTRICITY_SQUARED * Math.sin(latRad) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const latDeg =
    (dLat * 180) /
    (((SEMI_MAJOR_AXIS_M * (1 - ECCENTRICITY_SQUARED)) / (magic * sqrtMagic)) * Math.PI);
  const lonDeg = (dLon * 180) / ((SEMI_MAJOR_AXIS_M / sqrtMagic) * Math.cos(latRad) * Math.PI);
  return [lon + lonDeg, lat + latDeg];
}

/** GCJ-02 [lon, lat] → WGS-84 by fixed-point iteration (round trip well under 1 m). */
export function gcj02ToWgs84(lon, lat) {
  if (isOutsideChina(lon, lat)) return [lon, lat];
  let [wgsLon, wgsLat] = [lon, lat];
  for (let step = 0; step < INVERSE_MAX_ITERATIONS; step += 1) {
    const [shiftedLon, shiftedLat] = wgs84ToGcj02(wgsLon, wgsLat);
    const [errorLon, errorLat] = [shiftedLon - lon, shiftedLat - lat];
    wgsLon -= errorLon;
    wgsLat -= errorLat;
    if (Math.abs(errorLon) < INVERSE_TOLERANCE_DEG && Math.abs(errorLat) < INVERSE_TOLERANCE_DEG)
      break;
  }
  return [wgsLon, wgsLat];
}
