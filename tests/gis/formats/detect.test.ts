import fs from 'node:fs'
import { zipSync } from 'fflate'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readUpload, sniffFormat } from '../../../gis/formats/detect'
import { UnreadableUpload } from '../../../gis/findings'
import type { ReadResult } from '../../../gis/formats/types'
import {
  errors,
  expectMessage,
  expectSameGeometry,
  fixture,
  FIXTURES,
  options,
  read,
  refusal,
  SAMPLE_UPLOADS,
} from './fixtures'

const utf8 = (s: string) => new TextEncoder().encode(s)

/** Every fixture: a file, or a folder of loose shapefile parts. */
function allFixtures(verdict: 'accept' | 'reject'): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(FIXTURES, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`
      if (entry.isDirectory()) {
        if (fs.readdirSync(path.join(FIXTURES, relative)).some((n) => /\.shp$/i.test(n))) found.push(relative)
        else walk(relative)
      } else {
        found.push(relative)
      }
    }
  }
  walk(verdict)
  return found.sort()
}

describe('gis/formats/detect', () => {
  it('picks the reader by content, and by extension only where content says nothing', () => {
    expect(sniffFormat(fixture('accept/geojson/geojson-named.txt')[0]!)).toBe('geojson')
    expect(sniffFormat(fixture('accept/cn-coord-txt/gbk-crlf.txt')[0]!)).toBe('cn-coord-txt')
    expect(sniffFormat(fixture('accept/cn-coord-txt/no-header-section.txt')[0]!)).toBe('cn-coord-txt')
    const shp = fixture('accept/shapefile/loose-parts').find((f) => /\.shp$/i.test(f.name))!
    expect(sniffFormat({ name: 'x.bin', bytes: shp.bytes })).toBe('shapefile')
    expect(sniffFormat({ name: 'parcels.json', bytes: utf8('not json at all') })).toBe('geojson')
    expect(sniffFormat({ name: 'notes.doc', bytes: utf8('hello') })).toBeNull()
    expect(sniffFormat(fixture('reject/upload/unknown-format.png')[0]!)).toBeNull()
  })

  it('a zip holding one GeoJSON or one text file and no shapefile is read as that file', async () => {
    const geojson = await read('accept/geojson/zipped-geojson.zip')
    expect(geojson.format).toBe('geojson')
    expect(geojson.features[0]!.parcelNo).toBe('DK-01')
    const text = await read('accept/cn-coord-txt/zipped-txt.zip')
    expect(text.format).toBe('cn-coord-txt')
    expect(text.features.map((f) => f.parcelNo)).toEqual(['DK-01', 'DK-02'])
  })

  it('a readme beside the data in a zip does not count, and a text that is no coordinate file is unknown', async () => {
    const geojson = fixture('accept/geojson/bare-polygon.geojson')[0]!.bytes
    const zip = zipSync({ '说明.txt': utf8('请查收地块数据。'), '地块.geojson': geojson })
    const result = await readUpload([{ name: 'upload.zip', bytes: zip }], options())
    expect(result.format).toBe('geojson')
    const [f] = await refusal(() =>
      readUpload([{ name: '说明.txt', bytes: utf8('请查收地块数据。\r\n') }], options()),
    )
    expect(f!.code).toBe('upload.unknown_format')
  })

  it('a zip holding two data files and no shapefile asks for one at a time', async () => {
    const geojson = fixture('accept/geojson/bare-polygon.geojson')[0]!.bytes
    const zip = zipSync({ 'a.geojson': geojson, 'b.geojson': geojson })
    const [f] = await refusal(() => readUpload([{ name: 'two.zip', bytes: zip }], options()))
    expect(f!.code).toBe('upload.zip_several_files')
    expect(f!.details).toMatchObject({ entries: ['a.geojson', 'b.geojson'] })
  })

  it('unknown content is refused, naming the formats accepted', async () => {
    const [f] = await refusal(() => read('reject/upload/unknown-format.png'))
    expect(f!.code).toBe('upload.unknown_format')
    expectMessage(
      f!,
      ['Shapefile', 'GeoJSON', '坐标交换文件'],
      ['shapefile', 'GeoJSON', 'boundary-coordinate'],
    )
  })

  it('a zip without any data file is refused, listing what it holds', async () => {
    const [f] = await refusal(() => read('reject/upload/zip-without-data.zip'))
    expect(f!.code).toBe('upload.zip_no_data')
    expect(f!.message.en).toContain('报件说明.pdf')
  })

  it('no files, an empty file, or two unrelated files are refused', async () => {
    expect((await refusal(() => readUpload([], options())))[0]!.code).toBe('upload.no_files')
    expect(
      (await refusal(() => readUpload([{ name: 'a.zip', bytes: new Uint8Array(0) }], options())))[0]!.code,
    ).toBe('upload.empty_file')
    const two = [
      ...fixture('accept/geojson/bare-polygon.geojson'),
      ...fixture('accept/cn-coord-txt/utf8-lf.txt'),
    ]
    expect((await refusal(() => readUpload(two, options())))[0]!.code).toBe('upload.several_files')
  })

  it('loose shapefile parts with ArcGIS sidecar files beside them are one shapefile', async () => {
    const files = [
      ...fixture('accept/shapefile/loose-parts'),
      { name: 'parcels.shp.xml', bytes: utf8('<metadata/>') },
    ]
    const result = await readUpload(files, options())
    expect(result.features).toHaveLength(3)
  })

  it.each(allFixtures('accept'))('accept/%s reads without errors', async (relative) => {
    const layer = relative.endsWith('several-layers.zip') ? { layer: '地块' } : {}
    const result = await readUpload(fixture(relative), options(layer))
    expect(errors(result)).toEqual([])
    expect(result.features.length).toBeGreaterThan(0)
  })

  it.each(allFixtures('reject'))(
    'reject/%s is refused or has an error finding with a precise code',
    async (relative) => {
      let result: ReadResult | null = null
      try {
        result = await readUpload(fixture(relative), options())
      } catch (error) {
        expect(error).toBeInstanceOf(UnreadableUpload)
        const findings = (error as UnreadableUpload).findings
        expect(findings.length).toBeGreaterThan(0)
        for (const f of findings) expect(f.code).toMatch(/^[a-z-]+\.[a-z_0-9]+$/)
        return
      }
      expect(errors(result!).length).toBeGreaterThan(0)
      for (const f of errors(result!)) expect(f.code).toMatch(/^[a-z-]+\.[a-z_0-9]+$/)
    },
  )
})

describe('gis/formats/detect: the sample uploads of sample-data/uploads', () => {
  const sample = (name: string) => readUpload(fixture(name, SAMPLE_UPLOADS), options())
  const parcelNos = ['DK-01', 'DK-02', 'DK-03', 'DK-04']

  it('the shapefile, the GeoJSON and the text file give the same four parcels', async () => {
    const [shp, geojson, txt] = await Promise.all([
      sample('sample-parcels-gbk.zip'),
      sample('sample-parcels.geojson'),
      sample('sample-parcels.txt'),
    ])
    expect([shp.format, geojson.format, txt.format]).toEqual(['shapefile', 'geojson', 'cn-coord-txt'])
    for (const result of [shp, geojson, txt]) {
      expect(result.features.map((f) => f.parcelNo)).toEqual(parcelNos)
      expect(result.features.map((f) => f.name)).toEqual([
        '商贸物流中心二期',
        '安置区三期',
        '污水提升泵站',
        '工业园区C-2地块',
      ])
      expect(result.features.map((f) => f.landUse)).toEqual([
        '商服用地',
        '住宅用地',
        '公共管理与公共服务用地',
        '工矿仓储用地',
      ])
      expect(errors(result)).toEqual([])
    }
    expect(shp.features.map((f) => f.declaredAreaM2)).toEqual([8201.77, 15525.91, 13054.05, 27735.34])
    expect(geojson.features.map((f) => f.declaredAreaM2)).toEqual([8201.77, 15525.91, 13054.05, 27735.34])
    expect(txt.features.map((f) => f.declaredAreaM2)).toEqual([8202, 15526, 13054, 27735])
  })

  it('the shapefile is GBK by its language driver, in 成果/, with its .prj', async () => {
    const shp = await sample('sample-parcels-gbk.zip')
    expect([shp.encoding, shp.encodingSource, shp.layer]).toEqual(['gbk', 'ldid', '成果/地块'])
    expect(shp.crsHints.prjWkt).toContain('CGCS2000_3_Degree_GK_Zone_36')
    expect(shp.findings).toEqual([])
  })

  it('the shapefile and the text file hold the same source coordinates to the millimetre', async () => {
    const shp = await sample('sample-parcels-gbk.zip')
    const txt = await sample('sample-parcels.txt')
    shp.features.forEach((f, i) => expectSameGeometry(f.geometry, txt.features[i]!.geometry, 0.001))
    expect(txt.features[3]!.geometry![0]).toHaveLength(2)
    expect(txt.crsHints.coordTxtHeader).toMatchObject({ 带号: '36', 坐标系: '2000国家大地坐标系' })
  })

  it('the text file warns about DK-02, whose declared area is 3% above its boundary', async () => {
    const txt = await sample('sample-parcels.txt')
    expect(txt.findings).toMatchObject([
      { code: 'coordtxt.area_mismatch', parcelNo: 'DK-02', severity: 'warning' },
    ])
    expect(txt.findings[0]!.details).toMatchObject({ computedM2: 15073.7 })
  })

  it('the GeoJSON is lon/lat without a crs member, with the same rings', async () => {
    const [shp, geojson] = await Promise.all([
      sample('sample-parcels-gbk.zip'),
      sample('sample-parcels.geojson'),
    ])
    expect(geojson.crsHints.geojsonCrs).toBeNull()
    geojson.features.forEach((f, i) => {
      expect(f.geometry!.map((p) => p.length)).toEqual(shp.features[i]!.geometry!.map((p) => p.length))
      expect(f.vertexCount).toBe(shp.features[i]!.vertexCount)
      const [lon, lat] = f.geometry![0]![0]![0]!
      expect(lon).toBeGreaterThan(106)
      expect(lon).toBeLessThan(108)
      expect(lat).toBeGreaterThan(26)
      expect(lat).toBeLessThan(28)
    })
  })
})
