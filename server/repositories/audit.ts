import type { Queryable } from '../db/database'

export interface AuditEntry {
  actorId: number | null
  actorRole: string | null
  action: string
  subjectType?: string
  subjectId?: string | number
  before?: unknown
  after?: unknown
  comment?: string
  clientIp?: string | undefined
}

/** Appends one event to the audit trail (within the caller's transaction when given one). */
export async function recordAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (actor_id, actor_role, action, subject_type, subject_id, before, after, comment, client_ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      e.actorId,
      e.actorRole,
      e.action,
      e.subjectType ?? null,
      e.subjectId === undefined ? null : String(e.subjectId),
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.comment ?? null,
      e.clientIp ?? null,
    ],
  )
}
