/**
 * Distances on the Earth for the place and placement-school searches. Pure: no I/O.
 *
 * The Earth is treated as a sphere of the mean radius (IUGG R1 = 6371.0088 km); against the
 * WGS-84 ellipsoid this errs by at most about 0.5%, which is far inside what "within 25 km
 * of Lagos" means to a candidate.
 */

export interface Point {
  lat: number;
  lon: number;
}

/** A latitude/longitude rectangle, bounds inclusive, longitudes within −180…180. */
export interface Box {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const phi1 = a.lat * RAD;
  const phi2 = b.lat * RAD;
  const sinDPhi = Math.sin((phi2 - phi1) / 2);
  const sinDLambda = Math.sin(((b.lon - a.lon) * RAD) / 2);
  const h = sinDPhi * sinDPhi + Math.cos(phi1) * Math.cos(phi2) * sinDLambda * sinDLambda;
  // Rounding can push h a hair outside 0…1 for coincident or antipodal points.
  const clamped = Math.min(1, Math.max(0, h));
  return 2 * EARTH_RADIUS_KM * Math.atan2(Math.sqrt(clamped), Math.sqrt(1 - clamped));
}

/**
 * Widening applied to every box so that a point exactly on the circle, whose computed
 * distance rounds either way, is never left out by the prefilter (about 0.1 mm).
 */
const MARGIN_DEG = 1e-9;

const clampLat = (lat: number) => Math.min(90, Math.max(-90, lat));

/** Longitude wrapped into −180…180. */
function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return wrapped;
}

/**
 * The latitude/longitude boxes that together contain every point within `radiusKm` of
 * `center`, for an indexed prefilter before the exact distance check:
 * - one box normally;
 * - two boxes when the circle crosses the antimeridian (±180°);
 * - one box spanning every longitude when the circle contains a pole.
 *
 * Method: J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using
 * Bounding Coordinates" — the longitude half-width is asin(sin r / cos φ), exact for a sphere.
 */
export function boundingBoxes(center: Point, radiusKm: number): Box[] {
  if (!Number.isFinite(center.lat) || center.lat < -90 || center.lat > 90) {
    throw new RangeError(`Latitude must be between -90 and 90, got ${center.lat}`);
  }
  if (!Number.isFinite(center.lon)) throw new RangeError(`Longitude must be a finite number, got ${center.lon}`);
  if (!Number.isFinite(radiusKm) || radiusKm < 0) {
    throw new RangeError(`Radius must be a finite number of kilometres, 0 or more, got ${radiusKm}`);
  }

  const lon = wrapLon(center.lon);
  const angular = radiusKm / EARTH_RADIUS_KM; // radians
  if (angular >= Math.PI) return [{ minLat: -90, maxLat: 90, minLon: -180, maxLon: 180 }];

  const minLat = center.lat - angular * DEG - MARGIN_DEG;
  const maxLat = center.lat + angular * DEG + MARGIN_DEG;

  // The circle reaches a pole: every longitude near that pole is within the radius.
  if (maxLat >= 90 || minLat <= -90) {
    return [{ minLat: clampLat(minLat), maxLat: clampLat(maxLat), minLon: -180, maxLon: 180 }];
  }

  const ratio = Math.sin(angular) / Math.cos(center.lat * RAD);
  const halfWidth = ratio >= 1 ? 180 : Math.asin(ratio) * DEG + MARGIN_DEG;
  if (halfWidth >= 180) return [{ minLat, maxLat, minLon: -180, maxLon: 180 }];

  const minLon = lon - halfWidth;
  const maxLon = lon + halfWidth;
  // A box touching ±180 also takes the other side's edge: 180° and −180° are one meridian.
  if (minLon <= -180) {
    return [
      { minLat, maxLat, minLon: -180, maxLon },
      { minLat, maxLat, minLon: minLon + 360, maxLon: 180 },
    ];
  }
  if (maxLon >= 180) {
    return [
      { minLat, maxLat, minLon, maxLon: 180 },
      { minLat, maxLat, minLon: -180, maxLon: maxLon - 360 },
    ];
  }
  return [{ minLat, maxLat, minLon, maxLon }];
}

/** Whether a point lies in a box (bounds inclusive). */
export function inBox(box: Box, p: Point): boolean {
  return p.lat >= box.minLat && p.lat <= box.maxLat && p.lon >= box.minLon && p.lon <= box.maxLon;
}

/**
 * Strips per degree of latitude in the search index (migration 0026): a point lies in strip
 * floor((lat + 90) × 10), so strips are 0.1° (about 11 km) tall, numbered 0 (the South
 * Pole) to 1800 (the North Pole). The database computes the same expression.
 */
export const STRIPS_PER_DEGREE = 10;

/** The latitude strip a point lies in. */
export const latitudeStrip = (lat: number): number => Math.floor((lat + 90) * STRIPS_PER_DEGREE);

/** Every latitude strip a box crosses, south to north. */
export function latitudeStrips(box: Box): number[] {
  const strips: number[] = [];
  for (let s = latitudeStrip(box.minLat); s <= latitudeStrip(box.maxLat); s++) strips.push(s);
  return strips;
}
