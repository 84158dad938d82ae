import pg from 'pg'
import { redactUrl } from '../config'
import { databaseFromPool, PRIME_CONNECTION, type Database } from './database'
import { embeddedOwner, startEmbedded, type EmbeddedOptions } from './embedded'

export interface OpenOptions {
  /** A PostgreSQL server; without it the embedded database is used. */
  databaseUrl?: string | undefined
  poolSize?: number
  /** Connections of the server pool kept open while idle (at most poolSize; default 0). */
  poolMin?: number
  /** max_parallel_workers_per_gather on the server's connections (default 0; the URL's own options win). */
  parallelWorkers?: number
  /** jit on the server's connections (default off; the URL's own options win). */
  jit?: boolean
  /** Embedded database: data folder (omit for in-memory) and start options. */
  embedded?: Omit<EmbeddedOptions, 'progress'>
  progress?: (line: string) => void
}

/**
 * Opens the database: a pool on `databaseUrl`, or the embedded PGlite + PostGIS database (pool of one).
 * When another process already serves the embedded data folder, connects to it through its socket.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const max = options.poolSize ?? 10
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max,
      min: Math.min(options.poolMin ?? 0, max),
      ...(/[?&]options=/.test(options.databaseUrl)
        ? {}
        : {
            options: `-c max_parallel_workers_per_gather=${options.parallelWorkers ?? 0} -c jit=${options.jit ? 'on' : 'off'}`,
          }),
    })
    pool.on('error', () => {}) // an idle client's socket error: the pool replaces the client
    // queued before the query the connection was opened for; a failure only leaves it unprimed
    pool.on('connect', (client) => void client.query(PRIME_CONNECTION).catch(() => {}))
    return databaseFromPool(pool, {
      mode: 'server',
      url: options.databaseUrl,
      redactedUrl: redactUrl(options.databaseUrl),
    })
  }
  const dataDir = options.embedded?.dataDir
  const owner = dataDir ? embeddedOwner(dataDir) : null
  if (owner) {
    const pool = new pg.Pool({ connectionString: owner.url, max: 1 })
    pool.on('error', () => {})
    return databaseFromPool(pool, { mode: 'embedded', url: owner.url, redactedUrl: owner.url })
  }
  const server = await startEmbedded({
    ...options.embedded,
    ...(options.progress ? { progress: options.progress } : {}),
  })
  const pool = new pg.Pool({ connectionString: server.url, max: 1 })
  pool.on('error', () => {})
  const db = databaseFromPool(pool, { mode: 'embedded', url: server.url, redactedUrl: server.url }, () =>
    server.stop(),
  )
  return Object.assign(db, { pglite: server.pglite })
}
