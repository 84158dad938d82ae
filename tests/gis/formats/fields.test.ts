import { describe, expect, it } from 'vitest'
import { applyMapping, mapFields, normaliseName } from '../../../gis/formats/fields'

describe('gis/formats/fields', () => {
  it('normalises names: case, spaces, underscores and brackets do not matter', () => {
    expect(normaliseName('MJ_HA')).toBe('mjha')
    expect(normaliseName('面积（公顷）')).toBe('面积公顷')
    expect(normaliseName('Parcel No')).toBe('parcelno')
  })

  it('maps the pinyin abbreviations of Chinese land data', () => {
    expect(mapFields(['DKBH', 'DKMC', 'YT', 'DLBM', 'MJ'])).toEqual({
      parcelNo: 'DKBH',
      name: 'DKMC',
      landUse: 'YT',
      landClassCode: 'DLBM',
      area: { field: 'MJ', toM2: 1 },
    })
  })

  it('maps Chinese names', () => {
    expect(mapFields(['地块编号', '地块名称', '用途', '地类编码', '面积'])).toEqual({
      parcelNo: '地块编号',
      name: '地块名称',
      landUse: '用途',
      landClassCode: '地类编码',
      area: { field: '面积', toM2: 1 },
    })
    expect(mapFields(['地块号']).parcelNo).toBe('地块号')
  })

  it('maps English and camelCase names, ignoring case', () => {
    const m = mapFields(['parcel_no', 'NAME', 'landUse', 'LandClassCode', 'declaredAreaM2'])
    expect(m).toMatchObject({
      parcelNo: 'parcel_no',
      name: 'NAME',
      landUse: 'landUse',
      landClassCode: 'LandClassCode',
    })
    expect(m.area).toEqual({ field: 'declaredAreaM2', toM2: 1 })
    expect(mapFields(['PARCELNO']).parcelNo).toBe('PARCELNO')
    expect(mapFields(['zdh']).parcelNo).toBe('zdh')
  })

  it('prefers the specific name when several candidates are present', () => {
    expect(mapFields(['BH', 'DKBH']).parcelNo).toBe('DKBH')
    expect(mapFields(['MC', 'DKMC']).name).toBe('DKMC')
    expect(mapFields(['AREA', 'DKMJ']).area!.field).toBe('DKMJ')
  })

  it('turns hectares and mu into square metres, and prefers a square-metre field', () => {
    expect(mapFields(['MJ_HA']).area).toEqual({ field: 'MJ_HA', toM2: 10_000 })
    expect(mapFields(['面积（公顷）']).area).toEqual({ field: '面积（公顷）', toM2: 10_000 })
    expect(mapFields(['GQ']).area!.toM2).toBe(10_000)
    expect(mapFields(['area_ha']).area!.toM2).toBe(10_000)
    expect(mapFields(['面积亩']).area!.toM2).toBeCloseTo(666.6667, 4)
    expect(mapFields(['MJ_HA', 'MJ']).area!.field).toBe('MJ')
    const hectares = applyMapping(mapFields(['MJ_HA']), { MJ_HA: 0.8202 })
    expect(hectares.declaredAreaM2).toBe(8202)
    const mu = applyMapping(mapFields(['亩数']), { 亩数: 12.3 })
    expect(mu.declaredAreaM2).toBe(8200)
  })

  it('applies a mapping: trims text, reads numeric strings, flags an area that is not a number', () => {
    const m = mapFields(['DKBH', 'MJ', 'DKMC'])
    expect(applyMapping(m, { DKBH: '  DK-01 ', MJ: '8,201.77', DKMC: '' })).toEqual({
      parcelNo: 'DK-01',
      name: null,
      landUse: null,
      landClassCode: null,
      declaredAreaM2: 8201.77,
    })
    expect(applyMapping(m, { DKBH: 7, MJ: 'about 8000' })).toMatchObject({
      parcelNo: '7',
      declaredAreaM2: null,
      badArea: { field: 'MJ', value: 'about 8000' },
    })
  })

  it('uses one attribute for one target only', () => {
    const m = mapFields(['NAME'])
    expect(m.name).toBe('NAME')
    expect(m.parcelNo).toBeNull()
  })
})
