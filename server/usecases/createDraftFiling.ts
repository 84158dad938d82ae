import type { Database } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError } from '../errors'
import { recordAudit } from '../repositories/audit'
import { findVisibleFiling, type FilingSummary } from '../repositories/filings'

export interface NewDraft {
  title: string
  filingType: 'batch' | 'standalone'
  priority: 'standard' | 'key'
}

/** A county clerk opens a draft filing for their county: insert → audit → the new filing. */
export async function createDraftFiling(
  db: Database,
  p: Principal,
  input: NewDraft,
  clientIp?: string,
): Promise<FilingSummary> {
  if (p.role !== 'county_clerk') throw new AppError('auth.forbidden', 403)
  const id = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO filing (jurisdiction_code, title, filing_type, priority, status, created_by)
       VALUES ($1, $2, $3, $4, 'draft', $5) RETURNING id`,
      [p.jurisdictionCode, input.title, input.filingType, input.priority, p.id],
    )
    const filingId = rows[0]!.id
    await recordAudit(tx, {
      actorId: p.id,
      actorRole: p.role,
      action: 'filing.created',
      subjectType: 'filing',
      subjectId: filingId,
      after: { ...input, status: 'draft', jurisdiction: p.jurisdictionCode },
      clientIp,
    })
    return filingId
  })
  return (await findVisibleFiling(db, p, id))!
}
