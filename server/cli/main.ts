/**
 * `bin/landuse`: administration without a running server (or beside one: with the embedded database
 * the CLI connects through the running server's socket).
 *
 * Exit codes: 0 done, 2 bad input (a message says what to fix), 3 the environment is unfit (PostGIS
 * missing), 1 a bug (with a stack trace).
 */
import fs from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config'
import type { Database } from '../db/database'
import { StartupError } from '../db/postgis'
import { migrationLevel } from '../db/migrate'
import { prepareDatabase } from '../system'
import { hashPassword, passwordProblem } from '../auth/passwords'
import { isRole, ROLE_LEVELS, ROLES, type Role } from '../auth/roles'
import { insertUser, listUsers } from '../repositories/users'
import { countJurisdictions, insertJurisdiction, jurisdictionExists } from '../repositories/jurisdictions'
import { recordAudit } from '../repositories/audit'
import { loadSample } from '../sample/load'
import { jurisdictionArea } from '../repositories/jurisdictions'
import { ParcelsUsageError, registerParcelCommands } from './parcels'
import { registerCheckCommands } from './checks'
import { registerLayerCommands } from './layers'
import { AppError } from '../errors'
import { verifyAuditChain } from '../workflow/auditChain'

/** A mistake of the person at the keyboard: printed as one line, exit code 2. */
export class UsageError extends Error {}

async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  loadDotEnv()
  const config = loadConfig()
  const db = await prepareDatabase(config, (line) => process.stderr.write(`${line}\n`), { quiet: true })
  try {
    return await fn(db, config)
  } finally {
    await db.close()
  }
}

async function readPassword(options: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (options.password !== undefined) return options.password
  if (options.passwordStdin) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }
  throw new UsageError('give the password with --password-stdin (preferred) or --password')
}

export function buildProgram(): Command {
  const program = new Command('landuse')
    .description('Construction-land remote approval: administration commands')
    .showHelpAfterError()
    .exitOverride()

  const db = program.command('db').description('the database')
  db.command('migrate')
    .description('apply pending migrations (the server also does this at start-up)')
    .action(() =>
      withDatabase(async (d) => {
        console.log(`migration level: ${await migrationLevel(d)}`)
      }),
    )
  db.command('status')
    .description('database mode, PostGIS version and migration level')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (d) => {
        const { rows } = await d.query<{ v: string }>('SELECT postgis_lib_version() AS v')
        const status = {
          mode: d.mode,
          url: d.redactedUrl,
          postgis: rows[0]!.v,
          migration: await migrationLevel(d),
        }
        console.log(
          opts.json
            ? JSON.stringify(status)
            : Object.entries(status)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n'),
        )
      }),
    )

  const users = program.command('users').description('user accounts')
  users
    .command('add')
    .description('create a user (the first administrator of a production system, for example)')
    .requiredOption('--username <name>', 'login name: letters, digits, . _ -')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .requiredOption('--jurisdiction <code>', '6-digit division code the user belongs to')
    .option('--display-name <name>', 'name shown in the application (default: the user name)')
    .option('--division <code>', 'division of a division_reviewer (farmland_protection, planning, …)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--password <password>', 'the password (visible in the process list: prefer --password-stdin)')
    .action(
      async (opts: {
        username: string
        role: string
        jurisdiction: string
        displayName?: string
        division?: string
        password?: string
        passwordStdin?: boolean
      }) => {
        if (!isRole(opts.role)) throw new UsageError(`unknown role ${opts.role}`)
        const role: Role = opts.role
        if (role === 'division_reviewer' && !opts.division) {
          throw new UsageError('a division_reviewer needs --division (e.g. --division farmland_protection)')
        }
        if (role !== 'division_reviewer' && opts.division) {
          throw new UsageError(`--division is only for division_reviewer, not ${role}`)
        }
        if (!/^[A-Za-z0-9._-]{2,64}$/.test(opts.username)) {
          throw new UsageError('--username: 2–64 letters, digits, dots, dashes or underscores')
        }
        const password = await readPassword(opts)
        const problem = passwordProblem(password)
        if (problem) throw new UsageError(`the password needs ${problem}`)
        await withDatabase(async (d) => {
          const j = await jurisdictionExists(d, opts.jurisdiction)
          if (!j) {
            const none = (await countJurisdictions(d)) === 0
            throw new UsageError(
              none
                ? `no jurisdiction ${opts.jurisdiction}: the database has no jurisdictions yet; import them first with "landuse jurisdictions import <file.geojson>"`
                : `no jurisdiction ${opts.jurisdiction}: see "landuse jurisdictions list"`,
            )
          }
          if (!ROLE_LEVELS[role].includes(j.level)) {
            throw new UsageError(
              `a ${role} belongs to a ${ROLE_LEVELS[role].join(' or ')} jurisdiction; ${opts.jurisdiction} is a ${j.level}`,
            )
          }
          if (opts.division) {
            const { rows } = await d.query('SELECT 1 FROM division WHERE code = $1', [opts.division])
            if (!rows.length) {
              const all = await d.query<{ code: string }>('SELECT code FROM division ORDER BY sort')
              throw new UsageError(
                `no division ${opts.division}; known: ${all.rows.map((r) => r.code).join(', ')}`,
              )
            }
          }
          const taken = await d.query('SELECT 1 FROM app_user WHERE lower(username) = lower($1)', [
            opts.username,
          ])
          if (taken.rows.length) throw new UsageError(`user ${opts.username} exists already`)
          const id = await d.transaction(async (tx) => {
            const newId = await insertUser(tx, {
              username: opts.username,
              displayName: opts.displayName ?? opts.username,
              passwordHash: await hashPassword(password),
              role,
              divisionCode: opts.division ?? null,
              jurisdictionCode: opts.jurisdiction,
            })
            await recordAudit(tx, {
              actorId: null,
              actorRole: 'cli',
              action: 'user.created',
              subjectType: 'user',
              subjectId: newId,
              after: {
                username: opts.username,
                role,
                jurisdiction: opts.jurisdiction,
                division: opts.division ?? null,
              },
            })
            return newId
          })
          console.log(`created user ${opts.username} (id ${id}, ${role}, ${opts.jurisdiction})`)
        })
      },
    )
  users
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (d) => {
        const all = (await listUsers(d)).map((u) => ({ ...u.dto, disabled: u.disabled }))
        if (opts.json) console.log(JSON.stringify(all))
        else
          for (const u of all) {
            console.log(
              [
                u.username,
                u.role,
                u.division?.code ?? '-',
                u.jurisdiction.code,
                u.displayName,
                u.disabled ? 'disabled' : '',
              ]
                .join('\t')
                .trimEnd(),
            )
          }
      }),
    )

  const jurisdictions = program.command('jurisdictions').description('administrative divisions')
  jurisdictions
    .command('import <file>')
    .description(
      'import jurisdictions from GeoJSON (EPSG:4490 lon/lat): properties code, name, nameEn, level, parentCode',
    )
    .action((file: string) =>
      withDatabase(async (d) => {
        let fc: { features?: { properties?: Record<string, unknown>; geometry?: unknown }[] }
        try {
          fc = JSON.parse(fs.readFileSync(file, 'utf8'))
        } catch (error) {
          throw new UsageError(`${file}: not readable as JSON (${(error as Error).message})`)
        }
        if (!Array.isArray(fc.features)) throw new UsageError(`${file}: not a GeoJSON FeatureCollection`)
        const order = { province: 0, city: 1, county: 2 } as Record<string, number>
        const features = fc.features.map((f, i) => {
          const p = f.properties ?? {}
          const where = `${file}, feature ${i}`
          if (typeof p.code !== 'string' || !/^\d{6}$/.test(p.code))
            throw new UsageError(`${where}: code must be 6 digits`)
          if (typeof p.name !== 'string' || !p.name) throw new UsageError(`${where}: name is missing`)
          if (typeof p.level !== 'string' || !(p.level in order)) {
            throw new UsageError(`${where}: level must be province, city or county`)
          }
          const g = f.geometry as { type?: string } | undefined
          if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
            throw new UsageError(`${where}: geometry must be a Polygon or MultiPolygon`)
          }
          return { f, p }
        })
        features.sort((a, b) => order[a.p.level as string]! - order[b.p.level as string]!)
        await d.transaction(async (tx) => {
          for (const { f, p } of features) {
            await insertJurisdiction(tx, {
              code: p.code as string,
              name: p.name as string,
              nameEn: typeof p.nameEn === 'string' ? p.nameEn : '',
              level: p.level as 'province' | 'city' | 'county',
              parentCode: typeof p.parentCode === 'string' ? p.parentCode : null,
              boundary: f.geometry,
            })
          }
          await recordAudit(tx, {
            actorId: null,
            actorRole: 'cli',
            action: 'jurisdictions.imported',
            after: { file, count: features.length },
          })
        })
        console.log(`imported ${features.length} jurisdictions from ${file}`)
      }),
    )
  jurisdictions
    .command('list')
    .description('list jurisdictions')
    .action(() =>
      withDatabase(async (d) => {
        const { rows } = await d.query<{ code: string; level: string; name: string; name_en: string }>(
          'SELECT code, level, name, name_en FROM jurisdiction ORDER BY path',
        )
        for (const r of rows) console.log(`${r.code}\t${r.level}\t${r.name}\t${r.name_en}`)
      }),
    )

  program
    .command('sample')
    .description('sample province')
    .command('load')
    .description('load the sample province into an empty database (the server does this at first start)')
    .action(() =>
      withDatabase(async (d) => {
        if ((await countJurisdictions(d)) > 0)
          throw new UsageError('the database is not empty: sample data not loaded')
        const summary = await d.transaction((tx) => loadSample(tx, d.mode))
        console.log(JSON.stringify(summary))
      }),
    )

  program
    .command('audit')
    .description('the audit trail')
    .command('verify')
    .description('check the hash chain of the audit trail; exit 1 at the first break')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async (d) => {
        const report = await verifyAuditChain(d)
        if (options.json) console.log(JSON.stringify(report))
        else if (report.ok) console.log(`audit trail intact: ${report.events} events, hash chain verified`)
        else
          console.log(
            `audit trail BROKEN at event id ${report.brokenAt!.id} (seq ${report.brokenAt!.seq ?? '-'}): ${report.brokenAt!.problem}`,
          )
        process.exitCode = report.ok ? 0 : 1
      }),
    )

  registerParcelCommands(program, (code) =>
    withDatabase(async (d) => {
      const area = await jurisdictionArea(d, code)
      if (!area) throw new UsageError(`--county ${code}: no such jurisdiction in the database`)
      return area
    }),
  )

  registerCheckCommands(program, (fn) => withDatabase((d) => fn(d)))
  registerLayerCommands(program, (fn) => withDatabase((d) => fn(d)))

  return program
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof UsageError || error instanceof ParcelsUsageError || error instanceof ConfigError) {
      console.error(`landuse: ${error.message}`)
      return 2
    }
    if (error instanceof AppError && error.status < 500) {
      // a refusal of a use case (bad file, label in use): its user message, in the terminal's language
      console.error(`landuse: ${error.message_(/^zh/i.test(process.env.LANG ?? '') ? 'zh-CN' : 'en')}`)
      return 2
    }
    if (error instanceof StartupError) {
      console.error(`landuse: ${error.message}`)
      return 3
    }
    console.error(error)
    return 1
  }
}

process.exitCode = await run(process.argv)
