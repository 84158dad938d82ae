import { Router } from 'express'
import { z } from 'zod'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { principalOf, requireLogin } from '../http/guards'
import { parseInput } from '../http/validate'
import { assertFilingVisible } from '../usecases/filingAccess'
import { runCheck } from '../check/run'
import { checkReport, listRuns, runOverlapsGeoJson } from '../check/report'
import { diffRuns } from '../check/diff'
import { loadRules } from '../check/rules'
import { recordAudit } from '../repositories/audit'

const Id = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
})
const RunQuery = z.object({
  run: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53)
    .optional(),
})
const DiffQuery = z.object({
  from: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
  to: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53),
})

export function checkRoutes(db: Database): Router {
  const router = Router()

  router.post('/filings/:id/check', requireLogin, async (req, res) => {
    const { id } = parseInput(Id, req.params)
    const p = principalOf(req)
    await assertFilingVisible(db, p, id)
    const runId = await db.transaction(async (tx) => {
      const run = await runCheck(tx, id, 'on_demand', p.id)
      await recordAudit(tx, {
        actorId: p.id,
        actorRole: p.role,
        action: 'check.run',
        subjectType: 'filing',
        subjectId: id,
        after: { runId: run },
        clientIp: req.ip,
      })
      return run
    })
    // the run's summary; the report is GET /api/filings/:id/check?run= (building it for a big filing takes
    // as long as the check itself, and a client that only wants the outcome need not wait for it)
    const [run] = await listRuns(db, id, runId)
    res.status(201).location(`/api/filings/${id}/check?run=${runId}`).json({ run })
  })

  router.get('/filings/:id/check', requireLogin, async (req, res) => {
    const { id } = parseInput(Id, req.params)
    const { run } = parseInput(RunQuery, req.query)
    await assertFilingVisible(db, principalOf(req), id)
    const report = await checkReport(db, id, run)
    if (run && !report) throw new AppError('check.run_not_found', 404, { id, run })
    res.json({ report })
  })

  router.get('/filings/:id/check/runs', requireLogin, async (req, res) => {
    const { id } = parseInput(Id, req.params)
    await assertFilingVisible(db, principalOf(req), id)
    res.json({ runs: await listRuns(db, id) })
  })

  router.get('/filings/:id/check/overlaps', requireLogin, async (req, res) => {
    const { id } = parseInput(Id, req.params)
    const { run } = parseInput(RunQuery, req.query)
    await assertFilingVisible(db, principalOf(req), id)
    const runId = run ?? (await listRuns(db, id))[0]?.id
    if (runId === undefined) {
      res.type('application/geo+json').send('{"type":"FeatureCollection","features":[]}')
      return
    }
    if (!(await listRuns(db, id, runId)).length)
      throw new AppError('check.run_not_found', 404, { id, run: runId })
    res.type('application/geo+json').send(await runOverlapsGeoJson(db, runId))
  })

  router.get('/filings/:id/check/diff', requireLogin, async (req, res) => {
    const { id } = parseInput(Id, req.params)
    const q = parseInput(DiffQuery, req.query)
    await assertFilingVisible(db, principalOf(req), id)
    const diff = await diffRuns(db, id, q.from, q.to)
    if (!diff) throw new AppError('check.run_not_found', 404, { id, run: `${q.from}/${q.to}` })
    res.json(diff)
  })

  router.get('/check/rules', requireLogin, async (_req, res) => {
    res.json({ rules: await loadRules(db) })
  })

  return router
}
