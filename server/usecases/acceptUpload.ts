/**
 * A county accepts a preview: lock the filing and check it is still theirs to edit → check the upload is
 * a clean preview of it → replace the filing's parcels with the preview's → check them →
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
    // the filing locked, and whether this user may change it
    const scope = visibleFilingsCondition(p, 2)
    const { rows: filings } = await tx.query<{ status: string; jurisdiction_code: string }>(
      `SELECT f.status, f.jurisdiction_code
         FROM filing f JOIN jurisdiction j ON j.code = f.jurisdiction_code
        WHERE f.id = $1 AND ${scope.sql}
          FOR UPDATE OF f`,
      [filingId, ...scope.params],
    )
    const filing = filings[0]
    assertEditable(
      p,
      filingId,
      filing ? { status: filing.status, jurisdictionCode: filing.jurisdiction_code } : null,
    )
    // the upload's state, read once the lock is held (a statement of its own: an accept that held the lock
    // before has changed it, and a statement sees what was committed when it began)
    const { rows: uploads } = await tx.query<{ status: string; ok: boolean; error_count: number }>(
      'SELECT status, ok, error_count FROM upload WHERE filing_id = $1 AND id = $2',
      [filingId, uploadId],
    )
    const upload = uploads[0]
    if (!upload) throw new AppError('upload.not_found', 404, { filingId, id: uploadId })
    if (upload.status !== 'preview') {
      throw new AppError('upload.not_pending', 409, { id: uploadId, status: upload.status })
    }
    if (!upload.ok) throw new AppError('upload.has_errors', 409, { id: uploadId, errors: upload.error_count })

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
