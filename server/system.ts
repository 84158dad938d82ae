/**
 * Start-up as a story: check the configuration → open the database → check PostGIS → migrate →
 * load the sample province into an empty database → serve HTTP. Used by `npm start`, the CLI and tests.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import http from 'node:http'
import type { Config } from './config'
import type { Database } from './db/database'
import type { Logger } from './logger'
import { openDatabase } from './db/open'
import { ensurePostgis } from './db/postgis'
import { migrate } from './db/migrate'
import { loadSampleIfEmpty } from './sample/load'
import { createApp } from './app'
import { registerDefinitions } from './workflow/definition'
import { dispatchOutbox, type Channels } from './workflow/outbox'
import { scanClocks } from './workflow/scheduler'
import { startEmbeddedVacuum } from './db/housekeeping'
import type { WorkflowEnv } from './workflow/engine'

/** Opens, checks and migrates the configured database. */
export async function prepareDatabase(
  config: Config,
  log: (line: string) => void,
  options: { quiet?: boolean } = {},
): Promise<Database> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.dbPoolSize,
    poolMin: config.dbPoolMin,
    parallelWorkers: config.dbParallelWorkers,
    jit: config.dbJit,
    embedded: { dataDir: config.dataDir },
    progress: log,
  })
  const info = options.quiet ? () => {} : log
  try {
    info(`database: ${db.mode === 'embedded' ? `embedded (${config.dataDir})` : db.redactedUrl}`)
    const postgis = await ensurePostgis(db, db.mode === 'embedded' ? 'the embedded database' : db.redactedUrl)
    info(`PostGIS ${postgis}`)
    const applied = await migrate(db, log)
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`)
    return db
  } catch (error) {
    await db.close()
    throw error
  }
}

/** The session-signing secret: configured, or generated once and kept in the data folder. */
export function sessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret
  const file = path.join(config.dataDir, 'session-secret')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  fs.mkdirSync(config.dataDir, { recursive: true })
  const secret = crypto.randomBytes(32).toString('base64url')
  fs.writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

export interface RunningSystem {
  url: string
  db: Database
  close(): Promise<void>
}

/** Serves the app on an already prepared database (loading the sample province when configured). */
export async function serve(
  config: Config,
  db: Database,
  logger: Logger,
  secret: string,
  options: {
    closeDatabase?: boolean
    /** The workflow's clock (tests move it). */
    now?: () => Date
    /** Run the clock scheduler and outbox timers (tests drive them by hand). */
    background?: boolean
  } = {},
): Promise<RunningSystem> {
  if (config.sampleData) {
    const started = Date.now()
    const loaded = await loadSampleIfEmpty(db)
    if (loaded) {
      logger.info(
        `sample province loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${loaded.jurisdictions} jurisdictions, ${loaded.users} demo accounts, ${loaded.layerFeatures} reference features, ${loaded.filings} filings with ${loaded.parcels} parcels`,
      )
    }
  }
  // the connections kept open, primed before the first request needs one (docs/checks.md "Speed")
  await db.prime(db.mode === 'server' ? config.dbPoolMin : 1)
  const registry = await registerDefinitions(db)
  const env: WorkflowEnv = { registry, now: options.now ?? (() => new Date()) }
  const channels: Channels = {
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    webhookUrl: config.webhookUrl,
    logger,
  }
  const deliver = async () => {
    try {
      while ((await dispatchOutbox(db, channels)) > 0);
    } catch (err) {
      logger.warn({ err }, 'outbox dispatch failed')
    }
  }
  const scan = async () => {
    try {
      const r = await scanClocks(db, registry, env.now())
      if (r.dueSoon || r.overdue || r.filingsOverdue) logger.info(r, 'clock scan: notices sent')
      await deliver()
    } catch (err) {
      logger.warn({ err }, 'clock scan failed')
    }
  }
  const timers: NodeJS.Timeout[] = []
  if (options.background !== false) {
    void scan()
    if (config.clockScanSeconds > 0)
      timers.push(setInterval(() => void scan(), config.clockScanSeconds * 1000))
    timers.push(setInterval(() => void deliver(), 5000))
  }
  const stopVacuum =
    options.background !== false ? startEmbeddedVacuum(db, config.embeddedVacuumMinutes, logger) : () => {}
  const app = createApp({
    config,
    db,
    logger,
    sessionSecret: secret,
    workflow: { env, afterCommit: deliver },
  })
  const server = http.createServer(app.express)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host
  const url = `http://${host}:${port}`
  return {
    url,
    db,
    async close() {
      for (const t of timers) clearInterval(t)
      stopVacuum()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await app.close()
      if (options.closeDatabase !== false) await db.close()
    },
  }
}
