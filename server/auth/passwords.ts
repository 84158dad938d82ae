import { hash, verify } from '@node-rs/argon2'

/** argon2id with the library's defaults (19 MiB, 2 passes), as OWASP recommends. */
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

/** Whether a password matches a stored argon2 hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password)
  } catch {
    return false
  }
}

/** A hash of a random password, compared against when the user name is unknown (same timing). */
let decoy: Promise<string> | undefined
export function decoyHash(): Promise<string> {
  decoy ??= hash(`decoy-${Math.random()}`)
  return decoy
}

/** Password rules for accounts created by an administrator. Returns the problem, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'at least 10 characters'
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) return 'letters and digits'
  return null
}
