import fs from 'node:fs'
import path from 'node:path'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { describe, expect, it } from 'vitest'
import type { PolygonCoords } from '../../../gis/formats/types'
import { validateFeatures, type FeatureToValidate } from '../../../gis/validate'

/**
 * The fixtures under tests/fixtures/validate/{valid,invalid}/<type>/<defect>.geojson, in EPSG:4490,
 * each with a foreign member `expect`: the finding codes without repair, and with `repair` the codes,
 * number of polygons and holes after a repair.
 */
const ROOT = path.join(import.meta.dirname, '../../fixtures/validate')

interface Expect {
  codes: string[]
  repair?: { codes: string[]; polygons?: number; holes?: number }
}

type Fixture = (Feature | FeatureCollection) & { expect: Expect }

function fixtures(verdict: 'valid' | 'invalid'): string[] {
  const dir = path.join(ROOT, verdict)
  return fs
    .readdirSync(dir)
    .flatMap((type) => fs.readdirSync(path.join(dir, type)).map((f) => `${verdict}/${type}/${f}`))
    .sort()
}

function polygonsOf(g: Geometry | null): PolygonCoords[] | null {
  if (!g) return null
  if (g.type === 'Polygon') return [g.coordinates as PolygonCoords]
  if (g.type === 'MultiPolygon') return g.coordinates as PolygonCoords[]
  throw new Error(`unexpected ${g.type}`)
}

function load(file: string): { fixture: Fixture; features: FeatureToValidate[] } {
  const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Fixture
  const list = fixture.type === 'FeatureCollection' ? fixture.features : [fixture]
  const features = list.map((f, index) => ({
    index,
    parcelNo: (f.properties?.parcelNo as string | null) ?? null,
    declaredAreaM2: (f.properties?.declaredAreaM2 as number | undefined) ?? null,
    polygons: polygonsOf(f.geometry),
    polygons4490: polygonsOf(f.geometry),
  }))
  return { fixture, features }
}

const codesOf = (findings: { code: string }[]) => [...new Set(findings.map((f) => f.code))].sort()

describe('gis/validate fixtures', () => {
  for (const file of fixtures('valid')) {
    it(`${file} has no finding`, () => {
      const { features } = load(file)
      expect(validateFeatures(features).findings).toEqual([])
    })
  }

  for (const file of fixtures('invalid')) {
    const { fixture } = load(file)
    it(`${file} is reported as ${fixture.expect.codes.join(', ')}`, () => {
      const { features } = load(file)
      const { findings } = validateFeatures(features)
      expect(codesOf(findings)).toEqual([...fixture.expect.codes].sort())
      for (const f of findings) {
        expect(f.message['zh-CN']).not.toBe('')
        expect(f.message.en).not.toBe('')
      }
    })
    const repair = fixture.expect.repair
    if (!repair) continue
    it(`${file} with repair: ${repair.codes.join(', ')}`, () => {
      const { features } = load(file)
      const result = validateFeatures(features, { repair: true })
      expect(codesOf(result.findings)).toEqual([...repair.codes].sort())
      const fixed = result.repaired.get(0)
      if (repair.polygons === undefined) return
      expect(fixed?.polygons4490).toHaveLength(repair.polygons)
      if (repair.holes !== undefined) {
        expect(fixed!.polygons4490.reduce((n, p) => n + p.length - 1, 0)).toBe(repair.holes)
      }
      // the repaired geometry passes the checks, and its source coordinates came along
      const again = validateFeatures([
        { ...features[0]!, polygons: fixed!.polygons, polygons4490: fixed!.polygons4490 },
      ])
      expect(again.findings.filter((f) => f.severity === 'error')).toEqual([])
      expect(fixed!.polygons).toEqual(fixed!.polygons4490)
    })
  }
})
