import { queryPrepared, type Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import type { Level, Role } from '../auth/roles'

/** A user as the API shows it (docs/api.md `User`). */
export interface UserDto {
  id: number
  username: string
  displayName: string
  role: Role
  division: { code: string; nameZh: string; nameEn: string } | null
  jurisdiction: { code: string; name: string; nameEn: string; level: Level }
}

export interface Credentials {
  id: number
  passwordHash: string
  disabled: boolean
}

/** The stored password hash of a user name (case-insensitive), or null. */
export async function findCredentials(db: Queryable, username: string): Promise<Credentials | null> {
  const { rows } = await db.query<{ id: number; password_hash: string; disabled: boolean }>(
    `SELECT id, password_hash, disabled_at IS NOT NULL AS disabled FROM app_user WHERE lower(username) = lower($1)`,
    [username],
  )
  const row = rows[0]
  return row ? { id: row.id, passwordHash: row.password_hash, disabled: row.disabled } : null
}

const USER_SELECT = `
  SELECT u.id, u.username, u.display_name, u.role, u.division_code, u.disabled_at IS NOT NULL AS disabled,
         d.name_zh AS division_name_zh, d.name_en AS division_name_en,
         j.code AS jurisdiction_code, j.name AS jurisdiction_name, j.name_en AS jurisdiction_name_en,
         j.level AS jurisdiction_level, j.path AS jurisdiction_path
    FROM app_user u
    JOIN jurisdiction j ON j.code = u.jurisdiction_code
    LEFT JOIN division d ON d.code = u.division_code`

interface UserRow {
  id: number
  username: string
  display_name: string
  role: Role
  division_code: string | null
  disabled: boolean
  division_name_zh: string | null
  division_name_en: string | null
  jurisdiction_code: string
  jurisdiction_name: string
  jurisdiction_name_en: string
  jurisdiction_level: Level
  jurisdiction_path: string
}

export interface UserRecord {
  principal: Principal
  dto: UserDto
  disabled: boolean
}

function toRecord(row: UserRow): UserRecord {
  return {
    disabled: row.disabled,
    principal: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      divisionCode: row.division_code,
      jurisdictionCode: row.jurisdiction_code,
      jurisdictionLevel: row.jurisdiction_level,
      jurisdictionPath: row.jurisdiction_path,
    },
    dto: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      division: row.division_code
        ? { code: row.division_code, nameZh: row.division_name_zh ?? '', nameEn: row.division_name_en ?? '' }
        : null,
      jurisdiction: {
        code: row.jurisdiction_code,
        name: row.jurisdiction_name,
        nameEn: row.jurisdiction_name_en,
        level: row.jurisdiction_level,
      },
    },
  }
}

/** A user by id with everything authorisation needs, or null. */
export async function findUserById(db: Queryable, id: number): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [id])
  return rows[0] ? toRecord(rows[0]) : null
}

/**
 * A live session (not expired at `nowSeconds`) and the user it names, in one query: what every API
 * request needs first. Null when there is no such session; `user` is null when the session names no
 * user (not logged in) or one that no longer exists.
 */
export async function findSessionWithUser(
  db: Queryable,
  sid: string,
  nowSeconds: number,
): Promise<{ sess: Record<string, unknown>; user: UserRecord | null } | null> {
  // prepared: it runs on every request, and planning it took about as long as running it
  const { rows } = await queryPrepared<{ sess: Record<string, unknown> } & Partial<UserRow>>(
    db,
    'session_with_user',
    `SELECT s.sess, x.*
       FROM user_session s
       LEFT JOIN LATERAL (
         ${USER_SELECT}
          WHERE u.id = CASE WHEN s.sess ->> 'userId' ~ '^[0-9]{1,18}$' THEN (s.sess ->> 'userId')::bigint END
       ) x ON true
      WHERE s.sid = $1 AND s.expire >= to_timestamp($2)`,
    [sid, nowSeconds],
  )
  const row = rows[0]
  if (!row) return null
  const { sess, ...user } = row
  return { sess, user: user.id == null ? null : toRecord(user as UserRow) }
}

/** Every user, for administration and the CLI. */
export async function listUsers(db: Queryable): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} ORDER BY j.path, u.role, u.username`)
  return rows.map(toRecord)
}

export interface NewUser {
  username: string
  displayName: string
  passwordHash: string
  role: Role
  divisionCode: string | null
  jurisdictionCode: string
  isDemo?: boolean
}

/** Inserts a user; returns its id. */
export async function insertUser(db: Queryable, user: NewUser): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, password_hash, role, division_code, jurisdiction_code, is_demo)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      user.username,
      user.displayName,
      user.passwordHash,
      user.role,
      user.divisionCode,
      user.jurisdictionCode,
      user.isDemo ?? false,
    ],
  )
  return rows[0]!.id
}
