/**
 * The compliance check of one filing as reactive state: the report shown (the latest run, or a run the
 * user picked), the list of runs, and the finding shapes of the shown run; `load` fetches them, `rerun`
 * runs the checks now. Answers that arrive after the filing or the run changed are dropped.
 */
import { computed, ref, shallowRef } from 'vue'
import { ApiError, getCheckOverlaps, getCheckReport, listCheckRuns, runCheck } from '../api'
import type { CheckOutcome, CheckReport, CheckRunSummary, OverlapCollection } from '../types'
import { outcomeOf } from './model'

export type CheckLoadState = 'idle' | 'loading' | 'ready' | 'error'

export function useFilingCheck(filingId: () => number) {
  const report = shallowRef<CheckReport | null>(null)
  const runs = shallowRef<CheckRunSummary[]>([])
  const overlaps = shallowRef<OverlapCollection | null>(null)
  const state = ref<CheckLoadState>('idle')
  const error = ref('')
  const running = ref(false)
  let token = 0

  /** The run shown: null before the first run. */
  const runId = computed(() => report.value?.run.id ?? null)
  /** Whether the shown run is the newest one. */
  const isLatest = computed(() => !report.value || runs.value[0]?.id === report.value.run.id)

  /** Parcel id (as a string) → worst outcome of the shown run, for the map; null without a report. */
  const outcomes = computed<Record<string, CheckOutcome> | null>(() =>
    report.value
      ? Object.fromEntries(report.value.parcels.map((p) => [String(p.parcelId), outcomeOf(p.worst)]))
      : null,
  )

  function reset(): void {
    token++
    report.value = null
    runs.value = []
    overlaps.value = null
    state.value = 'idle'
    error.value = ''
  }

  /** Fetches the report of `run` (default: the latest), the runs and that run's shapes. */
  async function load(run: number | null = null): Promise<void> {
    const mine = ++token
    const id = filingId()
    state.value = 'loading'
    try {
      const next = await getCheckReport(id, run)
      const [nextRuns, nextOverlaps] = await Promise.all([
        listCheckRuns(id),
        next ? getCheckOverlaps(id, next.run.id) : Promise.resolve(null),
      ])
      if (mine !== token) return
      report.value = next
      runs.value = nextRuns
      overlaps.value = nextOverlaps
      state.value = 'ready'
    } catch (cause) {
      if (mine !== token) return
      error.value = cause instanceof ApiError ? cause.message : String(cause)
      state.value = 'error'
    }
  }

  /** Runs the checks now (POST) and shows the new run; null when it failed (api.ts showed why). */
  async function rerun(): Promise<CheckReport | null> {
    if (running.value) return null
    running.value = true
    const mine = ++token
    const id = filingId()
    try {
      const run = await runCheck(id)
      const [next, nextRuns, nextOverlaps] = await Promise.all([
        getCheckReport(id, run.id),
        listCheckRuns(id).catch(() => [run]),
        getCheckOverlaps(id, run.id).catch(() => null),
      ])
      if (!next) return null
      if (mine === token) {
        report.value = next
        runs.value = nextRuns
        overlaps.value = nextOverlaps
        state.value = 'ready'
      }
      return next
    } catch {
      return null
    } finally {
      running.value = false
    }
  }

  return { report, runs, overlaps, state, error, running, runId, isLatest, outcomes, load, rerun, reset }
}
