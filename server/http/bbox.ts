import { AppError } from '../errors'

/** Parses `minLon,minLat,maxLon,maxLat` (EPSG:4490); throws a 400 naming the expected form. */
export function parseBbox(raw: unknown): [number, number, number, number] {
  const parts = typeof raw === 'string' ? raw.split(',').map(Number) : []
  const [a, b, c, d] = parts
  if (
    parts.length !== 4 ||
    !parts.every(Number.isFinite) ||
    a! >= c! ||
    b! >= d! ||
    a! < -180 ||
    c! > 180 ||
    b! < -90 ||
    d! > 90
  ) {
    throw new AppError('bbox.invalid', 400, {}, [{ field: 'bbox', value: raw }])
  }
  return [a!, b!, c!, d!]
}
