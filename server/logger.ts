import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

/**
 * The server's logger. `pretty` prints one readable line per event (the default, for people starting
 * the system by hand); `json` prints JSON lines for log collectors.
 */
export function createLogger(level: string, format: 'pretty' | 'json' = 'pretty'): Logger {
  const options = {
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'password', '*.password'],
      remove: true,
    },
  }
  if (format === 'json') return pino(options)
  return pino(
    options,
    pretty({
      colorize: process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      singleLine: true,
    }),
  )
}
