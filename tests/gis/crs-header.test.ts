import { describe, expect, it } from 'vitest'
import { datumFromChineseName, epsgFromCoordTxtHeader } from '../../gis/crs/header'
import type { Position } from '../../gis/formats/types'

/** [easting, northing] as the text reader hands them over (GIS order). */
const prefixed36: Position[] = [[36_401_561.099, 2_999_777.467]]
const plain: Position[] = [[401_561.099, 2_999_777.467]]
const prefixed18: Position[] = [[18_701_561.1, 2_999_777.5]]

describe('gis/crs/header', () => {
  it.each([
    ['2000国家大地坐标系', 'CGCS2000'],
    ['CGCS2000', 'CGCS2000'],
    ['国家2000坐标系', 'CGCS2000'],
    ['80西安坐标系', 'Xian 1980'],
    ['西安80', 'Xian 1980'],
    ['1980西安坐标系', 'Xian 1980'],
    ['54北京坐标系', 'Beijing 1954'],
    ['北京54', 'Beijing 1954'],
    ['ＷＧＳ８４', 'WGS 84'],
    ['地方坐标系', null],
  ])('坐标系=%s names the datum %s', (text, datum) => {
    expect(datumFromChineseName(text)).toBe(datum)
  })

  it('2000国家大地坐标系, 3° zone 36, with 8-digit eastings is EPSG:4524', () => {
    const header = {
      坐标系: '2000国家大地坐标系',
      几度分带: '3',
      投影类型: '高斯克吕格',
      计量单位: '米',
      带号: '36',
    }
    expect(epsgFromCoordTxtHeader(header, prefixed36)).toMatchObject({ epsg: 4524, matchedBy: 'header' })
  })

  it('the same header with 6-digit eastings is the CM variant EPSG:4545', () => {
    expect(
      epsgFromCoordTxtHeader({ 坐标系: '2000国家大地坐标系', 几度分带: '3', 带号: '36' }, plain).epsg,
    ).toBe(4545)
  })

  it('西安80 and 北京54 headers map to their own Gauss-Krüger systems', () => {
    expect(epsgFromCoordTxtHeader({ 坐标系: '西安80', 几度分带: '3', 带号: '36' }, prefixed36).epsg).toBe(
      2360,
    )
    expect(epsgFromCoordTxtHeader({ 坐标系: '北京54', 几度分带: '6', 带号: '18' }, prefixed18).epsg).toBe(
      21418,
    )
  })

  it('full-width digits in the header are read (３度带, 带号３６)', () => {
    expect(
      epsgFromCoordTxtHeader({ 坐标系: '2000国家大地坐标系', 几度分带: '３', 带号: '３６' }, prefixed36).epsg,
    ).toBe(4524)
  })

  it('without 带号 the zone comes from the eastings prefix, with a note', () => {
    const match = epsgFromCoordTxtHeader({ 坐标系: '2000国家大地坐标系', 几度分带: '3' }, prefixed36)
    expect(match.epsg).toBe(4524)
    expect(match.notes?.[0]?.en).toContain('zone 36 is taken from the eastings')
  })

  it('without 带号 and with plain eastings the zone cannot be known', () => {
    const match = epsgFromCoordTxtHeader({ 坐标系: '2000国家大地坐标系', 几度分带: '3' }, plain)
    expect(match.epsg).toBeNull()
    expect(match.reason!.en).toContain('zone cannot be known')
  })

  it('几度分带=6 with 带号=36 is read as a 3° zone (6° zones end at 23), with a note', () => {
    const match = epsgFromCoordTxtHeader(
      { 坐标系: '2000国家大地坐标系', 几度分带: '6', 带号: '36' },
      prefixed36,
    )
    expect(match.epsg).toBe(4524)
    expect(match.notes?.[0]?.en).toContain('can only be a 3-degree zone')
  })

  it('a header without 坐标系 is read as CGCS2000, with a note', () => {
    const match = epsgFromCoordTxtHeader({ 几度分带: '3', 带号: '36' }, prefixed36)
    expect(match.epsg).toBe(4524)
    expect(match.notes?.[0]?.en).toContain('CGCS2000 is assumed')
  })

  it('a local coordinate system, a UTM projection or a unit in feet are refused with the reason', () => {
    expect(epsgFromCoordTxtHeader({ 坐标系: '地方坐标系', 带号: '36' }, prefixed36).reason!.en).toContain(
      '"地方坐标系"',
    )
    expect(
      epsgFromCoordTxtHeader({ 坐标系: 'CGCS2000', 投影类型: 'UTM', 带号: '36' }, prefixed36).reason!.en,
    ).toContain('not Gauss-Kruger')
    expect(
      epsgFromCoordTxtHeader({ 坐标系: 'CGCS2000', 计量单位: '英尺', 带号: '36' }, prefixed36).reason!.en,
    ).toContain('not metres')
  })
})
