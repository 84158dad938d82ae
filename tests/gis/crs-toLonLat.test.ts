import { describe, expect, it } from 'vitest'
import { transformer } from '../../gis/crs/proj'
import { CRS_REGISTRY } from '../../gis/crs/registry'
import { toLonLatConverter } from '../../gis/crs/toLonLat'

describe('gis/crs/toLonLat', () => {
  it('the CGCS2000 Gauss-Krüger shortcut gives the same numbers as proj4, bit for bit, in every zone', () => {
    const differences: string[] = []
    for (const def of CRS_REGISTRY.values()) {
      if (def.datum !== 'CGCS2000' || def.kind !== 'gauss-kruger') continue
      const fast = toLonLatConverter(def.code)
      const full = transformer(def.code, 4490)
      const back = transformer(4490, def.code)
      for (let dl = -2; dl <= 2; dl += 0.5) {
        for (let lat = 4; lat <= 53; lat += 7) {
          const [x, y] = back.forward([def.centralMeridian! + dl, lat]) as [number, number]
          const a = fast(x, y)
          const b = full.forward([x, y])
          if (a[0] !== b[0] || a[1] !== b[1]) differences.push(`${def.code} ${x} ${y}`)
        }
      }
    }
    expect(differences).toEqual([])
  })

  it('other systems go through proj4 (Xian 1980, Beijing 1954, Web Mercator)', () => {
    for (const code of [2360, 21418, 3857]) {
      const p = transformer(4490, code).forward([107.3, 26.6]) as [number, number]
      const [lon, lat] = toLonLatConverter(code)(p[0], p[1])
      expect(lon).toBeCloseTo(107.3, 4)
      expect(lat).toBeCloseTo(26.6, 4)
    }
  })

  it('a non-finite coordinate gives NaN, not an exception', () => {
    expect(toLonLatConverter(4524)(NaN, 3_000_000)).toEqual([NaN, NaN])
  })
})
