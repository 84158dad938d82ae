/**
 * Process definitions are data (server/workflow/processes/*.yaml): the stages, who acts at each, which
 * steps run in parallel or in order, the limits in working days, and the transitions. They are checked
 * here at start-up and stored per version in `process_definition`, so a running filing keeps the
 * version it started with while new filings take the newest.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import type { Queryable } from '../db/database'
import type { FilingStatus } from '../repositories/filings'

export const PROCESS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'processes')

/** The stages the engine knows how to run, and the filing status while a filing is in each. */
export const STAGE_STATUS = {
  city_review: 'city_review',
  window_intake: 'window_intake',
  division_review: 'under_review',
  signoff: 'signoff',
  release: 'release',
} as const satisfies Record<string, FilingStatus>
export type StageId = keyof typeof STAGE_STATUS
const STAGE_IDS = Object.keys(STAGE_STATUS) as [StageId, ...StageId[]]

const Bilingual = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) })
const Limit = z.number().int().min(1).max(365)

const Stage = z
  .object({
    id: z.enum(STAGE_IDS),
    role: z.enum(['city_clerk', 'window_clerk', 'division_reviewer', 'leader']),
    at: z.enum(['city', 'province']).default('province'),
    limitDays: Limit.optional(),
    parallel: z
      .array(z.object({ division: z.string().min(1), limitDays: Limit }))
      .min(1)
      .optional(),
    sequence: z
      .array(z.object({ seat: z.string().regex(/^[a-z_]+$/), limitDays: Limit, name: Bilingual }))
      .min(1)
      .optional(),
  })
  .strict()

const Transition = z
  .object({
    from: z.union([z.enum(STAGE_IDS), z.literal('draft')]),
    action: z.enum([
      'submit',
      'forward',
      'return',
      'accept',
      'complete',
      'needs_correction',
      'approve',
      'reject',
      'send_back',
      'release',
    ]),
    to: z.union([z.enum(STAGE_IDS), z.enum(['returned', 'decided'])]),
  })
  .strict()

const Definition = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.number().int().min(1),
    name: Bilingual,
    priority: z.enum(['standard', 'key']),
    limitDays: Limit,
    dueSoonDays: z.number().int().min(0).max(30),
    stages: z.array(Stage).min(1),
    transitions: z.array(Transition).min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    const ids = new Set<string>()
    for (const s of d.stages) {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', message: `stage ${s.id} appears twice` })
      ids.add(s.id)
      if (s.id === 'division_review' && !s.parallel)
        ctx.addIssue({ code: 'custom', message: 'division_review needs a `parallel` list of divisions' })
      if (s.id === 'signoff' && !s.sequence)
        ctx.addIssue({ code: 'custom', message: 'signoff needs a `sequence` of leader seats' })
    }
    for (const t of d.transitions) {
      for (const end of [t.from, t.to]) {
        if (!['draft', 'returned', 'decided'].includes(end) && !ids.has(end))
          ctx.addIssue({
            code: 'custom',
            message: `transition ${t.from} -${t.action}-> ${t.to} names stage ${end}, which is not defined`,
          })
      }
    }
    if (!d.transitions.some((t) => t.from === 'draft' && t.action === 'submit'))
      ctx.addIssue({ code: 'custom', message: 'there is no `submit` transition from draft' })
  })

export type ProcessDefinition = z.infer<typeof Definition>
export type StageDefinition = z.infer<typeof Stage>
export type TransitionAction = z.infer<typeof Transition>['action']

export class ProcessError extends Error {}

/** Reads and checks every definition file of a folder. */
export function readDefinitions(dir = PROCESS_DIR): ProcessDefinition[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
  return files.map((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    let raw: unknown
    try {
      raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
    } catch (e) {
      throw new ProcessError(`process definition ${file}: not valid YAML/JSON: ${(e as Error).message}`)
    }
    const parsed = Definition.safeParse(raw)
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      throw new ProcessError(`process definition ${file}: ${problems.join('; ')}`)
    }
    return parsed.data
  })
}

/** The definitions in use: the newest per priority for new filings, every stored version for running ones. */
export class ProcessRegistry {
  private readonly byKey = new Map<string, ProcessDefinition>()
  constructor(
    definitions: ProcessDefinition[],
    private readonly newest: Map<string, ProcessDefinition>,
  ) {
    for (const d of definitions) this.byKey.set(`${d.id}@${d.version}`, d)
  }

  /** The definition a new filing of this priority starts on. */
  forPriority(priority: 'standard' | 'key'): ProcessDefinition {
    const d = this.newest.get(priority)
    if (!d) throw new ProcessError(`no process definition for priority ${priority}`)
    return d
  }

  /** Every stored definition version. */
  all(): ProcessDefinition[] {
    return [...this.byKey.values()]
  }

  get(id: string, version: number): ProcessDefinition {
    const d = this.byKey.get(`${id}@${version}`)
    if (!d) throw new ProcessError(`process definition ${id} version ${version} is not stored`)
    return d
  }
}

/**
 * Stores the definitions of `dir` (a new version is added; an existing version must be unchanged) and
 * returns the registry of every stored version. Divisions named in a definition must exist.
 */
export async function registerDefinitions(db: Queryable, dir = PROCESS_DIR): Promise<ProcessRegistry> {
  const definitions = readDefinitions(dir)
  const { rows: divisions } = await db.query<{ code: string }>('SELECT code FROM division')
  const known = new Set(divisions.map((d) => d.code))
  const newest = new Map<string, ProcessDefinition>()
  for (const d of definitions) {
    for (const s of d.stages)
      for (const p of s.parallel ?? [])
        if (!known.has(p.division))
          throw new ProcessError(
            `process definition ${d.id}: division ${p.division} does not exist (known: ${[...known].join(', ')})`,
          )
    const body = JSON.stringify(d)
    const sha = crypto.createHash('sha256').update(body).digest('hex')
    const { rows } = await db.query<{ sha256: string }>(
      `INSERT INTO process_definition (id, version, body, sha256) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id, version) DO UPDATE SET id = EXCLUDED.id RETURNING sha256`,
      [d.id, d.version, body, sha],
    )
    if (rows[0]!.sha256 !== sha)
      throw new ProcessError(
        `process definition ${d.id} version ${d.version} differs from the stored one: give the changed definition a new version number`,
      )
    const prev = newest.get(d.priority)
    if (prev && prev.id !== d.id)
      throw new ProcessError(`two process definitions for priority ${d.priority}: ${prev.id} and ${d.id}`)
    newest.set(d.priority, d)
  }
  const { rows: stored } = await db.query<{ body: ProcessDefinition }>(
    'SELECT body FROM process_definition ORDER BY id, version',
  )
  return new ProcessRegistry(
    stored.map((r) => r.body),
    newest,
  )
}

export function stageOf(def: ProcessDefinition, id: StageId): StageDefinition {
  const s = def.stages.find((x) => x.id === id)
  if (!s) throw new ProcessError(`process ${def.id} has no stage ${id}`)
  return s
}

/** Where a transition leads, or null when the definition does not allow it. */
export function transition(
  def: ProcessDefinition,
  from: StageId | 'draft',
  action: TransitionAction,
): StageId | 'returned' | 'decided' | null {
  return def.transitions.find((t) => t.from === from && t.action === action)?.to ?? null
}
