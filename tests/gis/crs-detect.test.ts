import { describe, expect, it } from 'vitest'
import { epsgFromGeojsonCrs, offsetFromBBox, resolveCrs, type CountyRef } from '../../gis/crs/detect'
import { transformer } from '../../gis/crs/proj'
import { esriWkt } from '../../gis/crs/wkt'
import type { Position } from '../../gis/formats/types'

/** County 520102 of the sample province, roughly (EPSG:4490). */
const county: CountyRef = { code: '520102', bbox: [106.85, 26.95, 107.25, 27.25] }

/** Parcel corners inside the county, in CGCS2000 3° zone 36 with the zone prefix (EPSG:4524). */
const lonLat: Position[] = [
  [107.0073, 27.1061],
  [107.0067, 27.1052],
  [107.0079, 27.1058],
  [106.9627, 27.1051],
]
const zone36 = lonLat.map((p) => transformer(4490, 4524).forward(p) as Position)
/** The same points without the zone prefix (EPSG:4545, CM 108°E). */
const cm108 = zone36.map(([x, y]) => [x - 36_000_000, y] as Position)
const swap = (ps: Position[]) => ps.map(([x, y]) => [y, x] as Position)
const codes = (r: ReturnType<typeof resolveCrs>) => r.findings.map((f) => `${f.severity} ${f.code}`)

describe('gis/crs/detect', () => {
  describe('order of authority', () => {
    it('the user override wins over the .prj, with a warning naming what the file declared', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(2360) }, sample: zone36, override: 4524, county })
      expect(r).toMatchObject({ epsg: 4524, source: 'user' })
      expect(codes(r)).toEqual(['warning crs.override_differs'])
      expect(r.findings[0]!.message.en).toContain('EPSG:2360')
    })

    it('an override the registry does not know is an error and resolves nothing', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4524) }, sample: zone36, override: 32649 })
      expect(r.epsg).toBeNull()
      expect(codes(r)).toEqual(['error crs.unknown_override'])
    })

    it('a .prj declares the CRS without any finding when the coordinates agree', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4524) }, sample: zone36, county })
      expect(r).toMatchObject({ epsg: 4524, source: 'prj', findings: [] })
    })

    it('a legacy GeoJSON crs member declares the CRS', () => {
      const r = resolveCrs({
        hints: { geojsonCrs: 'urn:ogc:def:crs:EPSG::4524' },
        sample: zone36,
        format: 'geojson',
      })
      expect(r).toMatchObject({ epsg: 4524, source: 'geojson-crs', findings: [] })
    })

    it('the text header declares the CRS, and the eastings decide the zone-prefixed variant', () => {
      const header = {
        坐标系: '2000国家大地坐标系',
        几度分带: '3',
        带号: '36',
        投影类型: '高斯克吕格',
        计量单位: '米',
      }
      expect(resolveCrs({ hints: { coordTxtHeader: header }, sample: zone36 })).toMatchObject({
        epsg: 4524,
        source: 'header',
      })
      expect(resolveCrs({ hints: { coordTxtHeader: header }, sample: cm108 })).toMatchObject({
        epsg: 4545,
        source: 'header',
      })
    })

    it('an unrecognised .prj is an error whose message suggests what the coordinates look like', () => {
      const r = resolveCrs({ hints: { prjWkt: 'garbage' }, sample: zone36 })
      expect(r.epsg).toBeNull()
      expect(codes(r)).toEqual(['error crs.prj_unrecognised'])
      expect(r.findings[0]!.details).toMatchObject({ suggestedEpsg: 4524 })
    })
  })

  describe('inference from coordinate ranges', () => {
    it('lon/lat inside China without a declaration is assumed to be CGCS2000, with a warning', () => {
      const r = resolveCrs({ hints: {}, sample: lonLat, county })
      expect(r).toMatchObject({ epsg: 4490, source: 'assumed' })
      expect(codes(r)).toEqual(['warning crs.assumed_lonlat'])
    })

    it('8-digit eastings prefixed 36 are inferred as CGCS2000 3° zone 36 (EPSG:4524), with a warning', () => {
      const r = resolveCrs({ hints: {}, sample: zone36, county })
      expect(r).toMatchObject({ epsg: 4524, source: 'inferred' })
      expect(codes(r)).toEqual(['warning crs.inferred'])
      expect(r.findings[0]!.message.en).toContain('zone prefix 36')
    })

    it('8-digit eastings prefixed 18 are a 6° zone (3° zones start at 25): EPSG:4496', () => {
      const sixDegree = lonLat.map((p) => transformer(4490, 4496).forward(p) as Position)
      expect(resolveCrs({ hints: {}, sample: sixDegree })).toMatchObject({ epsg: 4496, source: 'inferred' })
    })

    it('6-digit eastings take the 3° central meridian of the county, saying so', () => {
      const r = resolveCrs({ hints: {}, sample: cm108, county })
      expect(r).toMatchObject({ epsg: 4545, source: 'inferred' })
      expect(r.findings[0]!.message.en).toContain('zone of county 520102')
    })

    it('6-digit eastings in the 6° CM 105°E system are recognised by where they land in the county', () => {
      const cm105 = lonLat.map((p) => transformer(4490, 4507).forward(p) as Position)
      expect(resolveCrs({ hints: {}, sample: cm105, county })).toMatchObject({ epsg: 4507 })
    })

    it('6-digit eastings without a county cannot be placed: crs.needs_zone', () => {
      const r = resolveCrs({ hints: {}, sample: cm108 })
      expect(r.epsg).toBeNull()
      expect(codes(r)).toEqual(['error crs.needs_zone'])
    })

    it('GeoJSON without a crs member is only ever assumed to be lon/lat; projected coordinates need a choice', () => {
      const r = resolveCrs({ hints: {}, sample: zone36, format: 'geojson' })
      expect(r.epsg).toBeNull()
      expect(codes(r)).toEqual(['error crs.geojson_not_lonlat'])
      expect(r.findings[0]!.details).toMatchObject({ suggestedEpsg: 4524 })
    })

    it('coordinates that look like nothing known are an error listing their ranges', () => {
      const r = resolveCrs({ hints: {}, sample: [[1234, 5678]] })
      expect(codes(r)).toEqual(['error crs.undetermined'])
      expect(r.findings[0]!.message.en).toContain('x 1234…1234, y 5678…5678')
    })

    it('a file mixing lon/lat and projected coordinates cannot be inferred', () => {
      const r = resolveCrs({ hints: {}, sample: [...lonLat, ...zone36] })
      expect(codes(r)).toEqual(['error crs.mixed_coordinates'])
    })

    it('a file without coordinates resolves nothing and reports nothing (the features say why)', () => {
      expect(resolveCrs({ hints: {}, sample: [] })).toMatchObject({ epsg: null, findings: [] })
    })
  })

  describe('swapped axes (an error, never swapped silently)', () => {
    it('(northing, easting) with the zone prefix is reported, suggesting EPSG:4524 after a swap', () => {
      const r = resolveCrs({ hints: {}, sample: swap(zone36), county })
      expect(r).toMatchObject({ epsg: null, axesSwapped: true })
      expect(codes(r)).toEqual(['error crs.axes_swapped'])
      expect(r.findings[0]!.details).toEqual({ swapAxes: true, suggestedEpsg: 4524 })
      expect(r.findings[0]!.message.en).toContain('(northing, easting)')
      expect(r.findings[0]!.message['zh-CN']).toContain('交换 X/Y')
    })

    it('(lat, lon) is reported', () => {
      const r = resolveCrs({ hints: {}, sample: swap(lonLat) })
      expect(codes(r)).toEqual(['error crs.axes_swapped'])
      expect(r.findings[0]!.message.en).toContain('(latitude, longitude)')
    })

    it('swapped coordinates under a matching .prj are reported too', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4524) }, sample: swap(zone36) })
      expect(r.axesSwapped).toBe(true)
      expect(codes(r)).toEqual(['error crs.axes_swapped'])
    })

    it('(northing, easting) without the prefix is reported', () => {
      const r = resolveCrs({ hints: {}, sample: swap(cm108), county })
      expect(codes(r)).toEqual(['error crs.axes_swapped'])
      expect(r.findings[0]!.details).toMatchObject({ suggestedEpsg: 4545 })
    })
  })

  describe('a declared CRS against the coordinates', () => {
    it('.prj zone 35 with eastings prefixed 36 is crs.mismatch naming both', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4523) }, sample: zone36, county })
      expect(r.epsg).toBe(4523)
      expect(codes(r)).toEqual(['error crs.mismatch'])
      expect(r.findings[0]!.message.en).toContain('EPSG:4523')
      expect(r.findings[0]!.message.en).toContain('zone prefix 36')
      expect(r.findings[0]!.details).toMatchObject({ suggestedEpsg: 4524 })
    })

    it('a zone-prefixed .prj with plain eastings is crs.mismatch suggesting the CM variant', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4524) }, sample: cm108 })
      expect(codes(r)).toEqual(['error crs.mismatch'])
      expect(r.findings[0]!.details).toMatchObject({ suggestedEpsg: 4545 })
    })

    it('a lon/lat .prj with projected coordinates is crs.mismatch', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4490) }, sample: zone36 })
      expect(codes(r)).toEqual(['error crs.mismatch'])
    })

    it('a Xian 1980 header with zone-36 eastings is kept, since the datum cannot be seen in the numbers', () => {
      const header = { 坐标系: '80西安坐标系', 几度分带: '3', 带号: '36' }
      expect(resolveCrs({ hints: { coordTxtHeader: header }, sample: zone36, county })).toMatchObject({
        epsg: 2360,
        findings: [],
      })
    })
  })

  describe('where the coordinates land', () => {
    it('a .prj with the wrong CM puts the parcels hundreds of km away: crs.outside_county with distance, direction and the right zone', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4544) }, sample: cm108, county })
      expect(codes(r)).toEqual(['error crs.outside_county'])
      const f = r.findings[0]!
      expect(f.details).toMatchObject({ direction: 'west', county: '520102' })
      expect(f.details!.distanceKm as number).toBeGreaterThan(250)
      expect(f.details!.distanceKm as number).toBeLessThan(320)
      expect(f.message.en).toMatch(/fall \d+ km west of county 520102; is the \.prj zone right\?/)
      expect(f.message.en).toContain('EPSG:4545')
      expect(f.location).not.toBeNull()
    })

    it('coordinates read as lon/lat far from the county are crs.outside_county', () => {
      const r = resolveCrs({ hints: {}, sample: [[100, 30]], county })
      expect(codes(r)).toEqual(['warning crs.assumed_lonlat', 'error crs.outside_county'])
    })

    it('coordinates outside China are crs.outside_china', () => {
      const r = resolveCrs({ hints: { prjWkt: esriWkt(4326) }, sample: [[2.35, 48.85]] })
      expect(codes(r)).toEqual(['error crs.outside_china'])
    })
  })

  it('GeoJSON crs names: URN, EPSG:n, OGC URL and CRS84', () => {
    expect(epsgFromGeojsonCrs('urn:ogc:def:crs:EPSG::4526')).toBe(4526)
    expect(epsgFromGeojsonCrs('urn:ogc:def:crs:EPSG:6.6:4490')).toBe(4490)
    expect(epsgFromGeojsonCrs('EPSG:4490')).toBe(4490)
    expect(epsgFromGeojsonCrs('http://www.opengis.net/def/crs/EPSG/0/4524')).toBe(4524)
    expect(epsgFromGeojsonCrs('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326)
    expect(epsgFromGeojsonCrs('local')).toBeNull()
  })

  it('the offset from a county box is measured from its nearest edge', () => {
    const { km, direction } = offsetFromBBox([106.85 - 1, 27.1], county.bbox)
    expect(direction.en).toBe('west')
    expect(km).toBeCloseTo(99.1, 0)
  })
})
