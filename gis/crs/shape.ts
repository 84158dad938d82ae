/**
 * What a file's raw coordinates look like, judged point by point from their ranges alone: longitude/
 * latitude inside China, Gauss-Krüger eastings with a zone prefix (8 digits, 36 512 345), plain
 * Gauss-Krüger eastings (6 digits, 512 345), or one of these with the two axes exchanged — the usual
 * result of the survey convention X = northing, Y = easting meeting GIS software's x = easting.
 *
 * Ranges: China spans 73–136°E and 3–54°N; a Gauss-Krüger northing there lies between 300 000 m and
 * 6 100 000 m; 3° zones are numbered 25–45 and 6° zones 13–23, so an 8-digit easting's first two digits
 * tell both the zone and the zone width.
 */
import type { Position } from '../formats/types'

export type ShapeKind =
  'lonlat' | 'latlon' | 'gk-prefixed' | 'gk-prefixed-swapped' | 'gk-cm' | 'gk-cm-swapped' | 'other'

export interface CoordinateShape {
  /** The kind most points have; 'empty' when there is no finite coordinate. */
  kind: ShapeKind | 'empty'
  /** The zone prefix, for the prefixed kinds. */
  zone: number | null
  /** Share of the points that have `kind` (0–1). */
  share: number
  /** Fewer than 90 % of the points share one kind: the file mixes coordinate systems or holds junk. */
  mixed: boolean
  /** Every kind seen, with its share, most frequent first (for messages). */
  kinds: { kind: ShapeKind; zone: number | null; share: number }[]
  /** Range of the finite coordinates: [minX, minY, maxX, maxY]. */
  bbox: [number, number, number, number] | null
  points: number
}

export const CHINA_BBOX: [number, number, number, number] = [73, 3, 136, 54]
const NORTHING_MIN = 300_000
const NORTHING_MAX = 6_100_000

/** Whether a number can be the zone prefix of an 8-digit easting (3° zones 25–45, 6° zones 13–23). */
export function plausibleZone(zone: number): boolean {
  return (zone >= 13 && zone <= 23) || (zone >= 25 && zone <= 45)
}

const LONLAT = 1
const LATLON = 2
const CM = 3
const CM_SWAPPED = 4
const OTHER = 5
const PREFIXED = 100
const PREFIXED_SWAPPED = 200

function classify(x: number, y: number): number {
  if (x >= 73 && x <= 136 && y >= 3 && y <= 54) return LONLAT
  if (x >= 3 && x <= 54 && y >= 73 && y <= 136) return LATLON
  if (x >= 1e7 && x < 4.6e7 && y >= NORTHING_MIN && y <= NORTHING_MAX) {
    const zone = Math.floor(x / 1e6)
    return plausibleZone(zone) ? PREFIXED + zone : OTHER
  }
  if (y >= 1e7 && y < 4.6e7 && x >= NORTHING_MIN && x <= NORTHING_MAX) {
    const zone = Math.floor(y / 1e6)
    return plausibleZone(zone) ? PREFIXED_SWAPPED + zone : OTHER
  }
  if (x > 0 && x < 1e6 && y >= NORTHING_MIN && y <= NORTHING_MAX) return CM
  if (y > 0 && y < 1e6 && x >= 1e6 && x <= NORTHING_MAX) return CM_SWAPPED
  return OTHER
}

function decode(key: number): { kind: ShapeKind; zone: number | null } {
  if (key >= PREFIXED_SWAPPED) return { kind: 'gk-prefixed-swapped', zone: key - PREFIXED_SWAPPED }
  if (key >= PREFIXED) return { kind: 'gk-prefixed', zone: key - PREFIXED }
  const kind = (
    { [LONLAT]: 'lonlat', [LATLON]: 'latlon', [CM]: 'gk-cm', [CM_SWAPPED]: 'gk-cm-swapped' } as const
  )[key as 1 | 2 | 3 | 4]
  return { kind: kind ?? 'other', zone: null }
}

/** Classifies every point of the sample and reports the dominant kind. */
export function coordinateShape(sample: readonly Position[]): CoordinateShape {
  const counts = new Int32Array(PREFIXED_SWAPPED + 100)
  let n = 0
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const p of sample) {
    const x = p[0]
    const y = p[1]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    n++
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
    counts[classify(x, y)]!++
  }
  if (n === 0) return { kind: 'empty', zone: null, share: 0, mixed: false, kinds: [], bbox: null, points: 0 }
  const kinds: CoordinateShape['kinds'] = []
  counts.forEach((c, key) => {
    if (c > 0) kinds.push({ ...decode(key), share: c / n })
  })
  kinds.sort((a, b) => b.share - a.share)
  const top = kinds[0]!
  return {
    kind: top.kind,
    zone: top.zone,
    share: top.share,
    mixed: top.share < 0.9,
    kinds,
    bbox: [minX, minY, maxX, maxY],
    points: n,
  }
}
