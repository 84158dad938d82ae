import { describe, expect, it } from 'vitest'
import { MESSAGES, parcelLabel, ringLabel } from '../../../gis/validate/messages'

describe('gis/validate/messages', () => {
  it('names parcels and rings as users count them, from 1', () => {
    expect(parcelLabel({ index: 2, parcelNo: 'DK-07' })).toEqual({
      'zh-CN': '地块 DK-07（第 3 个要素）',
      en: 'Parcel DK-07 (feature 3)',
    })
    expect(parcelLabel({ index: 0, parcelNo: null }).en).toBe('Feature 1')
    expect(ringLabel({ part: 1, ring: 1, parts: 2 })).toEqual({
      'zh-CN': '第 2 部分第 2 环（内环）',
      en: 'part 2, ring 2 (a hole)',
    })
  })

  it('reads the brief’s example sentence in both languages', () => {
    const m = MESSAGES['geometry.self_intersection'](
      { index: 2, parcelNo: 'DK-07' },
      { part: 0, ring: 0, parts: 1 },
      'cross',
      [107.2345, 26.5012],
    )
    expect(m).toEqual({
      'zh-CN': '地块 DK-07（第 3 个要素）第 1 环自相交于 (107.234500, 26.501200)',
      en: 'Parcel DK-07 (feature 3): ring 1 crosses itself at (107.234500, 26.501200)',
    })
  })

  it('every message has both languages and no unfilled placeholder', () => {
    const who = { index: 0, parcelNo: 'DK-01' }
    const r = { part: 0, ring: 0, parts: 1 }
    const p: [number, number] = [107, 27]
    const samples = [
      MESSAGES['geometry.empty'](who),
      MESSAGES['geometry.not_projectable'](who, p),
      MESSAGES['geometry.too_few_points'](who, r, 2),
      MESSAGES['geometry.unclosed_ring'](who, r, p, p),
      MESSAGES['repair.ring_closed'](who, r, p),
      MESSAGES['geometry.duplicate_points'](who, r, 1, p),
      MESSAGES['repair.duplicate_points_removed'](who, r, 1, p),
      MESSAGES['geometry.spike'](who, r, p, 0.2),
      MESSAGES['repair.spike_removed'](who, r, p, 0.2),
      MESSAGES['geometry.self_intersection_more'](who, r, 3),
      MESSAGES['repair.self_intersection_split'](who, r, 1, p, 2),
      MESSAGES['repair.self_intersection_failed'](who, r, p),
      MESSAGES['geometry.hole_outside_shell'](who, r, p),
      MESSAGES['geometry.rings_cross'](who, r, { ...r, ring: 1 }, true, p),
      MESSAGES['geometry.nested_holes'](who, { ...r, ring: 2 }, { ...r, ring: 1 }, p),
      MESSAGES['geometry.parts_overlap'](who, 0, 1, 12.5, p),
      MESSAGES['geometry.tiny_area'](who, 0.4, 1),
      MESSAGES['parcel.duplicate_no']('DK-01', 0, 1),
      MESSAGES['parcel.missing_no'](0, 'P-1'),
      MESSAGES['parcel.overlap'](who, { index: 1, parcelNo: null }, 12.5, p),
      MESSAGES['parcel.overlaps_truncated'](200, who),
      MESSAGES['parcel.area_mismatch'](who, 103, 100, 0.01),
    ]
    expect(samples).toHaveLength(Object.keys(MESSAGES).length - 1) // self_intersection is tested above
    for (const m of samples) {
      expect(m['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
      expect(m.en).toMatch(/^[\x20-\x7e²°±–’]+$/)
      expect(m['zh-CN'] + m.en).not.toMatch(/[{}]|undefined|NaN/)
    }
  })
})
