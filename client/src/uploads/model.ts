/**
 * The client side of parcel uploads (docs/api.md, "Parcel uploads"): what a check produced, which files
 * the upload input accepts, and when detection was unsure enough to offer the override controls.
 */
import type { Locale } from '../i18n'
import type { Finding, UploadPreview } from '../types'

/** What the upload input accepts (the server decides by content, this only filters the picker). */
export const ACCEPTED_EXTENSIONS = [
  '.zip',
  '.geojson',
  '.json',
  '.txt',
  '.shp',
  '.shx',
  '.dbf',
  '.prj',
  '.cpg',
]

/** Encodings a user may force for DBF attributes or the text format. */
export const ENCODINGS = [
  { value: 'gbk', label: 'GBK' },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'big5', label: 'Big5' },
  { value: 'gb18030', label: 'GB18030' },
  { value: 'cp1252', label: 'CP1252 (Windows Latin-1)' },
] as const

/**
 * What a reference-layer import accepts: shapefiles (zip or loose parts), GeoJSON and newline-delimited
 * GeoJSON (the server's layer reader streams `.geojsonl` and its other names).
 */
export const LAYER_EXTENSIONS = [
  '.zip',
  '.geojson',
  '.json',
  '.geojsonl',
  '.geojsons',
  '.geojsonseq',
  '.ndjson',
  '.shp',
  '.shx',
  '.dbf',
  '.prj',
  '.cpg',
]

/** Whether a file name ends with one of the extensions (any case). */
export function hasExtension(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase()
  return extensions.some((ext) => lower.endsWith(ext))
}

/** The result of a check, shown as the preview. */
export interface CheckResult {
  /** The server's preview; null when the files could not be read at all (422 upload.unreadable). */
  upload: UploadPreview | null
  findings: Finding[]
  fileNames: string[]
  /** Checked from files this page still holds: "check again" can re-send them with other overrides. */
  live: boolean
}

/** A result from an upload the server answered with (POST, or GET from the history). */
export function resultOf(upload: UploadPreview, live: boolean): CheckResult {
  return { upload, findings: upload.findings ?? [], fileNames: upload.fileNames ?? [], live }
}

function isFinding(value: unknown): value is Finding {
  if (typeof value !== 'object' || value === null) return false
  const f = value as Partial<Finding>
  return (
    typeof f.code === 'string' &&
    (f.severity === 'error' || f.severity === 'warning') &&
    typeof f.message === 'object' &&
    f.message !== null
  )
}

/** The findings of a `422 upload.unreadable` answer (`error.details`), ignoring anything else. */
export function findingsOf(details: readonly unknown[]): Finding[] {
  return details.filter(isFinding).map((f) => ({
    ...f,
    featureIndex: typeof f.featureIndex === 'number' ? f.featureIndex : null,
    parcelNo: f.parcelNo ?? null,
    location: Array.isArray(f.location) && f.location.length === 2 ? f.location : null,
  }))
}

/**
 * Detection was unsure: the CRS was inferred or doubtful (`crs.*`), the DBF encoding guessed
 * (`dbf.encoding*`), or a zip holds several layers (`shapefile.choose_layer`). Then the override
 * controls open by themselves.
 */
export function detectionUnsure(result: CheckResult | null): boolean {
  if (!result) return false
  if ((result.upload?.layers.length ?? 0) > 1) return true
  return result.findings.some(
    (f) =>
      f.code.startsWith('crs.') || f.code.startsWith('dbf.encoding') || f.code === 'shapefile.choose_layer',
  )
}

/** The message of a finding in the UI language (the other one when that is missing). */
export function findingMessage(finding: Finding, locale: Locale): string {
  const { message } = finding
  return (locale === 'en' ? message.en || message['zh-CN'] : message['zh-CN'] || message.en) ?? finding.code
}

/** Errors first, then warnings; the server's order within each. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [
    ...findings.filter((f) => f.severity === 'error'),
    ...findings.filter((f) => f.severity !== 'error'),
  ]
}

export function errorCount(result: CheckResult): number {
  return result.upload?.errorCount ?? result.findings.filter((f) => f.severity === 'error').length
}

export function warningCount(result: CheckResult): number {
  return result.upload?.warningCount ?? result.findings.filter((f) => f.severity === 'warning').length
}
