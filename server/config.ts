/**
 * The one typed configuration of the server and the CLI, read from the environment and validated at
 * start-up. Every key has a default, an environment name and a line of documentation; `.env.example`
 * lists them all (a test keeps the two in step).
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v))

interface KeySpec {
  env: string
  doc: string
  schema: z.ZodType
  default?: string
}

/** The configuration keys, in the order `.env.example` documents them. */
export const CONFIG_KEYS = {
  host: {
    env: 'HOST',
    doc: 'Address the HTTP server listens on (0.0.0.0 to accept connections from other machines).',
    schema: z.string().min(1),
    default: '127.0.0.1',
  },
  port: {
    env: 'PORT',
    doc: 'HTTP port (0 picks a free port).',
    schema: z.coerce.number().int().min(0).max(65535),
    default: '3000',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    doc: 'postgres://user:pass@host:5432/db of a PostgreSQL >= 14 with PostGIS >= 3.3. Empty: the embedded PGlite + PostGIS database under LANDUSE_DATA_DIR.',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  },
  dbPoolSize: {
    env: 'DB_POOL_SIZE',
    doc: 'Connections in the pool for a PostgreSQL server (the embedded database always uses 1).',
    schema: z.coerce.number().int().min(1).max(200),
    default: '10',
  },
  dbPoolMin: {
    env: 'DB_POOL_MIN',
    doc: "Connections to a PostgreSQL server opened at start-up and kept while idle (the others close after 10 s idle). A connection's first coordinate transformation loads PROJ (40-110 ms measured), so each connection is primed when it opens (npm run bench:check).",
    schema: z.coerce.number().int().min(0).max(200),
    default: '2',
  },
  dbParallelWorkers: {
    env: 'DB_PARALLEL_WORKERS',
    doc: "max_parallel_workers_per_gather of the server pool's connections. The app's queries are small and indexed; starting workers costs them more (about 40 ms) than it saves, so the default is 0 (npm run bench:check).",
    schema: z.coerce.number().int().min(0).max(64),
    default: '0',
  },
  dbJit: {
    env: 'DB_JIT',
    doc: "jit of the server pool's connections. Compiling a check run's statement took 110 ms of a 330 ms run, so it is off by default (npm run bench:check).",
    schema: bool,
    default: 'false',
  },
  dataDir: {
    env: 'LANDUSE_DATA_DIR',
    doc: 'Folder of the embedded database and other server state.',
    schema: z.string().min(1),
    default: './data',
  },
  sampleData: {
    env: 'LANDUSE_SAMPLE_DATA',
    doc: 'Load the sample province (with its demo accounts) into an empty database at start-up. Set to false in production.',
    schema: bool,
    default: 'true',
  },
  sessionSecret: {
    env: 'SESSION_SECRET',
    doc: 'Secret that signs session cookies (at least 32 characters). Empty: a random secret kept in LANDUSE_DATA_DIR/session-secret.',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
  },
  sessionHours: {
    env: 'SESSION_HOURS',
    doc: 'How long a session lasts without activity, in hours.',
    schema: z.coerce
      .number()
      .positive()
      .max(24 * 30),
    default: '8',
  },
  cookieSecure: {
    env: 'COOKIE_SECURE',
    doc: 'Mark the session cookie Secure (true when the system is served over HTTPS).',
    schema: bool,
    default: 'false',
  },
  publicOrigin: {
    env: 'PUBLIC_ORIGIN',
    doc: 'The origin users reach the system at (https://landuse.example.gov.cn), for the CSRF origin check behind a proxy. Empty: the Host header of each request.',
    schema: z.string().url().optional(),
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    doc: 'Number of reverse proxies in front of the server (for client addresses in rate limits and the audit trail).',
    schema: z.coerce.number().int().min(0).max(10),
    default: '0',
  },
  loginAttempts: {
    env: 'LOGIN_MAX_ATTEMPTS',
    doc: 'Failed-or-not login attempts allowed per client address and user name in LOGIN_WINDOW_MINUTES.',
    schema: z.coerce.number().int().min(1).max(1000),
    default: '10',
  },
  loginWindowMinutes: {
    env: 'LOGIN_WINDOW_MINUTES',
    doc: 'Window of the login rate limit, in minutes.',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: '15',
  },
  uploadMaxMb: {
    env: 'UPLOAD_MAX_MB',
    doc: 'Largest parcel upload accepted, in megabytes (all files of one upload together).',
    schema: z.coerce.number().positive().max(2048),
    default: '100',
  },
  uploadMaxFeatures: {
    env: 'UPLOAD_MAX_FEATURES',
    doc: 'Most parcels (features) one upload may hold.',
    schema: z.coerce.number().int().positive(),
    default: '200000',
  },
  uploadMaxVertices: {
    env: 'UPLOAD_MAX_VERTICES',
    doc: 'Most vertices one upload may hold, over all its parcels.',
    schema: z.coerce.number().int().positive(),
    default: '5000000',
  },
  uploadMaxUncompressedMb: {
    env: 'UPLOAD_MAX_UNCOMPRESSED_MB',
    doc: 'Most bytes the files in an uploaded zip may unpack to, in megabytes (zip-bomb protection).',
    schema: z.coerce.number().positive(),
    default: '1024',
  },
  uploadMaxRatio: {
    env: 'UPLOAD_MAX_COMPRESSION_RATIO',
    doc: 'Highest compression ratio allowed for a zip entry (zip-bomb protection).',
    schema: z.coerce.number().positive(),
    default: '200',
  },
  uploadParseSeconds: {
    env: 'UPLOAD_PARSE_SECONDS',
    doc: 'Time limit for reading and checking one upload, in seconds.',
    schema: z.coerce.number().positive().max(3600),
    default: '60',
  },
  layerMaxMb: {
    env: 'LAYER_MAX_MB',
    doc: 'Largest reference layer file an administrator may upload through the web, in megabytes (larger layers: landuse layers import).',
    schema: z.coerce.number().positive().max(4096),
    default: '512',
  },
  layerMaxFeatures: {
    env: 'LAYER_MAX_FEATURES',
    doc: 'Most features one reference layer import may hold.',
    schema: z.coerce.number().int().positive(),
    default: '5000000',
  },
  layerMaxVertices: {
    env: 'LAYER_MAX_VERTICES',
    doc: 'Most vertices a reference layer file read whole (shapefile, GeoJSON) may hold; newline-delimited GeoJSON is streamed and not limited.',
    schema: z.coerce.number().int().positive(),
    default: '50000000',
  },
  layerImportSeconds: {
    env: 'LAYER_IMPORT_SECONDS',
    doc: 'Time limit for reading one reference layer uploaded through the web, in seconds (the command line has none).',
    schema: z.coerce
      .number()
      .positive()
      .max(24 * 3600),
    default: '900',
  },
  clockScanSeconds: {
    env: 'CLOCK_SCAN_SECONDS',
    doc: 'How often the clock scheduler looks for steps that are due soon or overdue, in seconds (0: only at start-up).',
    schema: z.coerce.number().int().min(0).max(86400),
    default: '60',
  },
  embeddedVacuumMinutes: {
    env: 'EMBEDDED_VACUUM_MINUTES',
    doc: 'How often the server vacuums the tables that uploads and checks rewrite in the embedded database, which has no autovacuum, in minutes (0: never; a PostgreSQL server vacuums itself).',
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    default: '15',
  },
  smtpUrl: {
    env: 'SMTP_URL',
    doc: 'Optional SMTP server for e-mail notifications, e.g. smtps://user:pass@mail.example.gov.cn:465 (users need an e-mail address).',
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
  },
  mailFrom: {
    env: 'MAIL_FROM',
    doc: 'Sender address of e-mail notifications.',
    schema: z.string().min(3),
    default: 'landuse@localhost',
  },
  webhookUrl: {
    env: 'WEBHOOK_URL',
    doc: 'Optional URL that receives every notification as a JSON POST (e.g. a government messaging gateway).',
    schema: z.string().url().optional(),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    doc: 'fatal, error, warn, info, debug or trace.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
  },
  logFormat: {
    env: 'LOG_FORMAT',
    doc: 'pretty (one readable line per event) or json (JSON lines for log collectors).',
    schema: z.enum(['pretty', 'json']),
    default: 'pretty',
  },
  tiandituKey: {
    env: 'TIANDITU_KEY',
    doc: 'Optional Tianditu (天地图) browser key: shows its vector basemap under the layers. Needs internet access in the browser.',
    schema: z.string().optional(),
  },
  basemapUrl: {
    env: 'BASEMAP_URL',
    doc: 'Optional XYZ tile URL template ({z}/{x}/{y}) of another basemap, e.g. an intranet tile server.',
    schema: z.string().url().optional(),
  },
  clientDir: {
    env: 'LANDUSE_CLIENT_DIR',
    doc: 'Folder of the built web client served at /.',
    schema: z.string().min(1),
    default: './client/dist',
  },
} satisfies Record<string, KeySpec>

type Keys = typeof CONFIG_KEYS
export type Config = { [K in keyof Keys]: z.infer<Keys[K]['schema']> }

/** A configuration value that failed validation: names the variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

/** Loads `.env` from the working directory into process.env when there is one (existing variables win). */
export function loadDotEnv(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file)
}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [keyof Keys, KeySpec][]) {
    const raw = env[spec.env]
    const value = raw === undefined || raw === '' ? spec.default : raw
    const parsed = spec.schema.safeParse(value)
    if (parsed.success) out[key] = parsed.data
    else
      problems.push(
        `${spec.env}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join(', ')}`,
      )
  }
  if (problems.length) throw new ConfigError(problems)
  const config = out as Config
  config.dataDir = path.resolve(config.dataDir)
  config.clientDir = path.resolve(config.clientDir)
  return config
}

/** A database URL with its password replaced by `***`, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable database URL)'
  }
}
