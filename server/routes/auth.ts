import { Router } from 'express'
import { rateLimit, ipKeyGenerator } from 'express-rate-limit'
import { z } from 'zod'
import type { Database } from '../db/database'
import type { Config } from '../config'
import { AppError } from '../errors'
import { login } from '../auth/login'
import { recordAudit } from '../repositories/audit'
import { parseInput } from '../http/validate'

const LoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
})

export function authRoutes(db: Database, config: Config): Router {
  const router = Router()

  const loginLimiter = rateLimit({
    windowMs: config.loginWindowMinutes * 60_000,
    limit: config.loginAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) =>
      `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown })?.username ?? '').toLowerCase()}`,
    handler: (_req, _res, next) =>
      next(new AppError('auth.rate_limited', 429, { minutes: config.loginWindowMinutes })),
  })

  router.post('/login', loginLimiter, async (req, res) => {
    const body = parseInput(LoginBody, req.body)
    const user = await login(db, { ...body, clientIp: req.ip })
    // A new session id at login: a session fixed before login is worthless after it.
    await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
    req.session.userId = user.principal.id
    res.json({ user: user.dto })
  })

  router.post('/logout', async (req, res) => {
    const principal = req.principal
    await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())))
    if (principal) {
      await recordAudit(db, {
        actorId: principal.id,
        actorRole: principal.role,
        action: 'auth.logout',
        subjectType: 'user',
        subjectId: principal.id,
        clientIp: req.ip,
      })
    }
    res.clearCookie('landuse.sid').status(204).end()
  })

  router.get('/me', (req, res) => {
    res.json({ user: req.user ?? null })
  })

  return router
}
