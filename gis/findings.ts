/**
 * A finding: one thing wrong (error) or worth knowing (warning) about an uploaded file or one of its
 * features, said in both languages, precise enough to act on: which file, which feature, which parcel
 * number, which field, where. Errors block an import; warnings do not.
 */
export type Severity = 'error' | 'warning'

export interface Finding {
  /** 0-based position of the feature in the file (record, Feature, parcel block), null for the file. */
  featureIndex: number | null
  /** The parcel number of that feature when it has one. */
  parcelNo: string | null
  /** Stable, dotted identifier, e.g. `ring.unclosed`, `dbf.encoding_guessed`, `crs.inferred`. */
  code: string
  severity: Severity
  message: { 'zh-CN': string; en: string }
  /** Where, in EPSG:4490 [lon, lat], when there is a place to point at (filled in once the CRS is known). */
  location: [number, number] | null
  /** Where, in the file's own coordinates, before the CRS is known (readers set this, not `location`). */
  sourceLocation?: [number, number] | null
  /** Structured specifics (field name, expected and actual values, areas). */
  details?: Record<string, unknown>
}

/** Builds a finding; `where` carries the feature and places. */
export function finding(
  code: string,
  severity: Severity,
  zh: string,
  en: string,
  where: {
    featureIndex?: number | null
    parcelNo?: string | null
    location?: [number, number] | null
    sourceLocation?: [number, number] | null
    details?: Record<string, unknown>
  } = {},
): Finding {
  return {
    featureIndex: where.featureIndex ?? null,
    parcelNo: where.parcelNo ?? null,
    code,
    severity,
    message: { 'zh-CN': zh, en },
    location: where.location ?? null,
    ...(where.sourceLocation !== undefined ? { sourceLocation: where.sourceLocation } : {}),
    ...(where.details ? { details: where.details } : {}),
  }
}

/** An input the system cannot read at all (not a zip, no .shp, not GeoJSON …): the whole upload is refused. */
export class UnreadableUpload extends Error {
  constructor(readonly findings: Finding[]) {
    super(findings.map((f) => f.message.en).join('; '))
    this.name = 'UnreadableUpload'
  }
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error')
}
