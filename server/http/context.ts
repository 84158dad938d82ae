import type { Locale } from '../messages'
import type { Principal } from '../auth/principal'
import type { UserDto } from '../repositories/users'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The user's language for messages (from Accept-Language). */
      locale: Locale
      /** The logged-in user, when there is one. */
      principal?: Principal
      user?: UserDto
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId: number
  }
}

export {}
