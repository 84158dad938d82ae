/**
 * Many rows into one table, fast, inside the caller's transaction. On a PostgreSQL server: COPY
 * (text format); on the embedded database, whose socket does not carry COPY: multi-row INSERTs that
 * unnest one array per column. Values are text, numbers, booleans, null, bytes given as hex, JSON text
 * for a jsonb column, or a geometry as hex EWKB. Rows may come from a generator or an async generator
 * (a file read as it is inserted: memory stays flat however many rows there are).
 */
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { DatabaseMode, Queryable } from './database'

export type ColumnType = 'int' | 'bigint' | 'float8' | 'text' | 'bool' | 'bytea' | 'jsonb' | 'geometry'
export type BulkValue = string | number | boolean | null

export interface BulkTable {
  table: string
  columns: { name: string; type: ColumnType }[]
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

function checkIdentifiers(t: BulkTable): void {
  for (const name of [t.table, ...t.columns.map((c) => c.name)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`bulk insert: bad identifier ${name}`)
  }
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function copyField(value: BulkValue, type: ColumnType): string {
  if (value === null) return '\\N'
  if (type === 'bytea') return `\\\\x${value as string}`
  if (type === 'bool') return value ? 't' : 'f'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N'
  return String(value).replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!)
}

const BATCH = 10_000

/** How the unnest INSERT turns the text array element of a column into its value. */
function unnestValue(type: ColumnType, i: number): string {
  if (type === 'bytea') return `decode(u.c${i}, 'hex')`
  if (type === 'jsonb') return `u.c${i}::jsonb`
  if (type === 'geometry') return `u.c${i}::geometry`
  return `u.c${i}`
}

const TEXT_ARRAY: ReadonlySet<ColumnType> = new Set(['bytea', 'jsonb', 'geometry'])

/** Inserts `rows` (arrays in column order) into the table. `db` must be a transaction's client. */
export async function bulkInsert(
  db: Queryable,
  mode: DatabaseMode,
  t: BulkTable,
  rows: Iterable<BulkValue[]> | AsyncIterable<BulkValue[]>,
): Promise<void> {
  checkIdentifiers(t)
  const names = t.columns.map((c) => c.name).join(', ')
  if (mode === 'server') {
    const copy = (db as pg.PoolClient).query(copyFrom(`COPY ${t.table} (${names}) FROM STDIN`))
    async function* chunks() {
      let chunk = ''
      for await (const row of rows) {
        chunk += row.map((v, i) => copyField(v, t.columns[i]!.type)).join('\t') + '\n'
        if (chunk.length > 1 << 16) {
          yield chunk
          chunk = ''
        }
      }
      if (chunk) yield chunk
    }
    await pipeline(Readable.from(chunks()), copy)
    return
  }
  const select = t.columns.map((c, i) => unnestValue(c.type, i)).join(', ')
  const unnest = t.columns
    .map((c, i) => `$${i + 1}::${TEXT_ARRAY.has(c.type) ? 'text' : c.type}[]`)
    .join(', ')
  const aliases = t.columns.map((_c, i) => `c${i}`).join(', ')
  const sql = `INSERT INTO ${t.table} (${names}) SELECT ${select} FROM unnest(${unnest}) AS u(${aliases})`
  let pending: Promise<unknown> | null = null
  let columns: BulkValue[][] = t.columns.map(() => [])
  let count = 0
  try {
    for await (const row of rows) {
      row.forEach((v, i) => columns[i]!.push(typeof v === 'number' && !Number.isFinite(v) ? null : v))
      if (++count === BATCH) {
        // build the next batch while the database writes this one
        if (pending) await pending
        pending = db.query(sql, columns)
        columns = t.columns.map(() => [])
        count = 0
      }
    }
  } catch (error) {
    // the rows failed (a file that turns out unreadable half-way): let the batch in flight settle first
    await pending?.catch(() => {})
    throw error
  }
  if (pending) await pending
  if (count) await db.query(sql, columns)
}
