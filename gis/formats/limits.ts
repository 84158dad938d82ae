/**
 * The checks every reader makes against `ReadLimits`: how many features and vertices, and the time
 * budget (a deadline, looked at every few hundred iterations of a reader's loops: `Date.now()` is
 * cheap but not free).
 */
import { unreadable } from './messages'
import type { ReadLimits } from './types'

/** Iterations between two looks at the clock. */
export const DEADLINE_STRIDE = 256

/** Throws `limits.time` when the deadline has passed. */
export function checkDeadline(limits: ReadLimits, file: string): void {
  if (Date.now() > limits.deadline) throw unreadable('limits.time', { file })
}

/** Throws `limits.features` when `count` features exceed the limit. */
export function checkFeatureCount(limits: ReadLimits, count: number, file: string): void {
  if (count > limits.maxFeatures)
    throw unreadable('limits.features', { file, limit: limits.maxFeatures, count })
}

/** Throws `limits.vertices` when `count` vertices exceed the limit. */
export function checkVertexCount(limits: ReadLimits, count: number, file: string): void {
  if (count > limits.maxVertices)
    throw unreadable('limits.vertices', { file, limit: limits.maxVertices, count })
}
