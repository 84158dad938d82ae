/**
 * Parcel numbers (地块编号) across one upload: each must be unique (an error names both features),
 * and a feature without one gets `P-<feature number>` (a warning says so), avoiding numbers the
 * file already uses. Numbers are compared without surrounding blanks.
 */
import { finding, type Finding } from '../findings'
import { MESSAGES } from './messages'

export interface Numbered {
  index: number
  parcelNo: string | null
}

function clean(no: string | null): string | null {
  if (no === null) return null
  const t = no.trim()
  return t === '' ? null : t
}

/** The numbers every feature ends up with: its own (trimmed) or an assigned `P-<index + 1>`. */
export function assignParcelNumbers(features: readonly Numbered[]): Map<number, string> {
  return numberAndCheck(features).assigned
}

/** Duplicate numbers (error, on the later feature) and missing ones (warning with the assigned number). */
export function checkParcelNumbers(features: readonly Numbered[]): Finding[] {
  return numberAndCheck(features).findings
}

/** Both at once, in two passes over the features. */
export function numberAndCheck(features: readonly Numbered[]): {
  assigned: Map<number, string>
  findings: Finding[]
} {
  const findings: Finding[] = []
  const assigned = new Map<number, string>()
  const first = new Map<string, number>()
  const missing: number[] = []
  for (const f of features) {
    const no = clean(f.parcelNo)
    if (no === null) {
      missing.push(f.index)
      continue
    }
    assigned.set(f.index, no)
    const before = first.get(no)
    if (before === undefined) {
      first.set(no, f.index)
      continue
    }
    const m = MESSAGES['parcel.duplicate_no'](no, before, f.index)
    findings.push(
      finding('parcel.duplicate_no', 'error', m['zh-CN'], m.en, {
        featureIndex: f.index,
        parcelNo: no,
        details: { otherFeatureIndex: before },
      }),
    )
  }
  for (const index of missing) {
    let no = `P-${index + 1}`
    for (let k = 2; first.has(no); k++) no = `P-${index + 1}-${k}`
    first.set(no, index)
    assigned.set(index, no)
    const m = MESSAGES['parcel.missing_no'](index, no)
    findings.push(
      finding('parcel.missing_no', 'warning', m['zh-CN'], m.en, {
        featureIndex: index,
        details: { assignedParcelNo: no },
      }),
    )
  }
  return { assigned, findings }
}
