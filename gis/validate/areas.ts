/**
 * Area checks: a parcel must enclose a real area (at least `minAreaM2`, 1 m² by default), and the
 * area it declares (the 面积 of the text file, an area field of the attribute table) should agree
 * with the area of its boundary on the ellipsoid within a relative tolerance (1 % by default).
 * Declared areas usually come from the Gauss-Krüger plane, which differs from the ellipsoid by up to
 * about 0.06 % at a 3° zone's edge: well inside the tolerance.
 */
import { report, type FeatureCheck } from './context'
import { MESSAGES } from './messages'

export const MIN_AREA_M2 = 1
export const DECLARED_AREA_TOLERANCE = 0.01

/** Reports a zero or tiny area (error) and a declared area off by more than the tolerance (warning). */
export function checkArea(
  check: FeatureCheck,
  areaM2: number,
  declaredAreaM2: number | null,
  minAreaM2 = MIN_AREA_M2,
  tolerance = DECLARED_AREA_TOLERANCE,
): void {
  if (areaM2 < minAreaM2) {
    report(
      check,
      'geometry.tiny_area',
      'error',
      MESSAGES['geometry.tiny_area'](check.who, areaM2, minAreaM2),
      null,
      {
        areaM2,
        minAreaM2,
      },
    )
    return
  }
  if (declaredAreaM2 === null || !Number.isFinite(declaredAreaM2)) return
  const relative = (declaredAreaM2 - areaM2) / areaM2
  if (Math.abs(relative) <= tolerance) return
  report(
    check,
    'parcel.area_mismatch',
    'warning',
    MESSAGES['parcel.area_mismatch'](check.who, declaredAreaM2, areaM2, tolerance),
    null,
    {
      declaredAreaM2,
      areaM2: +areaM2.toFixed(2),
      differencePercent: +(relative * 100).toFixed(2),
    },
  )
}
