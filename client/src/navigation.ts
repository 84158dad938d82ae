/**
 * The side navigation, per role, in one place. A role's first entry is its home page: the county
 * clerk's filings, the queues' "my tasks", the supervisor's clock board.
 *
 * `NAV_ENTRIES` says what a page is called and where it lives; `NAVIGATION` says which roles see it, in
 * menu order. A new page (the window clerk's intake queue, the reviewers' tasks, the leaders' sign-off,
 * the supervision board, user and layer administration) is one entry here plus its route in router.ts,
 * whose `meta.roles` comes from `rolesFor(key)` so the menu and the guard cannot disagree.
 * `Record<Role, …>` makes TypeScript ask for the menu of every new role.
 */
import type { Role } from './types'

export type NavKey =
  'tasks' | 'supervision' | 'filings' | 'map' | 'inbox' | 'layers' | 'calendar' | 'publicMap'

export interface NavEntry {
  key: NavKey
  /** i18n key of the label. */
  label: string
  /** Route path. */
  to: string
  /** Leaves the staff layout (the public map has its own page). */
  leavesLayout?: boolean
}

export const NAV_ENTRIES: Record<NavKey, NavEntry> = {
  tasks: { key: 'tasks', label: 'nav.tasks', to: '/tasks' },
  supervision: { key: 'supervision', label: 'nav.supervision', to: '/supervision' },
  inbox: { key: 'inbox', label: 'nav.inbox', to: '/inbox' },
  calendar: { key: 'calendar', label: 'nav.calendar', to: '/admin/calendar' },
  filings: { key: 'filings', label: 'nav.filings', to: '/filings' },
  map: { key: 'map', label: 'nav.map', to: '/map' },
  layers: { key: 'layers', label: 'nav.layers', to: '/admin/layers' },
  publicMap: { key: 'publicMap', label: 'nav.publicMap', to: '/public', leavesLayout: true },
}

export const NAVIGATION: Record<Role, readonly NavKey[]> = {
  county_clerk: ['filings', 'map', 'inbox', 'publicMap'],
  city_clerk: ['tasks', 'filings', 'map', 'inbox', 'publicMap'],
  window_clerk: ['tasks', 'filings', 'map', 'inbox', 'publicMap'],
  division_reviewer: ['tasks', 'filings', 'map', 'inbox', 'publicMap'],
  leader: ['tasks', 'supervision', 'filings', 'map', 'inbox', 'publicMap'],
  supervisor: ['supervision', 'filings', 'map', 'inbox', 'publicMap'],
  admin: ['filings', 'map', 'supervision', 'layers', 'calendar', 'inbox', 'publicMap'],
}

/** The menu of a role, in order. */
export function navigationFor(role: Role): NavEntry[] {
  return NAVIGATION[role].map((key) => NAV_ENTRIES[key])
}

/** The roles whose menu has the entry: the `meta.roles` of its route. */
export function rolesFor(key: NavKey): Role[] {
  return (Object.keys(NAVIGATION) as Role[]).filter((role) => NAVIGATION[role].includes(key))
}

/** Where a role lands after login (its first menu entry inside the layout). */
export function homeFor(role: Role): string {
  return navigationFor(role).find((entry) => !entry.leavesLayout)?.to ?? '/public'
}

/** `next` from the login URL, if it is a path of this site (never another origin). */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return null
  }
  return next
}
