/**
 * Deterministic text for the generated files: keys in the order the generator builds objects, numbers
 * as JavaScript prints them (already rounded by the generator), LF line ends, a final newline.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** A GeoJSON FeatureCollection with one feature per line (small diffs, still valid JSON). */
export function featureCollectionText(features: readonly unknown[]): string {
  if (features.length === 0) return '{"type":"FeatureCollection","features":[]}\n'
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`
}

function isCoordinates(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' || isCoordinates(v))
}

/** Indented JSON in which coordinate arrays (arrays of numbers, at any depth) stay on one line. */
export function jsonText(value: unknown): string {
  const write = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v)
    const inner = `${indent}  `
    if (Array.isArray(v)) {
      if (v.length === 0 || isCoordinates(v)) return JSON.stringify(v)
      return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`
    }
    const entries = Object.entries(v).filter(([, x]) => x !== undefined)
    if (entries.length === 0) return '{}'
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`
  }
  return `${write(value, '')}\n`
}

/** Writes a file, creating its folder; returns the number of bytes written. */
export function writeOut(path: string, content: string | Uint8Array): number {
  mkdirSync(dirname(path), { recursive: true })
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  writeFileSync(path, bytes)
  return bytes.length
}
