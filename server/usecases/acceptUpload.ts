/**
 * A county accepts a preview: lock the filing, and check it is still theirs to edit and the upload is a
 * clean preview of it (one statement) → replace the filing's parcels with the preview's → check them →
 * record it, all in one transaction.
 * Two accepts at once queue on the filing lock; the second finds the upload no longer pending. Answers
 * the filing and its parcels as GeoJSON text.
 */
import type { Database } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError } from '../errors'
import { recordAudit } from '../repositories/audit'
import { copyPreviewIntoParcels } from '../repositories/uploads'
import {
  filingParcelsGeoJson,
  findVisibleFiling,
  visibleFilingsCondition,
  type FilingSummary,
} from '../repositories/filings'
import { assertEditable } from './filingAccess'
import { runCheck } from '../check/run'

export async function acceptUpload(
  db: Database,
  p: Principal,
  filingId: number,
  uploadId: number,
  clientIp?: string,
): Promise<{ filing: FilingSummary; parcels: string }> {
  await db.transaction(async (tx) => {
    // in one statement: the filing locked, whether this user may change it, and the upload's state
    const scope = visibleFilingsCondition(p, 3)
    const { rows } = await tx.query<{
      status: string
      jurisdiction_code: string
      upload_status: string | null
      upload_ok: boolean | null
      upload_errors: number | null
    }>(
      `SELECT f.status, f.jurisdiction_code,
              u.status AS upload_status, u.ok AS upload_ok, u.error_count AS upload_errors
         FROM filing f
         JOIN jurisdiction j ON j.code = f.jurisdiction_code
         LEFT JOIN upload u ON u.filing_id = f.id AND u.id = $2
        WHERE f.id = $1 AND ${scope.sql}
          FOR UPDATE OF f`,
      [filingId, uploadId, ...scope.params],
    )
    const row = rows[0]
    assertEditable(p, filingId, row ? { status: row.status, jurisdictionCode: row.jurisdiction_code } : null)
    if (!row!.upload_status) throw new AppError('upload.not_found', 404, { filingId, id: uploadId })
    if (row!.upload_status !== 'preview') {
      throw new AppError('upload.not_pending', 409, { id: uploadId, status: row!.upload_status })
    }
    if (!row!.upload_ok) {
      throw new AppError('upload.has_errors', 409, { id: uploadId, errors: row!.upload_errors })
    }

    const before = await tx.query<{ parcel_no: string }>(
      'DELETE FROM parcel WHERE filing_id = $1 RETURNING parcel_no',
      [filingId],
    )
    const inserted = await copyPreviewIntoParcels(tx, filingId, uploadId)
    // this upload is now the accepted one, the one accepted before is superseded, and the filing changed
    await tx.query(
      `WITH uploads AS (
         UPDATE upload SET status = CASE WHEN id = $2 THEN 'accepted' ELSE 'superseded' END,
                           accepted_at = CASE WHEN id = $2 THEN now() ELSE accepted_at END
          WHERE filing_id = $1 AND (id = $2 OR status = 'accepted')
       )
       UPDATE filing SET updated_at = now(), version = version + 1 WHERE id = $1`,
      [filingId, uploadId],
    )
    // the parcels changed: check them now, in the same transaction (a failing check fails the import);
    // before the audit event, whose hash chain holds a lock until the commit
    await runCheck(tx, filingId, 'upload_accepted', p.id)
    await recordAudit(tx, {
      actorId: p.id,
      actorRole: p.role,
      action: 'parcels.imported',
      subjectType: 'filing',
      subjectId: filingId,
      before: { parcels: before.rows.map((r) => r.parcel_no).sort() },
      after: { uploadId, parcelCount: inserted },
      clientIp,
    })
  })
  // the filing as it is now, and its parcels to draw, read side by side (two connections on a server)
  const [filing, parcels] = await Promise.all([
    findVisibleFiling(db, p, filingId),
    filingParcelsGeoJson(db, filingId),
  ])
  return { filing: filing!, parcels }
}
