import { describe, expect, it } from 'vitest'
import { FindingList, FINDINGS_PER_CODE, READER_MESSAGES, report } from '../../../gis/formats/messages'

/** Placeholder names of a template, with the Chinese variants (`reasonZh`) under their plain name. */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!.replace(/Zh$/, '')))].sort()
}

describe('gis/formats/messages', () => {
  it('every message has the same placeholders in zh-CN and en', () => {
    for (const [code, entry] of Object.entries(READER_MESSAGES)) {
      expect(placeholders(entry['zh-CN']), code).toEqual(placeholders(entry.en))
    }
  })

  it('names the parcel and the 1-based feature, and keeps the params as details', () => {
    const f = report('geojson.not_polygon', { type: 'Point' }, { featureIndex: 2, parcelNo: 'J-07' })
    expect(f.message.en).toBe(
      'Parcel J-07 (feature 3): parcels must be polygons (Polygon/MultiPolygon); this one is a Point',
    )
    expect(f.message['zh-CN']).toBe(
      '地块 J-07（第 3 个要素）：地块必须是面（Polygon/MultiPolygon），这里是 Point',
    )
    expect(f).toMatchObject({
      featureIndex: 2,
      parcelNo: 'J-07',
      severity: 'error',
      details: { type: 'Point' },
    })
  })

  it('does not change the case of a file name that starts a message', () => {
    expect(report('zip.empty', { file: 'a.zip' }).message.en).toBe('Zip a.zip is empty')
    expect(report('shapefile.no_dbf', { file: 'a.shp' }).message.en).toMatch(/^a\.shp has no \.dbf/)
  })

  it('keeps a limited number of findings per code and counts the rest', () => {
    const list = new FindingList()
    for (let i = 0; i < FINDINGS_PER_CODE + 5; i++)
      list.add(
        'dbf.bad_number',
        { file: 'a.dbf', field: 'MJ', record: i + 1, value: 'x' },
        { featureIndex: i },
      )
    list.add('shapefile.no_dbf', { file: 'a.shp' })
    const findings = list.done()
    expect(findings).toHaveLength(FINDINGS_PER_CODE + 1)
    const last = findings.filter((f) => f.code === 'dbf.bad_number').at(-1)!
    expect(last.details).toMatchObject({ moreOfTheSame: 5 })
    expect(last.message.en).toContain('and 5 more of the same')
    expect(last.message['zh-CN']).toContain('还有 5 处')
  })
})
