/**
 * What the per-feature checks share while one feature is examined: who it is (for messages), the local
 * frame, the options, the findings so far, and whether a repair changed it or an error broke it.
 */
import { finding, type Finding, type Severity } from '../findings'
import type { Position } from '../formats/types'
import type { Message } from '../crs/lookup'
import type { Frame } from './geometry'
import type { Who } from './messages'

export interface FeatureCheck {
  who: Who
  frame: Frame
  repair: boolean
  spikeAngleDeg: number
  /** Number of polygons (parts) in the feature as read, for ring labels. */
  parts: number
  findings: Finding[]
  /** A repair changed the geometry: the result replaces the file's geometry. */
  changed: boolean
  /** An error leaves the geometry unfit for the overlap checks. */
  broken: boolean
}

/** Records a finding about the feature. */
export function report(
  check: FeatureCheck,
  code: string,
  severity: Severity,
  message: Message,
  location: Position | null = null,
  details?: Record<string, unknown>,
): void {
  check.findings.push(
    finding(code, severity, message['zh-CN'], message.en, {
      featureIndex: check.who.index,
      parcelNo: check.who.parcelNo,
      location: location ? [location[0], location[1]] : null,
      ...(details ? { details } : {}),
    }),
  )
}
