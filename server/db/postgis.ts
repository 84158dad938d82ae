import type { Queryable } from './database'

export const MIN_POSTGIS = [3, 3] as const

/** The environment is not fit to run: one clear line for the operator. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartupError'
  }
}

/**
 * Makes sure PostGIS is installed and recent enough, creating the extension when the database allows it.
 * Returns the PostGIS library version (e.g. "3.6.2").
 */
export async function ensurePostgis(db: Queryable, where: string): Promise<string> {
  const available = await db.query<{ installed: string | null; available: boolean }>(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis') AS available`,
  )
  const row = available.rows[0]!
  if (!row.installed) {
    if (!row.available) {
      throw new StartupError(
        `PostGIS is not installed on the database server of ${where}: install PostGIS ${MIN_POSTGIS.join('.')} or newer (Debian: apt-get install postgresql-15-postgis-3), then start again`,
      )
    }
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS postgis')
    } catch (error) {
      throw new StartupError(
        `PostGIS is available but not enabled in ${where}, and enabling it failed (${(error as Error).message}): run "CREATE EXTENSION postgis;" in that database as a superuser`,
      )
    }
  }
  const { rows } = await db.query<{ version: string }>('SELECT postgis_lib_version() AS version')
  const version = rows[0]!.version
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (major < MIN_POSTGIS[0] || (major === MIN_POSTGIS[0] && minor < MIN_POSTGIS[1])) {
    throw new StartupError(
      `PostGIS ${version} in ${where} is too old: ${MIN_POSTGIS.join('.')} or newer is needed (ALTER EXTENSION postgis UPDATE after upgrading the package)`,
    )
  }
  return version
}
