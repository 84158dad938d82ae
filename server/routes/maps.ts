import { Router } from 'express'
import { z } from 'zod'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { requireLogin } from '../http/guards'
import { parseBbox } from '../http/bbox'
import { parseInput } from '../http/validate'
import { jurisdictionsGeoJson } from '../repositories/jurisdictions'
import { isLayerKind, LAYER_KINDS, layerFeaturesGeoJson, listLayers } from '../repositories/layers'

const FeaturesQuery = z.object({
  bbox: z.string(),
  resolution: z.coerce.number().min(0).max(1).default(0),
  limit: z.coerce.number().int().min(1).max(20_000).default(5_000),
})

/** Jurisdiction boundaries (public) and reference layers (logged-in users). */
export function mapRoutes(db: Database): Router {
  const router = Router()

  router.get('/jurisdictions', async (req, res) => {
    const full = req.query.detail === 'full'
    res.type('application/geo+json').send(await jurisdictionsGeoJson(db, full ? 0 : 0.0005))
  })

  router.get('/layers', requireLogin, async (_req, res) => {
    res.json({ layers: await listLayers(db) })
  })

  router.get('/layers/:kind/features', requireLogin, async (req, res) => {
    const kind = String(req.params.kind)
    if (!isLayerKind(kind))
      throw new AppError('layer.unknown_kind', 404, { kind, kinds: LAYER_KINDS.join(', ') })
    const q = parseInput(FeaturesQuery, req.query)
    const bbox = parseBbox(q.bbox)
    res.type('application/geo+json').send(await layerFeaturesGeoJson(db, kind, bbox, q.resolution, q.limit))
  })

  return router
}
