/**
 * Reference layer versions (docs/api.md, "Reference layers administration"): list them (anyone logged
 * in), import a new one from uploaded files and choose the current one (administrators).
 */
import { Router } from 'express'
import { z } from 'zod'
import type { Database } from '../db/database'
import type { Config } from '../config'
import { AppError } from '../errors'
import { principalOf, requireLogin, requireRole } from '../http/guards'
import { parseInput } from '../http/validate'
import { parseCrs, receiveFiles } from '../http/files'
import { isLayerKind, LAYER_KINDS, listLayerVersions, type LayerKind } from '../repositories/layers'
import { activateLayer, importLayerVersion, type LayerImportLimits } from '../usecases/importLayer'

const flag = z.enum(['true', 'false', '1', '0', 'on', 'off'])

const ImportFields = z.object({
  version: z.string().trim().min(1).max(200),
  classField: z.string().trim().max(100).optional(),
  crs: z.string().trim().max(40).optional(),
  encoding: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,40}$/, 'an encoding name such as gbk or utf-8')
    .optional(),
  layer: z.string().trim().max(500).optional(),
  activate: flag.optional(),
})
const VersionId = z.object({
  versionId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
})

function kindOf(value: unknown): LayerKind {
  const kind = String(value)
  if (!isLayerKind(kind))
    throw new AppError('layer.unknown_kind', 404, { kind, kinds: LAYER_KINDS.join(', ') })
  return kind
}

export function layerAdminRoutes(db: Database, config: Config): Router {
  const router = Router()
  const limits: LayerImportLimits = {
    maxFeatures: config.layerMaxFeatures,
    maxVertices: config.layerMaxVertices,
    maxUncompressedBytes: config.uploadMaxUncompressedMb * 1024 * 1024,
    maxCompressionRatio: config.uploadMaxRatio,
    parseSeconds: config.layerImportSeconds,
  }
  const maxBytes = Math.round(config.layerMaxMb * 1024 * 1024)
  const receive = receiveFiles(config.layerMaxMb)

  router.get('/layers/:kind/versions', requireLogin, async (req, res) => {
    res.json({ versions: await listLayerVersions(db, kindOf(req.params.kind)) })
  })

  router.post(
    '/layers/:kind/versions',
    // Authorise before buffering anything: a layer file may be hundreds of megabytes.
    requireRole('admin'),
    (req, _res, next) => {
      kindOf(req.params.kind)
      next()
    },
    receive,
    async (req, res) => {
      const kind = kindOf(req.params.kind)
      const fields = parseInput(ImportFields, req.body ?? {})
      const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
        name: Buffer.from(f.originalname, 'latin1').toString('utf8'),
        bytes: new Uint8Array(f.buffer.buffer, f.buffer.byteOffset, f.buffer.byteLength),
      }))
      const total = files.reduce((n, f) => n + f.bytes.length, 0)
      if (total > maxBytes) throw new AppError('upload.too_large', 413, { limit: `${config.layerMaxMb} MB` })
      const crs = parseCrs(fields.crs)
      const result = await importLayerVersion(
        db,
        principalOf(req),
        {
          kind,
          label: fields.version,
          files,
          ...(fields.classField ? { classField: fields.classField } : {}),
          ...(crs ? { crs } : {}),
          ...(fields.encoding ? { encoding: fields.encoding.toLowerCase() } : {}),
          ...(fields.layer ? { layer: fields.layer } : {}),
          activate: !['false', '0', 'off'].includes(fields.activate ?? 'true'),
        },
        limits,
        req.ip ? { clientIp: req.ip } : {},
      )
      res.status(201).json({ version: result.version, findings: result.findings })
    },
  )

  router.post('/layers/:kind/versions/:versionId/activate', requireRole('admin'), async (req, res) => {
    const kind = kindOf(req.params.kind)
    const { versionId } = parseInput(VersionId, req.params)
    const { version } = await activateLayer(db, principalOf(req), kind, { id: versionId }, req.ip)
    res.json({ version })
  })

  return router
}
