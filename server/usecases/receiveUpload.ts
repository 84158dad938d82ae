/**
 * A county sends parcel boundaries: check the filing is theirs to edit → store the bytes as they came
 * (committed on their own, so nothing sent is ever lost) → read and check them (gis/ingest) → store the
 * preview (parcels and findings) for the county to look at and accept.
 */
import crypto from 'node:crypto'
import type { Database } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError } from '../errors'
import { recordAudit } from '../repositories/audit'
import {
  insertPreviewParcels,
  insertUpload,
  recordUploadOutcome,
  type PreviewParcel,
  type StoredFile,
} from '../repositories/uploads'
import { editableFiling } from './filingAccess'
import { jurisdictionArea } from '../repositories/jurisdictions'
import { inspectFiles, type InspectResult } from '../../gis/ingest'
import { UnreadableUpload, type Finding } from '../../gis/findings'
import type { ReadLimits } from '../../gis/formats/types'

export interface UploadRequest {
  crs?: number
  encoding?: string
  layer?: string
  repair?: boolean
  swapAxes?: boolean
}

export type UploadLimits = Omit<ReadLimits, 'deadline'> & { parseSeconds: number }

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex')

/** The SHA-256 of an upload: of its file, or of the sorted "name sha256" lines of several files. */
export function uploadSha256(files: StoredFile[]): string {
  if (files.length === 1) return files[0]!.sha256
  const lines = files.map((f) => `${f.name} ${f.sha256}\n`).sort()
  return crypto.createHash('sha256').update(lines.join('')).digest('hex')
}

/** The worst severity of the findings about each feature. */
function severities(findings: Finding[]): Map<number, 'error' | 'warning'> {
  const worst = new Map<number, 'error' | 'warning'>()
  for (const f of findings) {
    if (f.featureIndex === null) continue
    if (f.severity === 'error' || !worst.has(f.featureIndex)) worst.set(f.featureIndex, f.severity)
  }
  return worst
}

/** The parcels of an inspection as the preview stores them. */
export function previewParcels(result: InspectResult): PreviewParcel[] {
  const worst = severities(result.findings)
  return result.parcels.map((p) => ({
    index: p.index,
    parcelNo: p.parcelNo ?? `P-${p.index + 1}`,
    name: p.name,
    landUse: p.landUse,
    landClassCode: p.landClassCode,
    declaredAreaM2: p.declaredAreaM2,
    areaM2: p.areaM2,
    vertexCount: p.vertexCount,
    severity: worst.get(p.index) ?? null,
    repaired: p.repaired,
    polygons: p.geometry?.coordinates ?? null,
    sourcePolygons: p.sourceGeometry?.coordinates ?? null,
    sourceCrs: result.crs,
  }))
}

export async function receiveUpload(
  db: Database,
  p: Principal,
  filingId: number,
  files: { name: string; bytes: Uint8Array }[],
  request: UploadRequest,
  limits: UploadLimits,
  clientIp?: string,
): Promise<number> {
  const filing = await editableFiling(db, p, filingId)
  if (!files.length) throw new AppError('upload.no_file', 400)

  const stored: StoredFile[] = files.map((f) => ({ ...f, sha256: sha256(f.bytes) }))
  const uploadId = await db.transaction(async (tx) => {
    const id = await insertUpload(tx, {
      filingId,
      createdBy: p.id,
      files: stored,
      sha256: uploadSha256(stored),
      options: { ...request },
    })
    await recordAudit(tx, {
      actorId: p.id,
      actorRole: p.role,
      action: 'upload.received',
      subjectType: 'filing',
      subjectId: filingId,
      after: {
        uploadId: id,
        files: stored.map((f) => ({ name: f.name, size: f.bytes.length, sha256: f.sha256 })),
      },
      clientIp,
    })
    return id
  })

  const county = (await jurisdictionArea(db, filing.jurisdiction.code))!
  const started = performance.now()
  let result: InspectResult
  try {
    result = await inspectFiles(files, {
      ...request,
      limits: { ...limits, deadline: Date.now() + limits.parseSeconds * 1000 },
      county,
    })
  } catch (error) {
    if (!(error instanceof UnreadableUpload)) throw error
    await recordUploadOutcome(db, uploadId, {
      status: 'unreadable',
      ok: false,
      format: null,
      layer: null,
      layers: [],
      encoding: null,
      encodingSource: null,
      crs: null,
      crsSource: null,
      featureCount: 0,
      findings: error.findings,
      readMs: performance.now() - started,
    })
    throw new AppError(
      'upload.unreadable',
      422,
      { files: files.map((f) => f.name).join(', '), first: error.findings[0]?.message ?? '' },
      error.findings,
    )
  }
  const readMs = performance.now() - started

  await db.transaction(async (tx) => {
    await insertPreviewParcels(tx, db.mode, uploadId, previewParcels(result))
    await recordUploadOutcome(tx, uploadId, {
      status: 'preview',
      ok: result.ok,
      format: result.format,
      layer: result.layer,
      layers: result.layers,
      encoding: result.encoding,
      encodingSource: result.encodingSource,
      crs: result.crs,
      crsSource: result.crsSource,
      featureCount: result.featureCount,
      findings: result.findings,
      readMs,
    })
  })
  return uploadId
}
