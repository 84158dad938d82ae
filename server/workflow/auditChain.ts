/**
 * Verifies the hash chain of the audit trail (docs/workflow.md "Audit"): walks the events in chain order
 * (`seq`) and recomputes each hash in the database with the same function the insert trigger used, so
 * an edited event, a deleted one or a reordered chain is found at the first place it breaks.
 */
import type { Queryable } from '../db/database'

export interface ChainReport {
  ok: boolean
  events: number
  /** The first broken event, with what is wrong. */
  brokenAt?: { id: number; seq: number | null; problem: string }
}

export async function verifyAuditChain(db: Queryable): Promise<ChainReport> {
  const { rows } = await db.query<{
    id: number
    seq: number | null
    prev_hash: string | null
    hash: string | null
    recomputed: string | null
  }>(
    `SELECT a.id, a.seq, a.prev_hash, a.hash, audit_event_hash(a.prev_hash, a) AS recomputed
       FROM audit_event a ORDER BY a.seq NULLS FIRST, a.id`,
  )
  let prev: string | null = null
  let expectedSeq = 1
  for (const r of rows) {
    const broken = (problem: string): ChainReport => ({
      ok: false,
      events: rows.length,
      brokenAt: { id: r.id, seq: r.seq, problem },
    })
    if (r.seq === null) return broken('the event is not chained (no sequence number)')
    if (r.seq !== expectedSeq) return broken(`sequence gap: expected ${expectedSeq}, found ${r.seq}`)
    if (r.prev_hash !== prev) return broken('prev_hash does not match the hash of the event before it')
    if (r.hash !== r.recomputed) return broken('the event was changed after it was recorded (hash mismatch)')
    prev = r.hash
    expectedSeq++
  }
  return { ok: true, events: rows.length }
}
