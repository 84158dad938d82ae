import { Router } from 'express'
import type { Database } from '../db/database'
import type { Config } from '../config'
import { migrationLevel } from '../db/migrate'

export const VERSION = '0.1.0'

export function healthRoutes(db: Database, config: Config): Router {
  const router = Router()
  router.get('/health', async (_req, res) => {
    const { rows } = await db.query<{ postgis: string }>('SELECT postgis_lib_version() AS postgis')
    res.json({
      status: 'ok',
      version: VERSION,
      database: {
        mode: db.mode,
        postgis: rows[0]!.postgis,
        migration: await migrationLevel(db),
        url: db.redactedUrl,
      },
    })
  })
  router.get('/config', (_req, res) => {
    res.json({
      defaultLocale: 'zh-CN',
      basemap: config.tiandituKey
        ? { type: 'tianditu', key: config.tiandituKey }
        : config.basemapUrl
          ? { type: 'xyz', url: config.basemapUrl, attribution: '' }
          : null,
    })
  })
  return router
}
