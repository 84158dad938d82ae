import crypto from 'node:crypto'
import fs from 'node:fs'
import { inject } from 'vitest'
import { openDatabase } from '../../server/db/open'
import type { Database } from '../../server/db/database'
import { createServerDatabaseFrom, databaseUrl, dropServerDatabase } from '../setup/template'

export type Backend = 'embedded' | 'server'

/** The backend of the running vitest project (embedded unless the project says server). */
export function backend(): Backend {
  return process.env.TEST_DB_BACKEND === 'server' ? 'server' : 'embedded'
}

/**
 * A fresh database for one test file, copied from the run's template (migrated, sample province loaded).
 * Close it in afterAll.
 */
export async function testDatabase(): Promise<Database> {
  if (backend() === 'server') {
    const testUrl = process.env.TEST_DATABASE_URL!
    const name = `landuse_t_${crypto.randomBytes(5).toString('hex')}`
    await createServerDatabaseFrom(testUrl, inject('serverTemplate'), name)
    const db = await openDatabase({ databaseUrl: databaseUrl(testUrl, name), poolSize: 4 })
    const close = db.close.bind(db)
    return Object.assign(db, {
      close: async () => {
        await close()
        await dropServerDatabase(testUrl, name)
      },
    })
  }
  const tarball = fs.readFileSync(inject('embeddedTemplate'))
  return openDatabase({ embedded: { loadDataDir: new Blob([tarball]) } })
}
