/**
 * Number, area and date formatting for the UI. Areas arrive in m² (computed on the CGCS2000 ellipsoid);
 * 1 ha = 10 000 m², 1 mu = 10 000 / 15 m² ≈ 666.67 m².
 */
import { currentLocale } from './i18n'

export const M2_PER_HA = 10_000
export const M2_PER_MU = 10_000 / 15

export function toHa(m2: number): number {
  return m2 / M2_PER_HA
}

export function toMu(m2: number): number {
  return m2 / M2_PER_MU
}

function formatNumber(value: number, fractionDigits: number): string {
  return new Intl.NumberFormat(currentLocale(), {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value)
}

/** m² with two decimals, e.g. "12,345.67". */
export function formatM2(m2: number | null | undefined): string {
  return m2 === null || m2 === undefined ? '—' : formatNumber(m2, 2)
}

/** Hectares with four decimals, as land filings report them. */
export function formatHa(m2: number | null | undefined): string {
  return m2 === null || m2 === undefined ? '—' : formatNumber(toHa(m2), 4)
}

/** Mu with two decimals. */
export function formatMu(m2: number | null | undefined): string {
  return m2 === null || m2 === undefined ? '—' : formatNumber(toMu(m2), 2)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A date ("2025-03-01") or the local date of a timestamp; "—" when absent. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** A timestamp as local "YYYY-MM-DD HH:mm"; "—" when absent. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return `${formatDate(value)} ${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** A file size: "532 B", "12.4 KB", "3.1 MB" (1 KB = 1024 B). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—'
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${formatNumber(value, value < 10 ? 1 : 0)} ${units[unit]}`
}
