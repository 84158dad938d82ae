/** The roles of the system (GLOSSARY) and what level of jurisdiction each belongs to. */
export const ROLES = [
  'county_clerk',
  'city_clerk',
  'window_clerk',
  'division_reviewer',
  'leader',
  'supervisor',
  'admin',
] as const
export type Role = (typeof ROLES)[number]

export type Level = 'province' | 'city' | 'county'

/** The jurisdiction level a user of each role sits at (supervisors may also watch one city). */
export const ROLE_LEVELS: Record<Role, readonly Level[]> = {
  county_clerk: ['county'],
  city_clerk: ['city'],
  window_clerk: ['province'],
  division_reviewer: ['province'],
  leader: ['province'],
  supervisor: ['province', 'city'],
  admin: ['province'],
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}
