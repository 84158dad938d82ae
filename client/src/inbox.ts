/**
 * The unread count of the in-app inbox (GET /api/notifications?unread=1), shared by the header's bell
 * and the inbox page: the layout polls every 30 s while someone is logged in, the inbox page refreshes
 * it after marking notifications read.
 */
import { reactive, readonly } from 'vue'
import { listNotifications } from './api'

/** How often the header asks for the unread count. */
export const INBOX_POLL_MS = 30_000

const state = reactive({ unread: 0 })

export const inbox = readonly(state)

/** Asks the server for the unread count; quiet (a failed poll keeps the last count). */
export async function refreshUnread(): Promise<void> {
  try {
    const answer = await listNotifications(true, true)
    state.unread = typeof answer.unread === 'number' ? answer.unread : answer.notifications.length
  } catch {
    // Offline, or logged out meanwhile: the next poll tries again.
  }
}

/** Sets the count from an answer the inbox page already has. */
export function setUnread(count: number): void {
  state.unread = count
}

/** Polls now and every `INBOX_POLL_MS`; returns the function that stops it. */
export function pollInbox(): () => void {
  void refreshUnread()
  const timer = window.setInterval(() => void refreshUnread(), INBOX_POLL_MS)
  return () => window.clearInterval(timer)
}
