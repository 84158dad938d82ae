import type { Queryable } from '../db/database'
import { AppError } from '../errors'
import { recordAudit } from '../repositories/audit'
import { findCredentials, findUserById, type UserRecord } from '../repositories/users'
import { decoyHash, verifyPassword } from './passwords'

/**
 * Checks a user name and password: unknown user, wrong password and disabled account all take the same
 * time and, except for a disabled account with the right password, give the same answer. Every attempt
 * is recorded in the audit trail.
 */
export async function login(
  db: Queryable,
  input: { username: string; password: string; clientIp: string | undefined },
): Promise<UserRecord> {
  const credentials = await findCredentials(db, input.username)
  const ok = await verifyPassword(credentials?.passwordHash ?? (await decoyHash()), input.password)
  if (!credentials || !ok) {
    await recordAudit(db, {
      actorId: credentials?.id ?? null,
      actorRole: null,
      action: 'auth.login_failed',
      subjectType: 'user',
      subjectId: input.username.slice(0, 64),
      clientIp: input.clientIp,
    })
    throw new AppError('auth.invalid_credentials', 401)
  }
  if (credentials.disabled) throw new AppError('auth.account_disabled', 403)
  const user = (await findUserById(db, credentials.id))!
  await recordAudit(db, {
    actorId: user.principal.id,
    actorRole: user.principal.role,
    action: 'auth.login',
    subjectType: 'user',
    subjectId: user.principal.id,
    clientIp: input.clientIp,
  })
  return user
}
