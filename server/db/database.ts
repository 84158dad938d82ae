/**
 * The database handle every part of the server uses: plain SQL with `$n` parameters through `pg`,
 * the same code for the embedded PGlite database and for a PostgreSQL server.
 */
import pg from 'pg'

export type Row = Record<string, unknown>

/** Something that runs a query: the database itself or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>
}

export type DatabaseMode = 'embedded' | 'server'

export interface Database extends Queryable {
  readonly mode: DatabaseMode
  /** The connection URL (may hold a password: never log it; log `redactedUrl`). */
  readonly url: string
  readonly redactedUrl: string
  readonly pool: pg.Pool
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Opens up to `connections` connections at once (as the pool allows) and primes each
   * (PRIME_CONNECTION); they stay in the pool. After the migrations, which define what it primes.
   */
  prime(connections: number): Promise<void>
  /** Runs `fn` with one connection of the pool (for tools that need a client, such as migrations). */
  withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>
  close(): Promise<void>
}

// int8 (count(*), bigserial ids) as JavaScript numbers: ids and counts here stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
// date (promised dates) as the 'YYYY-MM-DD' text it is, not a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)
// numeric as number (areas); the precision we store fits a double.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))

/**
 * What a connection runs first. Its first coordinate transformation loads PROJ and builds the
 * CGCS2000 (EPSG:4490) ↔ equal-area (SRID 990001) transformations, 40–110 ms on this machine's server
 * backends, once per connection; its first geography area sets up the spheroid. Priming keeps that out of
 * the first accept or check the connection serves. Before the migrations define SRID 990001 it finds no
 * row and does nothing.
 */
export const PRIME_CONNECTION = `SELECT ST_Transform(ST_SetSRID(ST_MakePoint(105, 35), 4490), s.srid),
       ST_Transform(ST_SetSRID(ST_MakePoint(0, 3900000), s.srid), 4490),
       ST_Area(ST_Expand(ST_SetSRID(ST_MakePoint(105, 35), 4490), 0.001)::geography, true)
  FROM spatial_ref_sys s WHERE s.srid = 990001`

/**
 * A tag per client object: the embedded database is one PostgreSQL session behind its socket, shared by
 * every client that connects to it, so a statement prepared by one client exists for the next one too.
 */
const clientTags = new WeakMap<object, string>()
let nextClientTag = 0

/**
 * Runs `text` as a prepared statement: each connection parses and plans it once (the check run's
 * statement, whose planning takes a few milliseconds, runs on every upload). `name` must be unique per
 * text (a hash of it); the statement is prepared under `name` and a tag of the client.
 */
export function queryPrepared<R extends pg.QueryResultRow = Row>(
  db: Queryable,
  name: string,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const run = (client: pg.ClientBase) => {
    let tag = clientTags.get(client)
    if (tag === undefined) clientTags.set(client, (tag = `${process.pid}_${nextClientTag++}`))
    return client.query<R>({ name: `${name}_${tag}`, text, values })
  }
  // the database borrows a connection; a transaction's client is one
  return 'withClient' in db ? (db as Database).withClient(run) : run(db as unknown as pg.ClientBase)
}

/**
 * A connection is worth keeping after a query error from the database itself (a constraint violation,
 * bad input); after anything else (socket closed, protocol error) it is discarded.
 */
function releaseAfter(client: pg.PoolClient, error: unknown): void {
  client.release(error instanceof pg.DatabaseError ? undefined : (error as Error | undefined))
}

/** Wraps a pg pool into a Database. `onClose` runs after the pool has ended. */
export function databaseFromPool(
  pool: pg.Pool,
  info: { mode: DatabaseMode; url: string; redactedUrl: string },
  onClose: () => Promise<void> = async () => {},
): Database {
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      const result = await fn(client)
      client.release()
      return result
    } catch (error) {
      releaseAfter(client, error)
      throw error
    }
  }
  let closed = false
  return {
    ...info,
    pool,
    query: (text, params) => withClient((c) => c.query(text, params)),
    withClient,
    async prime(connections) {
      const clients = await Promise.all(
        Array.from({ length: Math.min(connections, pool.options.max) }, () => pool.connect()),
      )
      try {
        await Promise.all(clients.map((c) => c.query(PRIME_CONNECTION)))
      } finally {
        for (const c of clients) c.release()
      }
    },
    async transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
      } catch (error) {
        releaseAfter(client, error)
        throw error
      }
      try {
        const result = await fn(client)
        await client.query('COMMIT')
        client.release()
        return result
      } catch (error) {
        // rolled back, the connection is as good as new whatever went wrong (a refusal, a bad input):
        // keep it, primed and with its prepared statements
        const rolledBack = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        )
        if (rolledBack) client.release()
        else releaseAfter(client, error)
        throw error
      }
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
      await onClose()
    },
  }
}
