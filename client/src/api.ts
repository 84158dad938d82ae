/**
 * The HTTP API (docs/api.md) as typed functions over one `fetch` wrapper.
 *
 * Every request sends the session cookie (same origin), `X-Requested-With: landuse` (the server's CSRF
 * check wants it on state-changing requests; sending it always keeps one code path) and the UI locale in
 * `Accept-Language`, so server messages arrive in the user's language. An error answer
 * `{ error: { code, message, details } }` becomes an `ApiError`, shown with ElMessage unless the caller
 * asked for `quiet` and shows it itself. A 401 calls the handler installed with `onUnauthorized`
 * (main.ts: forget the session, go to the login page when the current page needs one).
 */
import { ElMessage } from 'element-plus'
import { currentLocale, i18n } from './i18n'
import type {
  AppConfig,
  AppNotification,
  CalendarOverride,
  CalendarYear,
  Extension,
  FilingWorkflow,
  PublicProgress,
  Receipt,
  SupervisionFilter,
  SupervisionPage,
  Task,
  TaskActRequest,
  TaskActResult,
  TimelineEvent,
  CheckDiff,
  CheckReport,
  CheckRunSummary,
  CrsOption,
  FilingDetail,
  FilingStatus,
  FilingSummary,
  Health,
  JurisdictionCollection,
  LayerFeatureCollection,
  LayerImportOptions,
  LayerImportResult,
  LayerInfo,
  LayerKind,
  LayerVersion,
  LonLatBbox,
  NewFiling,
  OverlapCollection,
  PublicParcelCollection,
  UploadOverrides,
  UploadPreview,
  UploadSummary,
  User,
} from './types'

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** Stable error code, e.g. `auth.invalid_credentials`. */
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message)
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
type Query = Record<string, string | number | undefined | null>

export interface RequestOptions {
  method?: Method
  query?: Query
  body?: unknown
  /** Do not show the error with ElMessage: the caller presents it. */
  quiet?: boolean
  signal?: AbortSignal
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>
}

let unauthorizedHandler: (error: ApiError) => void = () => {}

/** Installs what happens when the server answers 401 (not logged in, or the session expired). */
export function onUnauthorized(handler: (error: ApiError) => void): void {
  unauthorizedHandler = handler
}

function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

function isErrorBody(
  body: unknown,
): body is { error: { code: string; message: string; details?: unknown[] } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = (body as { error: unknown }).error
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // Not JSON (a proxy's HTML error page, an empty body): fall back to the status.
  }
  if (isErrorBody(body)) {
    const { code, message, details } = body.error
    return new ApiError(response.status, String(code), String(message), Array.isArray(details) ? details : [])
  }
  return new ApiError(
    response.status,
    `http.${response.status}`,
    i18n.global.t('errors.http', { status: response.status }),
  )
}

/** Shows an API error with ElMessage (for callers that asked for `quiet` and then chose to show it). */
export function reportError(error: ApiError): void {
  ElMessage({
    type: error.status >= 500 || error.status === 0 ? 'error' : 'warning',
    message: error.message,
    grouping: true,
  })
}

/**
 * The one `fetch` behind `request` and `requestForm`: the common headers, network failure, error
 * answers, 401, 204.
 */
async function send<T>(
  path: string,
  init: { method: Method; query?: Query; body?: BodyInit; contentType?: string },
  options: { quiet?: boolean; signal?: AbortSignal | undefined; headers?: Record<string, string> },
): Promise<T> {
  const { quiet = false, signal } = options
  const headers: Record<string, string> = {
    ...options.headers,
    Accept: 'application/json',
    'Accept-Language': currentLocale(),
    'X-Requested-With': 'landuse',
  }
  if (init.contentType) headers['Content-Type'] = init.contentType

  let response: Response
  try {
    response = await fetch(buildUrl(path, init.query), {
      method: init.method,
      headers,
      body: init.body,
      credentials: 'same-origin',
      signal,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    const error = new ApiError(0, 'network.unreachable', i18n.global.t('errors.network'))
    if (!quiet) reportError(error)
    throw error
  }

  if (!response.ok) {
    const error = await toApiError(response)
    if (error.status === 401) unauthorizedHandler(error)
    if (!quiet) reportError(error)
    throw error
  }
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

/** One API call: JSON in, JSON out (undefined for 204), `ApiError` on failure. */
export function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body } = options
  return send<T>(
    path,
    body === undefined
      ? { method, query }
      : { method, query, body: JSON.stringify(body), contentType: 'application/json' },
    options,
  )
}

/**
 * A `multipart/form-data` call (file uploads): the same headers, errors and JSON answer as `request`.
 * No Content-Type header: the browser sets it with the multipart boundary.
 */
export function requestForm<T>(
  path: string,
  form: FormData,
  options: Omit<RequestOptions, 'body'> = {},
): Promise<T> {
  const { method = 'POST', query } = options
  return send<T>(path, { method, query, body: form }, options)
}

// --- Routes (docs/api.md) ---------------------------------------------------------------------------

export function getHealth(): Promise<Health> {
  return request('/api/health')
}

export function getConfig(): Promise<AppConfig> {
  return request('/api/config')
}

/** Logs in; the caller shows errors (invalid credentials, rate limited) beside the form. */
export async function login(username: string, password: string): Promise<User> {
  const answer = await request<{ user: User }>('/api/auth/login', {
    method: 'POST',
    body: { username, password },
    quiet: true,
  })
  return answer.user
}

export function logout(): Promise<void> {
  return request('/api/auth/logout', { method: 'POST' })
}

/** The logged-in user, or null. */
export async function getMe(): Promise<User | null> {
  const answer = await request<{ user: User | null }>('/api/auth/me')
  return answer.user
}

/** Jurisdiction boundaries (simplified for display unless `full`). */
export function getJurisdictions(full = false): Promise<JurisdictionCollection> {
  return request('/api/jurisdictions', { query: { detail: full ? 'full' : undefined } })
}

export async function getLayers(): Promise<LayerInfo[]> {
  const answer = await request<{ layers: LayerInfo[] }>('/api/layers')
  return answer.layers
}

/** A reference layer's features in a lon/lat bbox, simplified to `resolution` degrees per pixel. */
export function getLayerFeatures(
  kind: LayerKind,
  bbox: LonLatBbox,
  resolution: number,
  signal?: AbortSignal,
): Promise<LayerFeatureCollection> {
  return request(`/api/layers/${encodeURIComponent(kind)}/features`, {
    query: { bbox: bbox.join(','), resolution },
    signal,
  })
}

export async function listFilings(status?: FilingStatus): Promise<FilingSummary[]> {
  const answer = await request<{ filings: FilingSummary[] }>('/api/filings', { query: { status } })
  return answer.filings
}

/** One filing with its parcels; quiet, because the view shows 404 as "not found or not visible". */
export function getFiling(id: number): Promise<FilingDetail> {
  return request(`/api/filings/${id}`, { quiet: true })
}

/** Approved parcels for the public map; without a bbox, all of them. */
export function getPublicParcels(bbox?: LonLatBbox): Promise<PublicParcelCollection> {
  return request('/api/public/parcels', { query: { bbox: bbox?.join(',') } })
}

// --- Parcel uploads (docs/api.md, "Parcel uploads") --------------------------------------------------

/** Creates a draft filing in the county clerk's county. */
export async function createFiling(filing: NewFiling): Promise<FilingSummary> {
  const answer = await request<{ filing: FilingSummary }>('/api/filings', { method: 'POST', body: filing })
  return answer.filing
}

/** The coordinate systems a user may choose as an override. */
export async function listCrs(): Promise<CrsOption[]> {
  const answer = await request<{ crs: CrsOption[] }>('/api/crs')
  return answer.crs
}

/**
 * Uploads parcel files (one `file` part each) with the optional overrides, for a preview. Quiet: the
 * caller shows `422 upload.unreadable` as findings (in `ApiError.details`) and reports other errors.
 */
export async function uploadParcels(
  filingId: number,
  files: readonly File[],
  overrides: UploadOverrides = {},
): Promise<UploadPreview> {
  const form = new FormData()
  for (const file of files) form.append('file', file, file.name)
  if (overrides.crs) form.append('crs', overrides.crs)
  if (overrides.encoding) form.append('encoding', overrides.encoding)
  if (overrides.layer) form.append('layer', overrides.layer)
  if (overrides.repair) form.append('repair', 'true')
  if (overrides.swapAxes) form.append('swapAxes', 'true')
  const answer = await requestForm<{ upload: UploadPreview }>(`/api/filings/${filingId}/uploads`, form, {
    quiet: true,
  })
  return answer.upload
}

/** The filing's uploads, newest first. */
export async function listUploads(filingId: number, quiet = false): Promise<UploadSummary[]> {
  const answer = await request<{ uploads: UploadSummary[] }>(`/api/filings/${filingId}/uploads`, { quiet })
  return answer.uploads
}

export async function getUpload(filingId: number, uploadId: number): Promise<UploadPreview> {
  const answer = await request<{ upload: UploadPreview }>(`/api/filings/${filingId}/uploads/${uploadId}`)
  return answer.upload
}

/** Imports an upload's parcels into the filing (replacing its parcels); answers the filing as GET does. */
export function acceptUpload(filingId: number, uploadId: number): Promise<FilingDetail> {
  return request(`/api/filings/${filingId}/uploads/${uploadId}/accept`, { method: 'POST' })
}

// --- Compliance checks (docs/api.md, "Compliance checks") --------------------------------------------

/**
 * The check report of a filing: the latest run, or `runId`; null before the first run. Quiet: the check
 * panel shows its own error (the rest of the filing page stays usable).
 */
export async function getCheckReport(filingId: number, runId?: number | null): Promise<CheckReport | null> {
  const answer = await request<{ report: CheckReport | null }>(`/api/filings/${filingId}/check`, {
    query: { run: runId },
    quiet: true,
  })
  return answer.report
}

/** Runs the checks now; answers the new run (its report is getCheckReport(filingId, run.id)). */
export async function runCheck(filingId: number): Promise<CheckRunSummary> {
  const answer = await request<{ run: CheckRunSummary }>(`/api/filings/${filingId}/check`, { method: 'POST' })
  return answer.run
}

/** The filing's check runs, newest first. */
export async function listCheckRuns(filingId: number): Promise<CheckRunSummary[]> {
  const answer = await request<{ runs: CheckRunSummary[] }>(`/api/filings/${filingId}/check/runs`, {
    quiet: true,
  })
  return answer.runs
}

/** The finding shapes of the latest run (or `runId`), EPSG:4490. */
export function getCheckOverlaps(filingId: number, runId?: number | null): Promise<OverlapCollection> {
  return request(`/api/filings/${filingId}/check/overlaps`, { query: { run: runId }, quiet: true })
}

/** What changed between two runs of the filing. */
export function getCheckDiff(filingId: number, from: number, to: number): Promise<CheckDiff> {
  return request(`/api/filings/${filingId}/check/diff`, { query: { from, to } })
}

// --- Reference layers administration (docs/api.md) ---------------------------------------------------

/** The versions of a reference layer (newest first as the server sends them). */
export async function listLayerVersions(kind: LayerKind): Promise<LayerVersion[]> {
  const answer = await request<{ versions: LayerVersion[] }>(
    `/api/layers/${encodeURIComponent(kind)}/versions`,
    { quiet: true },
  )
  return answer.versions
}

/**
 * Imports a new version of a reference layer from files (one `file` part each). Quiet: the caller shows
 * `422 layer.unreadable` as findings (in `ApiError.details`), `409 layer.version_exists` beside the label,
 * and reports other errors.
 */
export function importLayerVersion(
  kind: LayerKind,
  files: readonly File[],
  options: LayerImportOptions,
): Promise<LayerImportResult> {
  const form = new FormData()
  for (const file of files) form.append('file', file, file.name)
  form.append('version', options.version)
  if (options.classField) form.append('classField', options.classField)
  if (options.crs) form.append('crs', options.crs)
  if (options.encoding) form.append('encoding', options.encoding)
  if (options.layer) form.append('layer', options.layer)
  if (options.activate !== undefined) form.append('activate', String(options.activate))
  return requestForm(`/api/layers/${encodeURIComponent(kind)}/versions`, form, { quiet: true })
}

/** Makes a version the current one (what checks use from now on). */
export async function activateLayerVersion(kind: LayerKind, versionId: number): Promise<LayerVersion> {
  const answer = await request<{ version: LayerVersion }>(
    `/api/layers/${encodeURIComponent(kind)}/versions/${versionId}/activate`,
    { method: 'POST' },
  )
  return answer.version
}

// --- Workflow and the statutory clock (docs/workflow.md) ---------------------------------------------

/**
 * The calls that change a filing's state are quiet: the workflow views show `workflow.version_conflict`
 * (someone acted first) as their own message and reload, and report every other error with `reportError`.
 */

/** The filing's workflow: status, clock, tasks, opinions, receipt and what the user may do. */
export function getWorkflow(filingId: number): Promise<FilingWorkflow> {
  return request(`/api/filings/${filingId}/workflow`, { quiet: true })
}

/** The filing's audit trail, oldest first. */
export async function getTimeline(filingId: number): Promise<TimelineEvent[]> {
  const answer = await request<{ events: TimelineEvent[] }>(`/api/filings/${filingId}/timeline`, {
    quiet: true,
  })
  return answer.events
}

/** The receipt (after acceptance). */
export async function getReceipt(filingId: number): Promise<Receipt> {
  const answer = await request<Receipt | { receipt: Receipt }>(`/api/filings/${filingId}/receipt`, {
    quiet: true,
  })
  return 'receipt' in answer ? answer.receipt : answer
}

/** Submits a draft or returned filing (county clerk); `justification` when the check has blocking findings. */
export function submitFiling(
  filingId: number,
  body: { version: number; justification?: string },
  idempotencyKey: string,
): Promise<unknown> {
  return request(`/api/filings/${filingId}/submit`, {
    method: 'POST',
    body,
    quiet: true,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** Withdraws the filing before its decision (county clerk). */
export function withdrawFiling(
  filingId: number,
  body: { version: number; reason: string },
  idempotencyKey: string,
): Promise<unknown> {
  return request(`/api/filings/${filingId}/withdraw`, {
    method: 'POST',
    body,
    quiet: true,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** The user's queue. */
export async function listTasks(state: 'open' | 'done' = 'open'): Promise<Task[]> {
  const answer = await request<{ tasks: Task[] }>('/api/tasks', { query: { state } })
  return answer.tasks
}

/** Acts on a task; the same `idempotencyKey` repeats the first answer instead of acting twice. */
export function actOnTask(
  taskId: number,
  body: TaskActRequest,
  idempotencyKey: string,
): Promise<TaskActResult> {
  return request(`/api/tasks/${taskId}/act`, {
    method: 'POST',
    body,
    quiet: true,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** Asks a leader for more working days on a step. */
export async function requestExtension(
  taskId: number,
  body: { days: number; reason: string },
  idempotencyKey: string,
): Promise<Extension> {
  const answer = await request<{ extension: Extension }>(`/api/tasks/${taskId}/extension`, {
    method: 'POST',
    body,
    quiet: true,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
  return answer.extension
}

/** Records why an overdue step is late. */
export function giveDelayReason(taskId: number, reason: string, idempotencyKey: string): Promise<unknown> {
  return request(`/api/tasks/${taskId}/delay-reason`, {
    method: 'POST',
    body: { reason },
    quiet: true,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** Extension requests (leaders: the pending ones to decide). */
export async function listExtensions(
  state: 'pending' | 'approved' | 'refused' = 'pending',
): Promise<Extension[]> {
  const answer = await request<{ extensions: Extension[] }>('/api/extensions', { query: { state } })
  return answer.extensions
}

export function decideExtension(
  extensionId: number,
  body: { approve: boolean; comment?: string },
  idempotencyKey: string,
): Promise<unknown> {
  return request(`/api/extensions/${extensionId}/decide`, {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** The clock board: every open step, most urgent first. */
export function getSupervision(
  filter: SupervisionFilter,
  limit: number,
  offset: number,
): Promise<SupervisionPage> {
  return request('/api/supervision', { query: { filter, limit, offset } })
}

export function sendSupervisionNotice(
  body: { taskId: number; message: string; requireDelayReason: boolean },
  idempotencyKey: string,
): Promise<unknown> {
  return request('/api/supervision/notices', {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/** The inbox (only the unread notifications with `unread`); quiet for the header's polling. */
export function listNotifications(
  unread = false,
  quiet = false,
): Promise<{ notifications: AppNotification[]; unread: number }> {
  return request('/api/notifications', { query: { unread: unread ? 1 : undefined }, quiet })
}

export function markNotificationRead(id: number): Promise<unknown> {
  return request(`/api/notifications/${id}/read`, { method: 'POST' })
}

export function markAllNotificationsRead(): Promise<unknown> {
  return request('/api/notifications/read-all', { method: 'POST' })
}

/** 办理进度查询 (no login); quiet: the form shows 404 as "not found". */
export function getPublicProgress(receiptNo: string, code: string): Promise<PublicProgress> {
  return request('/api/public/progress', { query: { receiptNo, code }, quiet: true })
}

/** The working-day calendar of a year: the days that differ from plain weekends, and the overrides. */
export function getCalendar(year: number): Promise<CalendarYear> {
  return request('/api/admin/calendar', { query: { year } })
}

export function putCalendarOverride(
  day: string,
  body: { workday: boolean; note: string },
): Promise<CalendarOverride> {
  return request(`/api/admin/calendar/overrides/${encodeURIComponent(day)}`, { method: 'PUT', body })
}

export function deleteCalendarOverride(day: string): Promise<unknown> {
  return request(`/api/admin/calendar/overrides/${encodeURIComponent(day)}`, { method: 'DELETE' })
}
