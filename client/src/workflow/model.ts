/**
 * Workflow helpers shared by the task list, the clock board and the filing page: the clock's marks,
 * step labels, which actions need a comment, and idempotency keys.
 *
 * Idempotency: every state-changing click sends `Idempotency-Key`. A click gets a fresh key; when its
 * outcome is unknown (the network failed, the server answered 5xx) the same click may be sent again with
 * the same key, and the server answers the first result instead of acting twice (docs/workflow.md).
 */
import { ApiError } from '../api'
import type { Actor, Bilingual, MaybeBilingual, Opinion, Task, TaskAction, WorkflowStage } from '../types'

/** A v4 UUID; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * Whether the outcome of a request is unknown (it may have been carried out, or is still running on the
 * server: 409 `idempotency.in_progress`): a retry must send the same key.
 */
export function outcomeUnknown(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 0 || error.status >= 500 || error.code === 'idempotency.in_progress')
  )
}

/**
 * Runs one click's request with its key; a network failure is retried once (after `retryDelayMs`) with
 * the same key. Throws the last error.
 */
export async function sendOnce<T>(
  key: string,
  call: (key: string) => Promise<T>,
  retryDelayMs = 1000,
): Promise<T> {
  try {
    return await call(key)
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs))
    return call(key)
  }
}

/**
 * The key of one click, kept while the click's outcome is unknown: `take(what)` gives the kept key when
 * the same request (same `what`) is sent again, else a fresh one; `settle(error?)` forgets it once the
 * outcome is known (success, or an error the server answered).
 */
export function clickKeys(): { take(what: unknown): string; settle(error?: unknown): void } {
  let kept: { what: string; key: string } | null = null
  return {
    take(what) {
      const signature = JSON.stringify(what)
      if (kept?.what !== signature) kept = { what: signature, key: newIdempotencyKey() }
      return kept.key
    },
    settle(error) {
      if (!outcomeUnknown(error)) kept = null
    },
  }
}

/** Actions whose form requires a comment (docs/workflow.md). */
export const COMMENT_REQUIRED: ReadonlySet<TaskAction> = new Set<TaskAction>([
  'return',
  'reject',
  'needs_correction',
  'disagree',
  'send_back',
])

/** Button colour per action: forward-moving green/blue, returning orange, refusing red. */
export const ACTION_TYPE: Record<TaskAction, 'primary' | 'success' | 'warning' | 'danger'> = {
  forward: 'primary',
  accept: 'primary',
  agree: 'success',
  approve: 'success',
  release: 'primary',
  return: 'warning',
  needs_correction: 'warning',
  send_back: 'warning',
  disagree: 'danger',
  reject: 'danger',
}

/** The display order of actions in a task's button row. */
export const ACTION_ORDER: readonly TaskAction[] = [
  'forward',
  'accept',
  'agree',
  'approve',
  'release',
  'disagree',
  'needs_correction',
  'send_back',
  'return',
  'reject',
]

export function sortActions(actions: readonly TaskAction[]): TaskAction[] {
  return [...actions].sort((a, b) => ACTION_ORDER.indexOf(a) - ACTION_ORDER.indexOf(b))
}

export type ClockMark = 'overdue' | 'due_soon' | 'ok' | 'none'

/** Red (overdue), amber (due soon), or nothing, for a due date and its flags. */
export function clockMark(
  item: { dueOn?: string | null; overdue?: boolean; dueSoon?: boolean } | null | undefined,
): ClockMark {
  if (!item) return 'none'
  if (item.overdue) return 'overdue'
  if (item.dueSoon) return 'due_soon'
  return item.dueOn ? 'ok' : 'none'
}

/** Picks the UI language's text of a plain or bilingual value. */
export function textOf(value: MaybeBilingual | null | undefined, locale: string): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  return (locale === 'en' ? value.en : value['zh-CN']) || value['zh-CN'] || value.en || ''
}

/** A bilingual value's text, or null. */
export function bilingualText(value: Bilingual | null | undefined, locale: string): string | null {
  return value ? textOf(value, locale) : null
}

/** The user id of whoever acted, when the server sends it. */
export function actorId(actor: Actor): number | null {
  return actor && typeof actor === 'object' && typeof actor.id === 'number' ? actor.id : null
}

/**
 * What the user may do with a task: the server's list, less what the process forbids them anyway. A
 * leader who signed one seat of a round may not sign another seat of it (only send it back).
 */
export function allowedActions(task: Task, allTasks: readonly Task[], userId: number | null): TaskAction[] {
  if (task.stage !== 'signoff' || userId === null) return task.actions
  const signed = allTasks.some(
    (other) =>
      other.id !== task.id &&
      other.stage === 'signoff' &&
      other.state === 'done' &&
      (other.round ?? 1) === (task.round ?? 1) &&
      actorId(other.actedBy) === userId,
  )
  return signed ? task.actions.filter((action) => action === 'send_back') : task.actions
}

/** The name of whoever acted. */
export function actorName(actor: Actor): string {
  if (!actor) return ''
  if (typeof actor === 'string') return actor
  return actor.displayName ?? actor.username ?? (actor.id !== undefined ? `#${actor.id}` : '')
}

/** Where the task is: the i18n key of its stage; the division or seat comes from `stepDetail`. */
export function stageKey(stage: WorkflowStage | string): string {
  return `workflow.stage.${stage}`
}

/** What a step label needs: the stage and the step key (the division code, the leader's seat). */
export type StepRef = Pick<Task, 'stage' | 'step'> & Partial<Pick<Task, 'divisionCode' | 'seq'>>

/** The division of a division review step, or the seat (key and number) of a leader's sign-off. */
export function stepDetail(task: StepRef): {
  division: string | null
  seat: string | null
  seq: number | null
} {
  if (task.stage === 'division_review')
    return { division: task.divisionCode ?? task.step, seat: null, seq: null }
  if (task.stage === 'signoff') return { division: null, seat: task.step || null, seq: task.seq ?? null }
  return { division: null, seat: null, seq: null }
}

/** Sorts tasks most urgent first: overdue, then by due date, undated last. */
export function byUrgency<T extends { dueOn: string | null; overdue: boolean }>(a: T, b: T): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1
  if (a.dueOn && b.dueOn) return a.dueOn.localeCompare(b.dueOn)
  return a.dueOn ? -1 : b.dueOn ? 1 : 0
}

/**
 * The divisions' opinions from a filing's tasks: the latest round of each division review step, in the
 * order the steps were opened.
 */
export function opinionsOf(tasks: readonly Task[]): Opinion[] {
  const latest = new Map<string, Task>()
  for (const task of tasks) {
    if (task.stage !== 'division_review') continue
    const key = task.divisionCode ?? task.step
    const seen = latest.get(key)
    if (
      !seen ||
      (task.round ?? 1) > (seen.round ?? 1) ||
      ((task.round ?? 1) === (seen.round ?? 1) && task.id > seen.id)
    ) {
      latest.set(key, task)
    }
  }
  return [...latest.values()]
    .sort((a, b) => a.id - b.id)
    .map((task) => ({
      taskId: task.id,
      divisionCode: task.divisionCode ?? task.step,
      step: task.step,
      state: task.state,
      outcome: task.state === 'done' ? task.outcome : null,
      comment: task.comment,
      actedBy: task.actedBy,
      actedAt: task.actedAt,
      ...(task.round !== undefined ? { round: task.round } : {}),
    }))
}
