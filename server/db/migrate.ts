/**
 * Schema migrations with node-pg-migrate: numbered, forward-only SQL files in `server/db/migrations/`
 * (`0001_foundation.sql`, …), applied in order at start-up and recorded in the `pgmigrations` table.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runner } from 'node-pg-migrate'
import type { Database } from './database'

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Applies every pending migration; returns the names of those applied now. */
export async function migrate(db: Database, log: (line: string) => void = () => {}): Promise<string[]> {
  return db.withClient(async (client) => {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: 'pgmigrations',
      direction: 'up',
      count: Infinity,
      checkOrder: true,
      // The embedded database has one connection; a server needs the advisory lock when several
      // instances start at once.
      noLock: db.mode === 'embedded',
      log: () => {},
      logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
    })
    return applied.map((m) => m.name)
  })
}

/** The newest applied migration, or null on an empty database. */
export async function migrationLevel(db: Database): Promise<string | null> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('public.pgmigrations')::text AS t`)
  if (!exists.rows[0]?.t) return null
  const { rows } = await db.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id DESC LIMIT 1')
  return rows[0]?.name ?? null
}
