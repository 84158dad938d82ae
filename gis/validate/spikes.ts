/**
 * Spikes: a vertex where the ring runs out and comes straight back, turning at a tiny angle (a
 * digitising slip, or a point typed with a wrong digit). The ring stays valid in the OGC sense, so
 * a spike is a warning; a repair removes the vertex, and again at the neighbours, until none is left.
 */
import { report, type FeatureCheck } from './context'
import { subRing, type WorkRing } from './geometry'
import { MESSAGES } from './messages'
import { refOf } from './rings'

/** The default largest turning angle, in degrees, that counts as a spike. */
export const SPIKE_ANGLE_DEG = 1

/** The angle in degrees at vertex k of the ring (between the edges to its neighbours), if it is a spike. */
function spikeAngle(xy: Float64Array, order: readonly number[], k: number, tan: number): number | null {
  const m = order.length
  const i = order[k]!
  const p = order[(k + m - 1) % m]!
  const q = order[(k + 1) % m]!
  const ux = xy[2 * p]! - xy[2 * i]!
  const uy = xy[2 * p + 1]! - xy[2 * i + 1]!
  const vx = xy[2 * q]! - xy[2 * i]!
  const vy = xy[2 * q + 1]! - xy[2 * i + 1]!
  const dot = ux * vx + uy * vy
  if (dot <= 0) return null
  const cross = Math.abs(ux * vy - uy * vx)
  if (cross > tan * dot) return null
  return (Math.atan2(cross, dot) * 180) / Math.PI
}

/** Whether vertex i of the ring (all vertices kept) is a spike; cheap check before any allocation. */
function anySpike(ring: WorkRing, tan: number): boolean {
  const { xy, n } = ring
  for (let i = 0; i < n; i++) {
    const p = i === 0 ? n - 1 : i - 1
    const q = i + 1 === n ? 0 : i + 1
    const ux = xy[2 * p]! - xy[2 * i]!
    const uy = xy[2 * p + 1]! - xy[2 * i + 1]!
    const vx = xy[2 * q]! - xy[2 * i]!
    const vy = xy[2 * q + 1]! - xy[2 * i + 1]!
    const dot = ux * vx + uy * vy
    if (dot > 0 && Math.abs(ux * vy - uy * vx) <= tan * dot) return true
  }
  return false
}

/** Reports the spikes of a ring; with repair, returns the ring without them (null if it collapses). */
export function checkSpikes(check: FeatureCheck, ring: WorkRing): WorkRing | null {
  const tan = Math.tan((check.spikeAngleDeg * Math.PI) / 180)
  if (!anySpike(ring, tan)) return ring
  const { xy, n } = ring
  const order = Array.from({ length: n }, (_, i) => i)
  const ref = refOf(check, ring.origin[0], ring.origin[1])
  if (!check.repair) {
    for (let k = 0; k < n; k++) {
      const angle = spikeAngle(xy, order, k, tan)
      if (angle === null) continue
      const p = ring.ll[k]!
      report(check, 'geometry.spike', 'warning', MESSAGES['geometry.spike'](check.who, ref, p, angle), p, {
        angleDeg: +angle.toFixed(4),
      })
    }
    return ring
  }
  for (let k = 0; k < order.length && order.length >= 3;) {
    const angle = spikeAngle(xy, order, k, tan)
    if (angle === null) {
      k++
      continue
    }
    const p = ring.ll[order[k]!]!
    report(
      check,
      'repair.spike_removed',
      'warning',
      MESSAGES['repair.spike_removed'](check.who, ref, p, angle),
      p,
      {
        angleDeg: +angle.toFixed(4),
      },
    )
    order.splice(k, 1)
    k = Math.max(0, k - 1)
  }
  check.changed = true
  if (order.length < 3) {
    report(
      check,
      'geometry.too_few_points',
      'error',
      MESSAGES['geometry.too_few_points'](check.who, ref, order.length),
      null,
      { distinctPoints: order.length },
    )
    check.broken = true
    return null
  }
  return subRing(check.frame, ring, order)
}
