/**
 * The API's types, as documented in docs/api.md. Geometry is GeoJSON in EPSG:4490 (lon/lat).
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'

export type Role =
  'county_clerk' | 'city_clerk' | 'window_clerk' | 'division_reviewer' | 'leader' | 'supervisor' | 'admin'

export const ROLES: readonly Role[] = [
  'county_clerk',
  'city_clerk',
  'window_clerk',
  'division_reviewer',
  'leader',
  'supervisor',
  'admin',
]

export type Level = 'province' | 'city' | 'county'

export type FilingStatus =
  | 'draft'
  | 'city_review'
  | 'window_intake'
  | 'under_review'
  | 'signoff'
  | 'release'
  | 'returned'
  | 'approved'
  | 'rejected'
  | 'withdrawn'

export const FILING_STATUSES: readonly FilingStatus[] = [
  'draft',
  'city_review',
  'window_intake',
  'under_review',
  'signoff',
  'release',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
]

export type FilingType = 'batch' | 'standalone'
export type Priority = 'standard' | 'key'

export type LayerKind =
  'permanent_farmland' | 'cultivated_land' | 'planning_zone' | 'eco_redline' | 'urban_boundary'

export interface User {
  id: number
  username: string
  displayName: string
  role: Role
  /** Only for division_reviewer. */
  division: { code: string; nameZh: string; nameEn: string } | null
  jurisdiction: { code: string; name: string; nameEn: string; level: Level }
}

export interface FilingSummary {
  id: number
  title: string
  filingType: FilingType
  priority: Priority
  status: FilingStatus
  jurisdiction: { code: string; name: string; nameEn: string }
  receiptNo: string | null
  parcelCount: number
  totalAreaM2: number
  /** ISO 8601 */
  createdAt: string
  updatedAt: string
  acceptedAt: string | null
  /** Promised date (YYYY-MM-DD). */
  dueAt: string | null
  decidedAt: string | null
  /** Working days left until `dueAt` while the clock runs (negative: overdue), when the server sends it. */
  remainingWorkdays?: number | null
  overdue?: boolean
  dueSoon?: boolean
}

export interface LayerClass {
  code: string | null
  nameZh: string
  nameEn: string
  fill: string
  stroke: string
}

export interface LayerInfo {
  kind: LayerKind
  nameZh: string
  nameEn: string
  /** Zoom (EPSG:3857-like levels) from which the client should request features. */
  minZoom: number
  version: { id: number; label: string; importedAt: string; featureCount: number } | null
  /** Legend: one entry per class code the layer uses, with its display colour. */
  classes: LayerClass[]
}

export type AreaGeometry = Polygon | MultiPolygon

export interface JurisdictionProperties {
  code: string
  name: string
  nameEn: string
  level: Level
  parentCode: string | null
}

export type JurisdictionCollection = FeatureCollection<AreaGeometry, JurisdictionProperties>

export interface LayerFeatureProperties {
  id: number | string
  classCode: string | null
}

/** A reference layer's features for one bbox; `truncated` when the server's feature limit was hit. */
export type LayerFeatureCollection = FeatureCollection<AreaGeometry, LayerFeatureProperties> & {
  truncated?: boolean
}

export interface ParcelProperties {
  id: number
  parcelNo: string
  name: string | null
  landUse: string | null
  areaM2: number
  declaredAreaM2: number | null
  /** The CRS the parcel was surveyed in, e.g. "EPSG:4527". */
  sourceCrs: string | null
}

export type ParcelFeature = Feature<AreaGeometry, ParcelProperties>
export type ParcelCollection = FeatureCollection<AreaGeometry, ParcelProperties>

export interface PublicParcelProperties {
  parcelNo: string
  name: string | null
  landUse: string | null
  areaM2: number
  filingTitle: string
  receiptNo: string | null
  jurisdictionName: string
  decidedAt: string | null
}

export type PublicParcelFeature = Feature<AreaGeometry, PublicParcelProperties>
export type PublicParcelCollection = FeatureCollection<AreaGeometry, PublicParcelProperties>

export type Basemap =
  { type: 'tianditu'; key: string } | { type: 'wmts' | 'xyz'; url: string; attribution: string }

export interface AppConfig {
  defaultLocale: string
  basemap: Basemap | null
}

export interface Health {
  status: 'ok'
  version: string
  database: { mode: 'embedded' | 'server'; postgis: string; migration: string; url: string }
}

export interface FilingDetail {
  filing: FilingSummary
  parcels: ParcelCollection
}

/** [minLon, minLat, maxLon, maxLat] in EPSG:4490. */
export type LonLatBbox = [number, number, number, number]

// --- Parcel uploads (issue 3) --------------------------------------------------------------------------

/** POST /api/filings: a draft in the county clerk's county. */
export interface NewFiling {
  title: string
  filingType: FilingType
  priority?: Priority
}

/** A coordinate system a user may choose as an override (GET /api/crs). */
export interface CrsOption {
  code: number
  name: string
  kind: 'geographic' | 'gauss-kruger' | 'web-mercator'
}

export type FindingSeverity = 'error' | 'warning'

/** One thing wrong (error: blocks the import) or worth knowing (warning) about an upload or a feature. */
export interface Finding {
  /** 0-based position of the feature in the file; null for the whole file. */
  featureIndex: number | null
  parcelNo: string | null
  /** Stable dotted code, e.g. `geometry.self_intersection`, `crs.inferred`, `dbf.encoding_detected`. */
  code: string
  severity: FindingSeverity
  message: { 'zh-CN': string; en: string }
  /** EPSG:4490 [lon, lat], when there is a place to point at. */
  location: [number, number] | null
  details?: Record<string, unknown>
}

export type UploadStatus = 'preview' | 'accepted' | 'unreadable' | 'superseded'
export type UploadFormat = 'shapefile' | 'geojson' | 'cn-coord-txt'
export type EncodingSource = 'cpg' | 'ldid' | 'bom' | 'detected' | 'user' | 'default'
export type CrsSource = 'prj' | 'header' | 'geojson-crs' | 'user' | 'inferred' | 'assumed'

export interface UploadSummary {
  id: number
  filingId: number
  fileNames: string[]
  sizeBytes: number
  sha256: string
  /** ISO 8601 */
  createdAt: string
  /** Display name of the uploader. */
  createdBy: string
  status: UploadStatus
  /** No error finding: the upload can be accepted. */
  ok: boolean
  format: UploadFormat | null
  featureCount: number
  errorCount: number
  warningCount: number
}

/** A parcel of an upload preview (EPSG:4490), before it is imported into the filing. */
export interface UploadParcelProperties {
  /** 0-based position in the file: `Finding.featureIndex` refers to it. */
  index: number
  parcelNo: string | null
  name: string | null
  landUse: string | null
  declaredAreaM2: number | null
  areaM2: number | null
  areaHa: number | null
  areaMu: number | null
  vertexCount: number
  /** The worst finding of the parcel. */
  severity: FindingSeverity | null
}

export type UploadParcelCollection = FeatureCollection<AreaGeometry | null, UploadParcelProperties>

export interface UploadPreview extends UploadSummary {
  layer: string | null
  /** Several: the user may pick another with the `layer` override. */
  layers: string[]
  encoding: string | null
  encodingSource: EncodingSource | null
  /** e.g. 'EPSG:4524' */
  crs: string | null
  crsName: string | null
  crsSource: CrsSource | null
  parcels: UploadParcelCollection
  findings: Finding[]
}

/** Optional parts of POST /api/filings/:id/uploads besides the files. */
export interface UploadOverrides {
  /** 'EPSG:4524' */
  crs?: string | null
  encoding?: string | null
  layer?: string | null
  /** Make-valid style repair, reported as warnings. */
  repair?: boolean
  /** Read the coordinates with X and Y exchanged (northing written first), reported as a warning. */
  swapAxes?: boolean
}

// --- Compliance checks (issue 4) -----------------------------------------------------------------------

/** 阻断 / 警告 / 提示 */
export type Severity = 'block' | 'warn' | 'info'
/** The worst outcome of a run or a parcel: a severity, or nothing found. */
export type CheckOutcome = Severity | 'clear'

export const SEVERITIES: readonly Severity[] = ['block', 'warn', 'info']

export interface Bilingual {
  'zh-CN': string
  en: string
}

export type CheckTrigger = 'upload_accepted' | 'on_demand' | 'sample'

/** A layer version a run used (or a rule was checked against). */
export interface CheckLayerVersion {
  kind: string
  versionId: number
  label: string
}

export interface CheckRunSummary {
  id: number
  filingId: number
  /** ISO 8601 */
  startedAt: string
  trigger: CheckTrigger
  /** Display name; null for runs the system started. */
  startedBy: string | null
  parcelCount: number
  worst: CheckOutcome
  durationMs: number
  layerVersions: CheckLayerVersion[]
}

/** One finding of a check run (the API's `FindingDto`; `Finding` is an upload's finding). */
export interface CheckFinding {
  id: number
  ruleCode: string
  severity: Severity
  parcelId: number | null
  parcelNo: string
  classCode: string | null
  className: Bilingual | null
  areaM2: number | null
  areaHa: number | null
  areaMu: number | null
  /** Of the parcel's area, 0..1. */
  share: number | null
  message: Bilingual
  note: Bilingual | null
  /** e.g. { otherFilingId, otherFilingTitle } or { declaredM2, computedM2 } */
  facts: Record<string, unknown>
  /** Of the overlap shape (or the parcel), EPSG:4490. */
  bbox: LonLatBbox | null
}

export type CheckRuleState = 'hit' | 'clear' | 'not_checked'

export interface CheckRuleResult {
  code: string
  name: Bilingual
  state: CheckRuleState
  /** Why not checked. */
  reason: Bilingual | null
  /** The configured default severity. */
  severity: Severity
  layer: CheckLayerVersion | null
  findingCount: number
  /** Total hit area of the rule. */
  areaM2: number
  note: Bilingual | null
}

export interface CheckParcelResult {
  parcelId: number
  parcelNo: string
  name: string | null
  areaM2: number
  /** null: nothing found on the parcel. */
  worst: Severity | null
  findings: CheckFinding[]
}

export interface CheckTotals {
  parcelAreaM2: number
  permanentFarmlandM2: number
  /** Cultivated land occupied: what must be compensated (耕地占补平衡). */
  compensationRequiredM2: number
  /** '0101' → m² */
  cultivatedByClass: Record<string, number>
  ecoRedlineM2: number
  /** '010' … '040', 'outside' (no control zone) → m² */
  planningByZone: Record<string, number>
  outsideUrbanM2: number
  outsideCountyM2: number
}

export interface CheckReport {
  run: CheckRunSummary
  rules: CheckRuleResult[]
  parcels: CheckParcelResult[]
  totals: CheckTotals
}

/** A finding shape of GET /api/filings/:id/check/overlaps (EPSG:4490); the feature id is `findingId`. */
export interface OverlapProperties {
  findingId: number
  ruleCode: string
  severity: Severity
  parcelNo: string
  classCode: string | null
  areaM2: number | null
}

export type OverlapCollection = FeatureCollection<AreaGeometry, OverlapProperties>

export interface CheckDiff {
  from: CheckRunSummary
  to: CheckRunSummary
  /** Version labels per layer kind. */
  layerChanges: { kind: string; from: string | null; to: string | null }[]
  /** In `to`, not in `from` (same rule, parcel and class). */
  added: CheckFinding[]
  removed: CheckFinding[]
  /** Area or severity differs. */
  changed: { before: CheckFinding; after: CheckFinding }[]
}

// --- Reference layers administration (issue 4) ---------------------------------------------------------

export const LAYER_KINDS: readonly LayerKind[] = [
  'permanent_farmland',
  'cultivated_land',
  'planning_zone',
  'eco_redline',
  'urban_boundary',
]

/** One imported version of a reference layer (GET /api/layers/:kind/versions). */
export interface LayerVersion {
  id: number
  label: string
  /** The imported file's name. */
  sourceName: string | null
  /** The attribute that held the class code, e.g. DLBM. */
  classField: string | null
  featureCount: number
  /** ISO 8601 */
  importedAt: string
  /** Display name. */
  importedBy: string | null
  /** The version checks use now. */
  current: boolean
}

/** The text parts of POST /api/layers/:kind/versions besides the files. */
export interface LayerImportOptions {
  /** Version label, e.g. "2025 年度更新" (required). */
  version: string
  /** Attribute holding the class code (required for cultivated_land and planning_zone). */
  classField?: string | null
  /** 'EPSG:4524' */
  crs?: string | null
  encoding?: string | null
  layer?: string | null
  /** Make it the current version (the server's default is true). */
  activate?: boolean
}

export interface LayerImportResult {
  version: LayerVersion
  /** Warnings about the imported file (same shape as an upload's findings). */
  findings: Finding[]
}

// --- Workflow and the statutory clock (issue 5, docs/workflow.md) ---------------------------------------

/** The stages a task belongs to (one queue each). */
export type WorkflowStage = 'city_review' | 'window_intake' | 'division_review' | 'signoff' | 'release'

export const WORKFLOW_STAGES: readonly WorkflowStage[] = [
  'city_review',
  'window_intake',
  'division_review',
  'signoff',
  'release',
]

/** What a user may do with a task (the server lists them per task in `actions`). */
export type TaskAction =
  | 'forward'
  | 'return'
  | 'accept'
  | 'agree'
  | 'disagree'
  | 'needs_correction'
  | 'approve'
  | 'reject'
  | 'send_back'
  | 'release'

/** What a user may do with the filing itself. */
export type FilingAction = 'submit' | 'withdraw'

export type TaskState = 'open' | 'done' | 'cancelled'

export type ExtensionState = 'pending' | 'approved' | 'refused'

/** Text the server may send either plain or in both UI languages. */
export type MaybeBilingual = string | Bilingual

/** A person as the workflow reports them: a display name, or a small object. */
export type Actor = string | { id?: number; username?: string; displayName?: string } | null

/** One step of a filing waiting in (or done by) a queue. */
export interface Task {
  id: number
  /** Send it back with an action: a different current version answers 409 workflow.version_conflict. */
  version: number
  filingId: number
  filing: FilingSummary
  stage: WorkflowStage
  /** The step key of the process (the division code, the leader seat, …). */
  step: string
  role: Role
  divisionCode: string | null
  /** Order of the leader seats. */
  seq: number
  state: TaskState
  /** YYYY-MM-DD */
  startedOn: string
  /** YYYY-MM-DD; null for steps without a statutory limit (before acceptance). */
  dueOn: string | null
  remainingWorkdays: number | null
  overdue: boolean
  dueSoon: boolean
  /** How many times this step has been opened (a send-back or a resubmission opens it again). */
  round?: number
  outcome: TaskAction | string | null
  comment: string | null
  actedBy: Actor
  actedAt: string | null
  delayReason: string | null
  /** A supervisor asked for the reason of the delay. */
  delayReasonRequired?: boolean
  extension: { id: number; state: ExtensionState; days: number; reason?: string } | null
  /** What the current user may do with it (empty when it is not in their queue). */
  actions: TaskAction[]
}

/** A filing's clock (null fields before acceptance). */
export interface WorkflowClock {
  acceptedOn: string | null
  limitDays: number | null
  /** The date on the receipt (does not move). */
  promisedDate: string | null
  /** The current due date (moves with pauses and extensions). */
  dueOn: string | null
  pausedDays: number
  /** Set while the clock is paused (the filing is back with the county). */
  pausedSince: string | null
  /** Working days granted by approved extensions. */
  extensionDays?: number
  remainingWorkdays: number | null
  overdue: boolean
  dueSoon: boolean
}

/** A division's opinion (a division review task once answered, or still open). */
export interface Opinion {
  taskId?: number
  divisionCode: string | null
  division?: { code: string; nameZh: string; nameEn: string } | null
  step?: string
  state?: TaskState
  /** agree / disagree / needs_correction; null while the division has not answered. */
  outcome: string | null
  comment: string | null
  actedBy: Actor
  actedAt: string | null
  round?: number
}

/** 受理回执 */
export interface Receipt {
  receiptNo: string
  /** With the receipt number, what the public progress lookup needs. */
  publicCode: string | null
  acceptedOn: string
  promisedDate: string
  /** GET /api/filings/:id/receipt adds the filing's title, county and process. */
  title?: string
  jurisdiction?: { code: string; name: string; nameEn: string }
  process?: { id: string; version: number; name: MaybeBilingual } | null
}

/** GET /api/filings/:id/workflow */
export interface FilingWorkflow {
  filing: FilingSummary
  version: number
  process: { id: string; version: number; name: MaybeBilingual } | null
  clock: WorkflowClock | null
  tasks: Task[]
  /** The divisions' opinions; when absent, the view derives them from the division review tasks. */
  opinions?: Opinion[]
  receipt: Receipt | null
  /** Why a filing with blocking findings was submitted. */
  justification?: string | null
  decision?: 'approved' | 'rejected' | null
  actions: FilingAction[]
}

/** POST /api/tasks/:id/act */
export interface TaskActRequest {
  version: number
  action: TaskAction
  comment?: string
  /** send_back: the division that reviews again. */
  division?: string
}

export interface TaskActResult {
  task: Task
  filing: FilingSummary
  receipt?: Receipt
}

/** One event of a filing's audit trail. */
export interface TimelineEvent {
  id: number
  at: string
  actor: Actor
  role: Role | null
  action: string
  fromStatus: FilingStatus | null
  toStatus: FilingStatus | null
  comment: string | null
  details: Record<string, unknown> | null
}

/** An extension request as GET /api/extensions lists it. */
export interface Extension {
  id: number
  taskId: number
  filingId: number
  filingTitle: string
  stage: WorkflowStage
  step: string
  days: number
  reason: string
  state: ExtensionState
  requestedBy: Actor
  requestedAt: string
  /** The step's current due date. */
  dueOn: string | null
}

export type SupervisionFilter = 'all' | 'overdue' | 'due_soon'

export interface SupervisionRow {
  /** The step (its `filing` is not filled in here: see `filing`). */
  task: Task
  filing: Pick<FilingSummary, 'id' | 'title' | 'status' | 'jurisdiction'> & { receiptNo?: string | null }
  /** The filing's overall due date. */
  filingDueOn?: string | null
  dueOn: string | null
  remainingWorkdays: number | null
  overdue: boolean
  dueSoon: boolean
}

export interface SupervisionPage {
  today: string
  total: number
  rows: SupervisionRow[]
}

export type NotificationKind =
  'task_assigned' | 'returned' | 'due_soon' | 'overdue' | 'supervision' | 'decision' | 'extension'

export interface AppNotification {
  id: number
  kind: NotificationKind | string
  filingId: number | null
  taskId: number | null
  title: MaybeBilingual
  body: MaybeBilingual | null
  createdAt: string
  readAt: string | null
}

/** GET /api/public/progress (no login). */
export interface PublicProgress {
  receiptNo: string
  status: FilingStatus
  receivedOn: string | null
  promisedDate: string | null
  currentStep: Bilingual | null
  decidedOn: string | null
}

export interface CalendarDay {
  /** YYYY-MM-DD */
  day: string
  workday: boolean
  /** The holiday (for a make-up working day: the holiday it makes up for); an override's note. */
  name?: string | null
  /** The holiday in English (national calendar days only). */
  nameEn?: string | null
  /** Where the day's status comes from: `package` (the national calendar), `override`, `weekend`. */
  source: string
}

export interface CalendarOverride {
  day: string
  workday: boolean
  note?: string | null
  updatedBy?: Actor
  updatedAt?: string
}

export interface CalendarYear {
  year?: number
  days: CalendarDay[]
  overrides: CalendarOverride[]
}
