/**
 * `landuse check` (a county's pre-check of a file: nothing is stored) and `landuse rules list|set|sql`
 * (the rules' configuration: switch a rule off, re-tune its severity or tolerances; the statement a run
 * executes).
 */
import { Option, type Command } from 'commander'
import type { Database } from '../db/database'
import { loadConfig } from '../config'
import { DEFAULT_READ_LIMITS } from '../../gis/formats/types'
import { CRS_REGISTRY } from '../../gis/crs'
import { UnreadableUpload } from '../../gis/findings'
import { loadRules } from '../check/rules'
import { planRun, runScript } from '../check/run'
import { recordAudit } from '../repositories/audit'
import { precheckFiles, UnknownCounty } from '../usecases/precheckFiles'
import { inputFiles, ParcelsUsageError } from './parcels'

type WithDatabase = <T>(fn: (db: Database) => Promise<T>) => Promise<T>

/** Exit code of a pre-check with blocking findings. */
export const EXIT_BLOCKED = 3

function crsOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const code = Number(/^(?:EPSG:)?(\d{4,5})$/i.exec(value.trim())?.[1])
  if (!CRS_REGISTRY.has(code))
    throw new ParcelsUsageError(`--crs ${value}: not a known EPSG code (e.g. EPSG:4524)`)
  return code
}

export function registerCheckCommands(program: Command, withDatabase: WithDatabase): void {
  program
    .command('check <files...>')
    .description(
      'pre-check a parcel file against the reference layers and rules, as if it were uploaded to a draft of the county; nothing is stored. Exit 0: no blocking finding, 3: blocking findings, 2: the file has errors or cannot be read',
    )
    .requiredOption('--county <code>', 'the 6-digit code of the filing county')
    .option('--crs <EPSG:n>', 'coordinate system of the file, overriding what it declares')
    .option('--encoding <name>', 'attribute/text encoding, overriding detection')
    .option('--layer <name>', 'which shapefile of a zip holding several')
    .option('--swap-axes', 'read coordinates with X and Y exchanged')
    .option('--json', 'print JSON')
    .action(
      async (
        files: string[],
        opts: {
          county: string
          crs?: string
          encoding?: string
          layer?: string
          swapAxes?: boolean
          json?: boolean
        },
      ) => {
        const crs = crsOption(opts.crs)
        const input = inputFiles(files)
        const config = loadConfig()
        await withDatabase(async (db) => {
          let outcome
          try {
            outcome = await precheckFiles(
              db,
              input,
              {
                ...(crs ? { crs } : {}),
                ...(opts.encoding ? { encoding: opts.encoding.toLowerCase() } : {}),
                ...(opts.layer ? { layer: opts.layer } : {}),
                swapAxes: opts.swapAxes === true,
              },
              opts.county,
              { ...DEFAULT_READ_LIMITS, deadline: Date.now() + config.uploadParseSeconds * 1000 },
            )
          } catch (error) {
            if (error instanceof UnknownCounty)
              throw new ParcelsUsageError(`--county ${opts.county}: ${error.message}`)
            if (error instanceof UnreadableUpload) {
              if (opts.json)
                console.log(JSON.stringify({ ok: false, readable: false, findings: error.findings }))
              else for (const f of error.findings) console.log(`ERROR ${f.code}: ${f.message.en}`)
              process.exitCode = 2
              return
            }
            throw error
          }
          const { inspect, report } = outcome
          if (!report) {
            const errors = inspect.findings.filter((f) => f.severity === 'error')
            if (opts.json)
              console.log(JSON.stringify({ ok: false, readable: true, findings: inspect.findings }))
            else for (const f of errors) console.log(`ERROR ${f.code}: ${f.message.en}`)
            process.exitCode = 2
            return
          }
          const blocked = report.run.worst === 'block'
          if (opts.json) {
            console.log(
              JSON.stringify({
                ok: true,
                blocked,
                worst: report.run.worst,
                format: inspect.format,
                crs: inspect.crs === null ? null : `EPSG:${inspect.crs}`,
                rules: report.rules,
                parcels: report.parcels,
                totals: report.totals,
                readFindings: inspect.findings,
              }),
            )
          } else {
            console.log(
              `${blocked ? 'BLOCKED' : 'no blocking finding'}: ${report.parcels.length} parcels, worst ${report.run.worst}`,
            )
            for (const r of report.rules) {
              console.log(
                `  ${r.state.padEnd(11)} ${r.code}${r.layer ? ` (${r.layer.label})` : ''}${r.reason ? ` — ${r.reason.en}` : ''}`,
              )
            }
            for (const p of report.parcels)
              for (const f of p.findings) console.log(`  ${f.severity.padEnd(5)} ${f.message.en}`)
          }
          process.exitCode = blocked ? EXIT_BLOCKED : 0
        })
      },
    )

  const rules = program.command('rules').description('the compliance rules and their configuration')
  rules
    .command('list')
    .description('list the rules with their settings')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const all = await loadRules(db)
        if (opts.json) console.log(JSON.stringify(all))
        else
          for (const r of all) {
            console.log(
              [
                r.code,
                r.enabled ? 'on' : 'OFF',
                r.severity,
                r.layerKind ?? '-',
                `${r.toleranceM2} m²`,
                `${r.toleranceRatio * 100}%`,
                r.classCodes?.join(',') ?? 'all classes',
              ].join('\t'),
            )
          }
      }),
    )
  rules
    .command('sql')
    .description(
      'print the statement a check run executes now (the enabled rules composed), prepared and executed for --filing: run it with psql, or EXPLAIN it',
    )
    .option('--filing <id>', 'the filing whose parcels it checks', '0')
    .action((opts: { filing: string }) =>
      withDatabase(async (db) => {
        const filing = Number(opts.filing)
        if (!Number.isSafeInteger(filing) || filing < 0)
          throw new ParcelsUsageError(`--filing ${opts.filing}: give a filing id`)
        process.stdout.write(runScript(await planRun(db), filing))
      }),
    )
  rules
    .command('set <code>')
    .description('re-tune a rule (takes effect on the next check run)')
    .addOption(new Option('--enabled <bool>', 'switch the rule on or off').choices(['true', 'false']))
    .addOption(new Option('--severity <severity>', 'default severity').choices(['block', 'warn', 'info']))
    .option('--tolerance-m2 <m2>', 'overlaps smaller than this are noise')
    .option(
      '--tolerance-ratio <ratio>',
      'overlaps smaller than this share of the parcel are noise (0.01 = 1 %)',
    )
    .option('--class-codes <codes>', 'comma-separated class codes that count; "all" for every class')
    .action(
      (
        code: string,
        opts: {
          enabled?: string
          severity?: string
          toleranceM2?: string
          toleranceRatio?: string
          classCodes?: string
        },
      ) =>
        withDatabase(async (db) => {
          const known = (await loadRules(db)).map((r) => r.code)
          if (!known.includes(code))
            throw new ParcelsUsageError(`no rule ${code}; known: ${known.join(', ')}`)
          const number = (name: string, value: string | undefined) => {
            if (value === undefined) return null
            const n = Number(value)
            if (!Number.isFinite(n) || n < 0)
              throw new ParcelsUsageError(`--${name} ${value}: give a number ≥ 0`)
            return n
          }
          const classCodes =
            opts.classCodes === undefined
              ? undefined
              : opts.classCodes === 'all'
                ? null
                : opts.classCodes.split(',').map((c) => c.trim())
          const before = (await loadRules(db)).find((r) => r.code === code)
          await db.query(
            `UPDATE check_rule SET
                enabled = coalesce($2, enabled),
                severity = coalesce($3, severity),
                tolerance_m2 = coalesce($4, tolerance_m2),
                tolerance_ratio = coalesce($5, tolerance_ratio),
                class_codes = CASE WHEN $6 THEN $7::text[] ELSE class_codes END
              WHERE code = $1`,
            [
              code,
              opts.enabled === undefined ? null : opts.enabled === 'true',
              opts.severity ?? null,
              number('tolerance-m2', opts.toleranceM2),
              number('tolerance-ratio', opts.toleranceRatio),
              classCodes !== undefined,
              classCodes ?? null,
            ],
          )
          await recordAudit(db, {
            actorId: null,
            actorRole: 'cli',
            action: 'rule.updated',
            subjectType: 'check_rule',
            subjectId: code,
            before,
            after: (await loadRules(db)).find((r) => r.code === code),
          })
          console.log(`rule ${code} updated`)
        }),
    )
}
