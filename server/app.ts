/**
 * The Express application: security headers, sessions, CSRF and locale middleware, the API routes, the
 * built web client, and the one place where errors become responses.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express'
import session from 'express-session'
import connectPgSimple from 'connect-pg-simple'
import helmet from 'helmet'
import { pinoHttp } from 'pino-http'
import './http/context'
import type { Config } from './config'
import type { Database } from './db/database'
import type { Logger } from './logger'
import { AppError } from './errors'
import { pickLocale } from './messages'
import { csrfGuard } from './http/csrf'
import { findSessionWithUser, findUserById, type UserRecord } from './repositories/users'
import { authRoutes } from './routes/auth'
import { healthRoutes } from './routes/health'
import { mapRoutes } from './routes/maps'
import { filingRoutes, publicRoutes } from './routes/filings'
import { uploadRoutes } from './routes/uploads'
import { checkRoutes } from './routes/checks'
import { layerAdminRoutes } from './routes/layersAdmin'
import { publicProgressRoutes, workflowRoutes, type WorkflowService } from './routes/workflow'
import { idempotency } from './http/idempotency'

export interface AppContext {
  config: Config
  db: Database
  logger: Logger
  sessionSecret: string
  workflow: WorkflowService
}

export interface App {
  express: Express
  /** Stops background work (session pruning). */
  close(): Promise<void>
}

export function createApp({ config, db, logger, sessionSecret, workflow }: AppContext): App {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.set('query parser', 'simple')

  const basemapOrigins = [
    ...(config.tiandituKey ? ['https://*.tianditu.gov.cn'] : []),
    ...(config.basemapUrl ? [new URL(config.basemapUrl.replace(/[{}]/g, '')).origin] : []),
  ]
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:', ...basemapOrigins],
          'connect-src': ["'self'", ...basemapOrigins],
          'worker-src': ["'self'", 'blob:'],
          'font-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': config.cookieSecure ? [] : null,
        },
      },
      strictTransportSecurity: config.cookieSecure,
    }),
  )
  app.use(
    pinoHttp({
      logger,
      genReqId: () => crypto.randomUUID(),
      autoLogging: { ignore: (req) => !req.url?.startsWith('/api/') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  )

  const PgStore = connectPgSimple(session)
  const store = new PgStore({
    pool: db.pool,
    tableName: 'user_session',
    createTableIfMissing: false,
    // pruned by the timer below: the store arms its own in `get`, which is replaced below
    pruneSessionInterval: false,
    errorLog: (...args: unknown[]) => logger.warn({ args }, 'session store'),
  })

  // `rolling` sessions are touched on every request (an UPDATE each); once a minute per session is enough
  // to keep one alive for SESSION_HOURS, and saves a round trip on every API call
  const touch = store.touch.bind(store)
  const touchedAt = new Map<string, number>()
  store.touch = (sid, sess, callback) => {
    const now = Date.now()
    if (now - (touchedAt.get(sid) ?? 0) < 60_000) {
      callback?.()
      return
    }
    if (touchedAt.size > 10_000) touchedAt.clear()
    touchedAt.set(sid, now)
    touch(sid, sess, callback)
  }

  // A request's session and its user in one query instead of two (the store's, then findUserById):
  // the user read with the session waits here for loadUser, which takes it in the same request.
  const userOfSession = new Map<string, UserRecord | null>()
  store.get = (sid, callback) => {
    findSessionWithUser(db, sid, Date.now() / 1000).then((found) => {
      if (!found) return callback(null, null)
      if (userOfSession.size > 10_000) userOfSession.clear() // requests refused before loadUser
      userOfSession.set(sid, found.user)
      callback(null, found.sess as unknown as session.SessionData)
    }, callback)
  }

  // expired sessions deleted every 15 minutes
  const pruning = setInterval(() => store.pruneSessions(), 15 * 60_000)
  pruning.unref()

  const api = express.Router()
  api.use((req, _res, next) => {
    req.locale = pickLocale(req.get('accept-language'))
    next()
  })
  api.use(express.json({ limit: '1mb' }))
  api.use(
    session({
      name: 'landuse.sid',
      secret: sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.cookieSecure,
        maxAge: config.sessionHours * 3600_000,
      },
    }),
  )
  api.use(csrfGuard(config.publicOrigin))
  const loadUser: RequestHandler = async (req, _res, next) => {
    const userId = req.session.userId
    const read = userOfSession.get(req.sessionID)
    userOfSession.delete(req.sessionID)
    if (userId !== undefined) {
      const user = read?.principal.id === userId ? read : await findUserById(db, userId)
      if (user && !user.disabled) {
        req.principal = user.principal
        req.user = user.dto
      } else {
        delete req.session.userId
      }
    }
    next()
  }
  api.use(loadUser)
  api.use(idempotency(db))

  api.use(healthRoutes(db, config))
  api.use('/auth', authRoutes(db, config))
  api.use(mapRoutes(db))
  api.use(filingRoutes(db))
  api.use(uploadRoutes(db, config))
  api.use(checkRoutes(db))
  api.use(layerAdminRoutes(db, config))
  api.use(workflowRoutes(db, workflow))
  api.use(publicRoutes(db))
  api.use(publicProgressRoutes(db))
  api.use((req) => {
    throw new AppError('request.not_found', 404, { path: req.path })
  })
  app.use('/api', api)

  serveClient(app, config.clientDir, logger)

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const locale = req.locale ?? pickLocale(req.get('accept-language'))
    const appError = toAppError(err)
    if (appError) {
      if (appError.cause) req.log.warn({ err: appError.cause, code: appError.code }, 'request failed')
      res.status(appError.status).json(appError.toBody(locale))
      return
    }
    const ref = crypto.randomUUID().slice(0, 8)
    req.log.error({ err, ref }, 'unexpected error')
    res.status(500).json(new AppError('server.internal', 500, { ref }).toBody(locale))
  }
  app.use(onError)

  return {
    express: app,
    async close() {
      clearInterval(pruning)
      store.close()
    },
  }
}

/** Errors raised by Express's own body parsing, mapped to what the user did wrong. */
function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err
  const e = err as { type?: string; status?: number; limit?: number }
  if (e?.type === 'entity.too.large') return new AppError('request.too_large', 413, { limit: `${e.limit} B` })
  if (
    e?.type === 'entity.parse.failed' ||
    e?.type === 'encoding.unsupported' ||
    e?.type === 'charset.unsupported'
  ) {
    return new AppError('request.invalid', 400, { problems: 'the body is not valid JSON' }, [], {
      cause: err,
    })
  }
  return null
}

/** Serves the built client and answers its routes with index.html (history-mode routing). */
function serveClient(app: Express, clientDir: string, logger: Logger): void {
  const index = path.join(clientDir, 'index.html')
  if (!fs.existsSync(index)) {
    logger.warn(`no built client in ${clientDir}: run "npm run build:client" (npm start does it)`)
  }
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }))
  app.get(/^(?!\/api\/).*/, (req, res, next) => {
    if (!req.accepts('html')) return next()
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The web client is not built: run "npm run build:client".')
      return
    }
    res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: clientDir })
  })
}
