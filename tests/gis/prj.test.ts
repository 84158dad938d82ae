import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { epsgFromName, epsgFromWkt } from '../../gis/crs/prj'
import { CRS_REGISTRY } from '../../gis/crs/registry'
import { esriWkt } from '../../gis/crs/wkt'

const FIXTURES = path.join(import.meta.dirname, '../fixtures/prj')
const prj = (file: string) => fs.readFileSync(path.join(FIXTURES, file), 'utf8')

/** Every fixture with the code it must map to (see tests/fixtures/prj/README.md). */
const EXPECTED: Record<string, number> = {
  'esri/CGCS2000_3_Degree_GK_Zone_36.prj': 4524,
  'esri/CGCS2000_3_Degree_GK_Zone_25.prj': 4513,
  'esri/CGCS2000_3_Degree_GK_CM_108E.prj': 4545,
  'esri/CGCS2000_3_Degree_GK_CM_135E.prj': 4554,
  'esri/CGCS2000_GK_Zone_21.prj': 4499,
  'esri/CGCS2000_GK_CM_105E.prj': 4507,
  'esri/GCS_China_Geodetic_Coordinate_System_2000.prj': 4490,
  'esri/GCS_WGS_1984.prj': 4326,
  'esri/GCS_Xian_1980.prj': 4610,
  'esri/GCS_Beijing_1954.prj': 4214,
  'esri/WGS_1984_Web_Mercator_Auxiliary_Sphere.prj': 3857,
  'esri/Xian_1980_3_Degree_GK_Zone_36.prj': 2360,
  'esri/Xian_1980_3_Degree_GK_CM_108E.prj': 2381,
  'esri/Beijing_1954_3_Degree_GK_Zone_36.prj': 2412,
  'esri/Beijing_1954_GK_Zone_18.prj': 21418,
  'esri/Beijing_1954_Gauss_Kruger_CM_105E.prj': 21458,
  'esri/named-zone-35-with-zone-36-parameters.prj': 4524,
  'esri/unnamed-CM-108E-with-short-flattening.prj': 4545,
  'esri/chinese-name-zone-36.prj': 4524,
  'ogc/CGCS2000-3-degree-Gauss-Kruger-zone-36.prj': 4524,
  'ogc/CGCS2000-3-degree-Gauss-Kruger-CM-108E.prj': 4545,
  'ogc/CGCS2000-Gauss-Kruger-CM-105E.prj': 4507,
  'ogc/China-Geodetic-Coordinate-System-2000.prj': 4490,
  'ogc/Xian-1980-3-degree-Gauss-Kruger-zone-36.prj': 2360,
  'ogc/Beijing-1954-Gauss-Kruger-CM-105E.prj': 21458,
  'ogc/WGS-84-Pseudo-Mercator.prj': 3857,
  'wkt2/CGCS2000-3-degree-Gauss-Kruger-zone-36.prj': 4524,
  'wkt2/CGCS2000-3-degree-Gauss-Kruger-CM-108E.prj': 4545,
  'wkt2/CGCS2000-Gauss-Kruger-CM-105E.prj': 4507,
  'wkt2/China-Geodetic-Coordinate-System-2000.prj': 4490,
  'wkt2/Xian-1980-3-degree-Gauss-Kruger-zone-36.prj': 2360,
  'wkt2/Beijing-1954-Gauss-Kruger-CM-105E.prj': 21458,
  'wkt2/WGS-84-Pseudo-Mercator.prj': 3857,
}

describe('gis/crs/prj', () => {
  it('every fixture outside unknown/ is listed with its expected code', () => {
    const files = ['esri', 'ogc', 'wkt2'].flatMap((dir) =>
      fs.readdirSync(path.join(FIXTURES, dir)).map((f) => `${dir}/${f}`),
    )
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const [file, code] of Object.entries(EXPECTED)) {
    it(`${file} maps to EPSG:${code}`, () => {
      expect(epsgFromWkt(prj(file)).epsg).toBe(code)
    })
  }

  it('a .prj named CGCS2000_3_Degree_GK_CM_108E maps to EPSG:4545', () => {
    const match = epsgFromWkt(prj('esri/CGCS2000_3_Degree_GK_CM_108E.prj'))
    expect(match).toMatchObject({ epsg: 4545, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 108E' })
  })

  it('an EPSG authority on the CRS itself wins, not the one on its base geographic CRS', () => {
    expect(epsgFromWkt(prj('ogc/CGCS2000-3-degree-Gauss-Kruger-zone-36.prj'))).toMatchObject({
      epsg: 4524,
      matchedBy: 'authority',
    })
  })

  it('a name and parameters that disagree resolve to the parameters, with a note naming both', () => {
    const match = epsgFromWkt(prj('esri/named-zone-35-with-zone-36-parameters.prj'))
    expect(match).toMatchObject({ epsg: 4524, matchedBy: 'parameters' })
    expect(match.notes?.[0]?.en).toContain('EPSG:4523')
    expect(match.notes?.[0]?.en).toContain('EPSG:4524')
  })

  it('a .prj without a usable name is recognised by datum, projection, central meridian and false easting', () => {
    expect(epsgFromWkt(prj('esri/unnamed-CM-108E-with-short-flattening.prj'))).toMatchObject({
      epsg: 4545,
      matchedBy: 'parameters',
    })
  })

  it('the ESRI WKT this system writes reads back to the same code for every CRS of the registry', () => {
    const wrong = [...CRS_REGISTRY.keys()].filter((code) => epsgFromWkt(esriWkt(code)).epsg !== code)
    expect(wrong).toEqual([])
  })

  it('every registry name (the EPSG names) maps back to its code', () => {
    const wrong = [...CRS_REGISTRY.values()].filter((d) => epsgFromName(d.name) !== d.code)
    expect(wrong).toEqual([])
  })

  it.each([
    ['CGCS2000_3_Degree_GK_Zone_36', 4524],
    ['CGCS2000_3_Degree_GK_CM_108E', 4545],
    ['CGCS2000 / 3-degree Gauss-Kruger zone 36', 4524],
    ['cgcs2000 3 degree gauss-krüger zone 36', 4524],
    ['Xian_1980_3_Degree_GK_Zone_35', 2359],
    ['Beijing_1954_GK_Zone_18', 21418],
    ['Beijing_1954_GK_Zone_18N', 21458],
    ['GCS_China_Geodetic_Coordinate_System_2000', 4490],
    ['China Geodetic Coordinate System 2000', 4490],
    ['GCS_WGS_1984', 4326],
    ['WGS_1984_Web_Mercator_Auxiliary_Sphere', 3857],
  ])('the name %s maps to EPSG:%i', (name, code) => {
    expect(epsgFromName(name)).toBe(code)
  })

  it('Transverse Mercator on the Krassowsky spheroid at 111.5°E is unknown, and the reason says what it is', () => {
    const match = epsgFromWkt(prj('unknown/Krassowsky-TM-central-meridian-111.5E.prj'))
    expect(match.epsg).toBeNull()
    expect(match.reason!.en).toBe(
      'the .prj describes Transverse Mercator on the Krassowsky 1940 spheroid (Beijing 1954), central meridian 111.5°E, false easting 500 000 m, scale factor 1, which matches no standard zone: choose the CRS explicitly',
    )
    expect(match.reason!['zh-CN']).toContain('中央经线 111.5°E')
  })

  it('a UTM system is unknown and the reason names its EPSG code', () => {
    const match = epsgFromWkt(prj('unknown/WGS-84-UTM-zone-49N.prj'))
    expect(match.epsg).toBeNull()
    expect(match.reason!.en).toContain('EPSG:32649')
    expect(match.reason!.en).toContain('scale factor 0.9996')
  })

  it('a zone given in US feet is unknown: only metres are accepted', () => {
    const match = epsgFromWkt(prj('unknown/zone-36-in-US-feet.prj'))
    expect(match.epsg).toBeNull()
    expect(match.reason!.en).toContain('not metres')
  })

  it('a local engineering system is unknown, said as such', () => {
    expect(epsgFromWkt(prj('unknown/local-site-grid.prj')).reason!.en).toContain('LOCAL_CS')
  })

  it('text that is not WKT is unknown with the parse problem', () => {
    const match = epsgFromWkt(prj('unknown/not-wkt.prj'))
    expect(match.epsg).toBeNull()
    expect(match.reason!.en).toMatch(/^the \.prj is not valid WKT/)
  })

  it('an empty .prj is unknown', () => {
    expect(epsgFromWkt('  ').reason!.en).toContain('empty')
  })
})
