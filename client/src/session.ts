/**
 * The logged-in user, as a small reactive store (no Pinia): `me()` once at start, then `login()` and
 * `logout()`. Components read `session.user`; the router guard awaits `ensureSession()`.
 */
import { reactive, readonly } from 'vue'
import * as api from './api'
import type { Role, User } from './types'

const state = reactive<{ user: User | null; checked: boolean }>({ user: null, checked: false })

/** Read-only view of the session for components. */
export const session = readonly(state)

let pending: Promise<User | null> | null = null

/** Asks the server who is logged in (GET /api/auth/me). */
export async function me(): Promise<User | null> {
  try {
    state.user = await api.getMe()
  } catch {
    state.user = null
  } finally {
    state.checked = true
  }
  return state.user
}

/** The current user, once the first `me()` of this page has answered (shared by every caller). */
export async function ensureSession(): Promise<User | null> {
  pending ??= me()
  await pending
  return state.user
}

/** Logs in and keeps the user; throws `ApiError` (invalid credentials, rate limited) for the form. */
export async function login(username: string, password: string): Promise<User> {
  const user = await api.login(username, password)
  state.user = user
  state.checked = true
  return user
}

/** Logs out on the server (best effort) and forgets the user. */
export async function logout(): Promise<void> {
  try {
    await api.logout()
  } finally {
    state.user = null
  }
}

/** Forgets the user without asking the server (after a 401). */
export function clearSession(): void {
  state.user = null
}

/** Whether the current user has one of the roles. */
export function hasRole(roles: readonly Role[]): boolean {
  return state.user !== null && roles.includes(state.user.role)
}
