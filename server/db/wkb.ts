/**
 * Geometry to EWKB (hex), the fastest form to hand PostGIS many geometries in one statement
 * (`ST_GeomFromEWKB(decode($n, 'hex'))`): no text parsing of coordinates on either side.
 */
type Ring = number[][]
type Polygon = Ring[]

const WKB_MULTIPOLYGON = 6
const WKB_POLYGON = 3
const EWKB_SRID_FLAG = 0x20000000

/** A MultiPolygon (GeoJSON coordinates, 2D) with its SRID as EWKB hex. */
export function multiPolygonEwkbHex(polygons: Polygon[], srid: number): string {
  let size = 1 + 4 + 4 + 4
  for (const polygon of polygons) {
    size += 1 + 4 + 4
    for (const ring of polygon) size += 4 + ring.length * 16
  }
  const buffer = Buffer.allocUnsafe(size)
  let o = buffer.writeUInt8(1, 0)
  o = buffer.writeUInt32LE((WKB_MULTIPOLYGON | EWKB_SRID_FLAG) >>> 0, o)
  o = buffer.writeUInt32LE(srid, o)
  o = buffer.writeUInt32LE(polygons.length, o)
  for (const polygon of polygons) {
    o = buffer.writeUInt8(1, o)
    o = buffer.writeUInt32LE(WKB_POLYGON, o)
    o = buffer.writeUInt32LE(polygon.length, o)
    for (const ring of polygon) {
      o = buffer.writeUInt32LE(ring.length, o)
      for (const point of ring) {
        o = buffer.writeDoubleLE(point[0]!, o)
        o = buffer.writeDoubleLE(point[1]!, o)
      }
    }
  }
  return buffer.toString('hex')
}
