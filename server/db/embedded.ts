/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) with the PostGIS extension, served
 * on a loopback socket by pglite-socket so that the server talks to it through `pg` exactly as it talks
 * to a real PostgreSQL server.
 *
 * PGlite runs in this process and is single-connection: the pool has one client. The socket server
 * accepts a few connections (a reconnect after a dropped connection, the CLI while the server runs)
 * and runs their messages one after another.
 *
 * Only one process may open a data folder. The owner writes `landuse.lock` with its pid and socket
 * URL; another process (the CLI) finding a live owner connects through that socket instead of opening
 * the files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export interface EmbeddedOptions {
  /** Folder holding the database files; omit for an in-memory database. */
  dataDir?: string
  /** A data-folder tarball (from `dumpTemplate`) to start from, for an in-memory database. */
  loadDataDir?: Blob
  /** Loopback port of the socket (0: any free port). */
  port?: number
  /** Progress lines for people watching the start. */
  progress?: (line: string) => void
}

export interface EmbeddedServer {
  url: string
  pglite: PGlite
  stop(): Promise<void>
}

const LOCK_FILE = 'landuse.lock'

interface LockInfo {
  pid: number
  url: string
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The running owner of an embedded data folder, if a live process holds it. */
export function embeddedOwner(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockInfo
    return info.pid !== process.pid && isAlive(info.pid) ? info : null
  } catch {
    return null
  }
}

/** Starts PGlite with PostGIS and its socket server. */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const progress = options.progress ?? (() => {})
  const pgDir = options.dataDir ? path.join(options.dataDir, 'pglite') : undefined
  if (options.dataDir) {
    const owner = embeddedOwner(options.dataDir)
    if (owner) {
      throw new Error(
        `the embedded database in ${options.dataDir} is in use by process ${owner.pid}; stop it first or connect to ${owner.url}`,
      )
    }
    fs.mkdirSync(options.dataDir, { recursive: true })
  }
  const fresh = !pgDir || !fs.existsSync(path.join(pgDir, 'PG_VERSION'))
  const started = Date.now()
  progress(
    fresh && !options.loadDataDir
      ? 'initialising embedded PostGIS… (first start: PostgreSQL and PostGIS unpack, about half a minute)'
      : 'opening embedded PostGIS…',
  )
  const pglite = await PGlite.create({
    ...(pgDir ? { dataDir: pgDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { postgis },
  })
  await pglite.exec('CREATE EXTENSION IF NOT EXISTS postgis')
  progress(`embedded PostGIS ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  const socket = new PGLiteSocketServer({
    db: pglite,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 8,
  })
  await socket.start()
  const address = socket.getServerConn()
  const url = `postgres://postgres@${address}/postgres`
  const lockPath = options.dataDir ? path.join(options.dataDir, LOCK_FILE) : null
  if (lockPath) fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, url } satisfies LockInfo))

  let stopped = false
  return {
    url,
    pglite,
    async stop() {
      if (stopped) return
      stopped = true
      // Let the socket handlers see their clients' close before the database goes away.
      await new Promise((resolve) => setTimeout(resolve, 50))
      await socket.stop()
      await pglite.close()
      if (lockPath) fs.rmSync(lockPath, { force: true })
    },
  }
}
