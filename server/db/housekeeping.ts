/**
 * Vacuuming the embedded database. A PostgreSQL server's autovacuum removes the dead rows that updates and
 * deletes leave behind; the embedded PGlite has no autovacuum (one backend, no background workers) and no
 * usable table statistics to say when a table needs it. Every accepted upload replaces a filing's parcels
 * and its preview, and every check adds a run: without vacuuming, those tables only grow, and the check's
 * index probes walk over the dead rows.
 *
 * So the server vacuums the tables that such work rewrites, now and then, when anything was written since
 * the last pass (the WAL position moved). The embedded database has one connection: each table's VACUUM
 * holds it in turn, and requests run between them. A pass takes 60 ms on the sample province, 270 ms
 * with 172,000 findings stored (the first pass of a fresh database, which also analyses every table, 370
 * and 660 ms); a pass with nothing to do takes 1 ms.
 */
import type { Database } from './database'

/** The tables accepts, checks and sessions rewrite, and whether a pass also analyses them. */
export const CHURNED_TABLES: readonly { table: string; analyze: boolean }[] = [
  { table: 'parcel', analyze: true },
  { table: 'upload', analyze: true },
  { table: 'upload_parcel', analyze: true },
  { table: 'check_run', analyze: true },
  { table: 'check_rule_result', analyze: true },
  // read by run only, never planned on its contents; analysing a sample of its shapes took 0.3–0.5 s
  { table: 'check_finding', analyze: false },
  { table: 'user_session', analyze: true },
  { table: 'idempotency_key', analyze: true },
]

/** Vacuums the churned tables unless nothing was written since `since` (a WAL position); answers what it did. */
export async function vacuumChurned(
  db: Database,
  since: string | null,
): Promise<{ vacuumed: boolean; lsn: string; ms: number }> {
  const started = performance.now()
  const lsn = async () =>
    (await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn
  const before = await lsn()
  if (before === since) return { vacuumed: false, lsn: before, ms: performance.now() - started }
  // VACUUM runs outside a transaction, one table per statement; the names are this module's own
  for (const { table, analyze } of CHURNED_TABLES)
    await db.query(analyze ? `VACUUM (ANALYZE) ${table}` : `VACUUM ${table}`)
  // after the pass: vacuuming writes WAL itself
  return { vacuumed: true, lsn: await lsn(), ms: performance.now() - started }
}

/**
 * Runs vacuumChurned every `minutes` on the embedded database (nothing on a server, whose autovacuum does
 * it); answers a function that stops it.
 */
export function startEmbeddedVacuum(
  db: Database,
  minutes: number,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): () => void {
  if (db.mode !== 'embedded' || minutes <= 0) return () => {}
  let since: string | null = null
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    vacuumChurned(db, since)
      .then((r) => {
        since = r.lsn
        if (r.vacuumed) log.info({ ms: Math.round(r.ms) }, 'embedded database vacuumed')
      })
      .catch((err: unknown) => log.warn({ err }, 'embedded database vacuum failed'))
      .finally(() => (running = false))
  }, minutes * 60_000)
  timer.unref()
  return () => clearInterval(timer)
}
