/**
 * Idempotency keys: a state-changing request that carries `Idempotency-Key` is applied once. The key is
 * claimed (per user, or per session before login) before the handler runs; a repeat gets the first
 * answer back (with `Idempotent-Replay: true`) and changes nothing; a repeat while the first is still
 * running gets 409; the same key on another route is a 422. Answers of 5xx free the key for a retry.
 */
import type { RequestHandler } from 'express'
import type { Database } from '../db/database'
import { AppError } from '../errors'

const KEY = /^[A-Za-z0-9._:-]{8,200}$/
const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function idempotency(db: Database): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key')
    if (!METHODS.has(req.method) || key === undefined) return next()
    if (!KEY.test(key)) throw new AppError('idempotency.bad_key', 400)
    const userKey = req.principal ? `u:${req.principal.id}` : `s:${req.sessionID}`
    const path = req.baseUrl + req.path
    const { rows } = await db.query(
      `INSERT INTO idempotency_key (user_key, key, method, path) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [userKey, key, req.method, path],
    )
    if (rows.length === 0) {
      const { rows: seen } = await db.query<{
        method: string
        path: string
        state: string
        status: number
        body: unknown
      }>('SELECT method, path, state, status, body FROM idempotency_key WHERE user_key = $1 AND key = $2', [
        userKey,
        key,
      ])
      const first = seen[0]
      if (!first || first.method !== req.method || first.path !== path)
        throw new AppError('idempotency.key_reused', 422)
      if (first.state !== 'done') throw new AppError('idempotency.in_progress', 409)
      res.set('Idempotent-Replay', 'true').status(first.status).json(first.body)
      return
    }
    // The answer is stored before it is sent, so a repeat that follows it always finds it.
    let stored = false
    const json = res.json.bind(res)
    res.json = (value: unknown) => {
      stored = true
      const save =
        res.statusCode < 500
          ? db.query(
              `UPDATE idempotency_key SET state = 'done', status = $3, body = $4 WHERE user_key = $1 AND key = $2`,
              [userKey, key, res.statusCode, JSON.stringify(value ?? null)],
            )
          : db.query('DELETE FROM idempotency_key WHERE user_key = $1 AND key = $2', [userKey, key])
      save.then(
        () => json(value),
        (err: unknown) => {
          req.log.warn({ err }, 'idempotency key not stored')
          json(value)
        },
      )
      return res
    }
    res.on('finish', () => {
      // an answer that was not JSON (a file, a redirect) is not replayed: free the key
      if (!stored)
        db.query('DELETE FROM idempotency_key WHERE user_key = $1 AND key = $2', [userKey, key]).catch(
          (err: unknown) => req.log.warn({ err }, 'idempotency key not freed'),
        )
    })
    next()
  }
}
