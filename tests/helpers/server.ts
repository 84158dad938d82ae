import { loadConfig } from '../../server/config'
import { createLogger } from '../../server/logger'
import { serve, type RunningSystem } from '../../server/system'
import type { Database } from '../../server/db/database'

/**
 * The whole HTTP app on a free loopback port over a test database (sample data already loaded by the
 * template). Env overrides tune the config (e.g. LOGIN_MAX_ATTEMPTS).
 */
export async function startTestServer(
  db: Database,
  env: Record<string, string> = {},
  options: { now?: () => Date; background?: boolean } = {},
): Promise<RunningSystem> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    LANDUSE_SAMPLE_DATA: 'false',
    ...env,
  })
  const logger = createLogger(process.env.TEST_LOG ?? 'silent', 'json')
  return serve(config, db, logger, 'test-secret-test-secret-test-secret', {
    closeDatabase: false,
    ...options,
  })
}
