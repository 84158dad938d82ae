import { describe, expect, it } from 'vitest'
import { assignParcelNumbers, checkParcelNumbers } from '../../../gis/validate'

describe('gis/validate/parcelNumbers', () => {
  it('a duplicate parcel number is an error on the later feature naming both', () => {
    const findings = checkParcelNumbers([
      { index: 0, parcelNo: 'DK-07' },
      { index: 1, parcelNo: 'DK-08' },
      { index: 2, parcelNo: ' DK-07 ' },
    ])
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'parcel.duplicate_no',
        severity: 'error',
        featureIndex: 2,
        parcelNo: 'DK-07',
        details: { otherFeatureIndex: 0 },
        message: {
          'zh-CN': '地块编号 DK-07 重复：第 1 个和第 3 个要素都使用了它',
          en: 'Parcel number DK-07 is used twice: by feature 1 and by feature 3',
        },
      }),
    ])
  })

  it('a missing number is a warning and the feature is numbered P-<feature number>, avoiding numbers in use', () => {
    const features = [
      { index: 0, parcelNo: 'P-2' },
      { index: 1, parcelNo: null },
      { index: 2, parcelNo: '   ' },
    ]
    expect([...assignParcelNumbers(features).values()]).toEqual(['P-2', 'P-2-2', 'P-3'])
    const findings = checkParcelNumbers(features)
    expect(findings.map((f) => [f.code, f.severity, f.featureIndex, f.details?.assignedParcelNo])).toEqual([
      ['parcel.missing_no', 'warning', 1, 'P-2-2'],
      ['parcel.missing_no', 'warning', 2, 'P-3'],
    ])
    expect(findings[1]!.message.en).toBe('Feature 3 has no parcel number; it is numbered P-3')
  })
})
