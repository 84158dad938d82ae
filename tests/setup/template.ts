/**
 * Test databases are copies of one template built per run (and cached between runs while its inputs
 * are unchanged): PostGIS initialised, migrations applied, sample province loaded. Initialising PostGIS
 * in PGlite takes tens of seconds; copying the template takes a few.
 *
 * - embedded: the template is a PGlite data-folder tarball; each test file starts an in-memory PGlite
 *   from it.
 * - server (TEST_DATABASE_URL): the template is a database on that server; each test file gets
 *   `CREATE DATABASE … TEMPLATE …`.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { openDatabase } from '../../server/db/open'
import { ensurePostgis } from '../../server/db/postgis'
import { migrate, MIGRATIONS_DIR } from '../../server/db/migrate'
import { loadSampleIfEmpty, SAMPLE_DIR } from '../../server/sample/load'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const ARTIFACTS = path.join(ROOT, 'tests/.artifacts')

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/** A hash of everything the template is built from. */
export function templateInputsHash(): string {
  const h = crypto.createHash('sha256')
  const inputs = [
    ...filesUnder(MIGRATIONS_DIR),
    ...filesUnder(SAMPLE_DIR),
    ...filesUnder(path.join(ROOT, 'server/sample')),
    ...filesUnder(path.join(ROOT, 'server/repositories')),
    path.join(ROOT, 'package-lock.json'),
  ]
  for (const file of inputs) {
    h.update(path.relative(ROOT, file))
    h.update(fs.readFileSync(file))
  }
  return h.digest('hex').slice(0, 16)
}

/** Builds (or reuses) the embedded template tarball; returns its path. */
export async function embeddedTemplate(): Promise<string> {
  const file = path.join(ARTIFACTS, `embedded-template-${templateInputsHash()}.tar.gz`)
  if (fs.existsSync(file)) return file
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  for (const old of fs.readdirSync(ARTIFACTS)) {
    if (old.startsWith('embedded-template-')) fs.rmSync(path.join(ARTIFACTS, old))
  }
  const started = Date.now()
  const db = await openDatabase({})
  try {
    await ensurePostgis(db, 'the embedded test template')
    await migrate(db)
    await loadSampleIfEmpty(db)
    const pglite = (db as unknown as { pglite: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).pglite
    const blob = await pglite.dumpDataDir('gzip')
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()))
    fs.renameSync(tmp, file)
  } finally {
    await db.close()
  }
  console.log(`[tests] embedded template database built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return file
}

/** The maintenance URL (database `postgres`) of the server that holds TEST_DATABASE_URL. */
export function serverAdminUrl(testUrl: string): string {
  const u = new URL(testUrl)
  u.pathname = '/postgres'
  return u.toString()
}

export function databaseUrl(testUrl: string, name: string): string {
  const u = new URL(testUrl)
  u.pathname = `/${name}`
  return u.toString()
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Builds the template database on the test server; returns its name. */
export async function serverTemplate(testUrl: string): Promise<string> {
  const name = `landuse_tmpl_${templateInputsHash()}`
  const admin = new pg.Client({ connectionString: serverAdminUrl(testUrl) })
  await admin.connect()
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rows.length) return name
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'landuse\\_tmpl\\_%' OR datname LIKE 'landuse\\_t\\_%'`,
    )
    for (const r of stale.rows)
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(r.datname)} WITH (FORCE)`)
    const building = `${name}_building`
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${quoteIdent(building)}`)
    const db = await openDatabase({ databaseUrl: databaseUrl(testUrl, building), poolSize: 2 })
    try {
      await ensurePostgis(db, building)
      await migrate(db)
      await loadSampleIfEmpty(db)
    } finally {
      await db.close()
    }
    await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`)
    return name
  } finally {
    await admin.end()
  }
}

export async function dropServerDatabase(testUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverAdminUrl(testUrl) })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

export async function createServerDatabaseFrom(
  testUrl: string,
  template: string,
  name: string,
): Promise<void> {
  const admin = new pg.Client({ connectionString: serverAdminUrl(testUrl) })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`)
  } finally {
    await admin.end()
  }
}
