/** The server's public configuration (GET /api/config), fetched once per page. */
import { getConfig } from './api'
import type { AppConfig } from './types'

let pending: Promise<AppConfig | null> | null = null

/** The configuration, or null when the server could not tell (the app then runs with defaults). */
export function loadConfig(): Promise<AppConfig | null> {
  pending ??= getConfig().catch(() => null)
  return pending
}
