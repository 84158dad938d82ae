import type { Level, Role } from './roles'

/** The logged-in user as every use case sees it: who, which role, which jurisdiction subtree. */
export interface Principal {
  id: number
  username: string
  displayName: string
  role: Role
  divisionCode: string | null
  jurisdictionCode: string
  jurisdictionLevel: Level
  /** Path of the user's jurisdiction ('520000/520100/'): the user sees filings under it. */
  jurisdictionPath: string
}
