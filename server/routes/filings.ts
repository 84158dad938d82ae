import { Router } from 'express'
import { z } from 'zod'
import type { Database } from '../db/database'
import { notFound } from '../errors'
import { principalOf, requireLogin } from '../http/guards'
import { parseInput } from '../http/validate'
import { parseBbox } from '../http/bbox'
import {
  approvedParcelsGeoJson,
  FILING_STATUSES,
  filingParcelsGeoJson,
  findVisibleFiling,
  listVisibleFilings,
} from '../repositories/filings'

const ListQuery = z.object({ status: z.enum(FILING_STATUSES).optional() })
const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
})

export function filingRoutes(db: Database): Router {
  const router = Router()

  router.get('/filings', requireLogin, async (req, res) => {
    const q = parseInput(ListQuery, req.query)
    res.json({
      filings: await listVisibleFilings(db, principalOf(req), q.status ? { status: q.status } : {}),
    })
  })

  router.get('/filings/:id', requireLogin, async (req, res) => {
    const idText = String(req.params.id)
    const { id } = parseInput(IdParam, { id: idText })
    const filing = await findVisibleFiling(db, principalOf(req), id)
    if (!filing) throw notFound('filing.not_found', { id: idText })
    const parcels = await filingParcelsGeoJson(db, id)
    res.type('application/json').send(`{"filing":${JSON.stringify(filing)},"parcels":${parcels}}`)
  })

  return router
}

/** What anyone may see without logging in: approved parcels. */
export function publicRoutes(db: Database): Router {
  const router = Router()
  router.get('/public/parcels', async (req, res) => {
    const bbox = req.query.bbox === undefined ? null : parseBbox(req.query.bbox)
    res.type('application/geo+json').send(await approvedParcelsGeoJson(db, bbox))
  })
  return router
}
