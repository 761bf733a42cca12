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

/** Longitudes from…to in one latitude strip (the search index's unit), bounds inclusive. */
export interface StripSpan {
  strip: number;
  fromLon: number;
  toLon: number;
}

/**
 * A circle cut along the search index's latitude strips, for counting without reading:
 * - `inside`: spans every point of which is within the radius, with room to spare for
 *   rounding (bounds exclusive: a point on a bound is in `edge`);
 * - `edge`: the rest of each strip's part of the circle (bounds inclusive), to be read
 *   and measured one by one.
 * Together they hold every point within the radius, and no point is in both. Null where
 * the circle reaches a pole or half way round the Earth: there every strip is read whole.
 *
 * In a strip, the circle's half-width in longitude at latitude φ is λ(φ), from the
 * spherical law of cosines: cos λ = (cos r − sin φ sin φ₀) / (cos φ cos φ₀). λ rises to its
 * widest at sin φ = sin φ₀ / cos r and falls after, so across a strip it is least at one
 * of the strip's edges and greatest at one of them or at that widest latitude.
 */
export function circleByStrips(center: Point, radiusKm: number): { inside: StripSpan[]; edge: StripSpan[] } | null {
  const boxes = boundingBoxes(center, radiusKm);
  const box = boxes[0]!;
  if (box.minLat <= -90 || box.maxLat >= 90 || (boxes.length === 1 && box.maxLon - box.minLon >= 360)) return null;
  const angular = radiusKm / EARTH_RADIUS_KM;
  const phi0 = center.lat * RAD;
  const lon0 = wrapLon(center.lon);
  /** λ(φ) in degrees; −1 where that parallel misses the circle. */
  const halfWidth = (lat: number): number => {
    const phi = lat * RAD;
    const c = (Math.cos(angular) - Math.sin(phi) * Math.sin(phi0)) / (Math.cos(phi) * Math.cos(phi0));
    if (c > 1) return -1;
    return c < -1 ? 180 : Math.acos(c) * DEG;
  };
  const widestLat = Math.asin(Math.min(1, Math.sin(phi0) / Math.cos(angular))) * DEG;
  const boxHalfWidth = (box.maxLon - box.minLon + (boxes.length === 2 ? boxes[1]!.maxLon - boxes[1]!.minLon : 0)) / 2;
  if (boxHalfWidth >= 90) return null;

  const inside: StripSpan[] = [];
  const edge: StripSpan[] = [];
  for (let strip = latitudeStrip(box.minLat); strip <= latitudeStrip(box.maxLat); strip++) {
    // The strip's latitudes, widened a little: the database rounds (lat + 90) × 10 its own way.
    const south = strip / STRIPS_PER_DEGREE - 90 - SPAN_MARGIN_DEG;
    const north = (strip + 1) / STRIPS_PER_DEGREE - 90 + SPAN_MARGIN_DEG;
    const low = Math.max(south, box.minLat);
    const high = Math.min(north, box.maxLat);
    const widest = widestLat >= low && widestLat <= high ? boxHalfWidth : Math.max(halfWidth(low), halfWidth(high), 0);
    const outer = Math.min(boxHalfWidth, widest + OUTER_MARGIN_DEG);
    const least = Math.min(halfWidth(south), halfWidth(north));
    const inner = least >= MIN_INSIDE_DEG ? least - INNER_MARGIN_DEG : 0;
    if (inner > 0) {
      inside.push(...wrapSpans(strip, lon0 - inner, lon0 + inner, true));
      edge.push(...wrapSpans(strip, lon0 - outer, lon0 - inner), ...wrapSpans(strip, lon0 + inner, lon0 + outer));
    } else edge.push(...wrapSpans(strip, lon0 - outer, lon0 + outer));
  }
  return { inside, edge };
}

/** Widening of a strip's latitudes (about 1 cm). */
const SPAN_MARGIN_DEG = 1e-7;
/** How far inside the circle's edge an `inside` span stops (about 10 cm at the equator). */
const INNER_MARGIN_DEG = 1e-6;
/** Where a circle is narrower than this across a strip, the whole strip is edge. */
const MIN_INSIDE_DEG = 0.01;
/** Widening of an edge span beyond the circle, for rounding near the circle's top and bottom (about 1 m). */
const OUTER_MARGIN_DEG = 1e-5;

/**
 * A span of unwrapped longitudes as spans within −180…180. A span past ±180 goes on from
 * the other side, and one that reaches 180 also takes −180 (one meridian). `open` spans
 * exclude their bounds, but not where they were cut at ±180: ±181 stands in there, past
 * every stored longitude.
 */
function wrapSpans(strip: number, from: number, to: number, open = false): StripSpan[] {
  // A span wholly past ±180 is the same span on the other side.
  if (open ? from >= 180 : from > 180) return wrapSpans(strip, from - 360, to - 360, open);
  if (open ? to <= -180 : to < -180) return wrapSpans(strip, from + 360, to + 360, open);
  // An open span that ends exactly at ±180 excludes that meridian on both sides: no cut.
  const end = open ? 181 : 180;
  if (open ? from < -180 : from <= -180)
    return [
      { strip, fromLon: from + 360, toLon: end },
      { strip, fromLon: -end, toLon: to },
    ];
  if (open ? to > 180 : to >= 180)
    return [
      { strip, fromLon: from, toLon: end },
      { strip, fromLon: -end, toLon: to - 360 },
    ];
  return [{ strip, fromLon: from, toLon: to }];
}
