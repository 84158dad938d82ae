import { Router } from 'express'
import { z } from 'zod'
import type { Database } from '../db/database'
import type { Config } from '../config'
import { AppError } from '../errors'
import { principalOf, requireLogin, requireRole } from '../http/guards'
import { parseInput } from '../http/validate'
import { parseCrs, receiveFiles } from '../http/files'
import { CRS_REGISTRY } from '../../gis/crs'
import { createDraftFiling } from '../usecases/createDraftFiling'
import { editableFiling, visibleFilingOr404 } from '../usecases/filingAccess'
import { receiveUpload, type UploadLimits } from '../usecases/receiveUpload'
import { acceptUpload } from '../usecases/acceptUpload'
import { findUpload, listUploads, previewParcelsGeoJson } from '../repositories/uploads'

const NewFiling = z.object({
  title: z.string().trim().min(1).max(200),
  filingType: z.enum(['batch', 'standalone']),
  priority: z.enum(['standard', 'key']).default('standard'),
})
const Ids = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
  uploadId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53)
    .optional(),
})
const UploadFields = z.object({
  crs: z.string().trim().max(40).optional(),
  encoding: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,40}$/, 'an encoding name such as gbk or utf-8')
    .optional(),
  layer: z.string().trim().max(500).optional(),
  repair: z.enum(['true', 'false', '1', '0', 'on', 'off']).optional(),
  swapAxes: z.enum(['true', 'false', '1', '0', 'on', 'off']).optional(),
})

export function uploadRoutes(db: Database, config: Config): Router {
  const router = Router()
  const limits: UploadLimits = {
    maxFeatures: config.uploadMaxFeatures,
    maxVertices: config.uploadMaxVertices,
    maxUncompressedBytes: config.uploadMaxUncompressedMb * 1024 * 1024,
    maxCompressionRatio: config.uploadMaxRatio,
    parseSeconds: config.uploadParseSeconds,
  }
  const maxBytes = Math.round(config.uploadMaxMb * 1024 * 1024)
  const receive = receiveFiles(config.uploadMaxMb)

  router.post('/filings', requireRole('county_clerk'), async (req, res) => {
    const input = parseInput(NewFiling, req.body)
    res.status(201).json({ filing: await createDraftFiling(db, principalOf(req), input, req.ip) })
  })

  router.get('/crs', (_req, res) => {
    res.json({ crs: [...CRS_REGISTRY.values()].map((c) => ({ code: c.code, name: c.name, kind: c.kind })) })
  })

  router.post(
    '/filings/:id/uploads',
    requireLogin,
    // Authorise before buffering anything: only the filing's own county clerk may send files.
    async (req, _res, next) => {
      const { id } = parseInput(Ids, req.params)
      await editableFiling(db, principalOf(req), id)
      next()
    },
    receive,
    async (req, res) => {
      const { id } = parseInput(Ids, req.params)
      const fields = parseInput(UploadFields, req.body ?? {})
      const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
        name: Buffer.from(f.originalname, 'latin1').toString('utf8'),
        bytes: new Uint8Array(f.buffer.buffer, f.buffer.byteOffset, f.buffer.byteLength),
      }))
      const total = files.reduce((n, f) => n + f.bytes.length, 0)
      if (total > maxBytes) throw new AppError('upload.too_large', 413, { limit: `${config.uploadMaxMb} MB` })
      const crs = parseCrs(fields.crs)
      const uploadId = await receiveUpload(
        db,
        principalOf(req),
        id,
        files,
        {
          ...(crs ? { crs } : {}),
          ...(fields.encoding ? { encoding: fields.encoding.toLowerCase() } : {}),
          ...(fields.layer ? { layer: fields.layer } : {}),
          repair: ['true', '1', 'on'].includes(fields.repair ?? ''),
          swapAxes: ['true', '1', 'on'].includes(fields.swapAxes ?? ''),
        },
        limits,
        req.ip,
      )
      res
        .status(201)
        .type('application/json')
        .send(await previewJson(db, id, uploadId))
    },
  )

  router.get('/filings/:id/uploads', requireLogin, async (req, res) => {
    const { id } = parseInput(Ids, req.params)
    await visibleFilingOr404(db, principalOf(req), id)
    res.json({ uploads: await listUploads(db, id) })
  })

  router.get('/filings/:id/uploads/:uploadId', requireLogin, async (req, res) => {
    const { id, uploadId } = parseInput(Ids, req.params)
    await visibleFilingOr404(db, principalOf(req), id)
    res.type('application/json').send(await previewJson(db, id, uploadId!))
  })

  router.post('/filings/:id/uploads/:uploadId/accept', requireLogin, async (req, res) => {
    const { id, uploadId } = parseInput(Ids, req.params)
    const { filing, parcels } = await acceptUpload(db, principalOf(req), id, uploadId!, req.ip)
    res.type('application/json').send(`{"filing":${JSON.stringify(filing)},"parcels":${parcels}}`)
  })

  return router
}

/** `{ upload: UploadPreview }` as JSON text (parcels built in the database). */
async function previewJson(db: Database, filingId: number, uploadId: number): Promise<string> {
  const upload = await findUpload(db, filingId, uploadId)
  if (!upload) throw new AppError('upload.not_found', 404, { filingId, id: uploadId })
  const parcels = await previewParcelsGeoJson(db, uploadId)
  const crsName = upload.crs ? (CRS_REGISTRY.get(Number(upload.crs.slice(5)))?.name ?? null) : null
  return `{"upload":${JSON.stringify({ ...upload, crsName }).slice(0, -1)},"parcels":${parcels}}}`
}
