import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../errors'
import type { Principal } from '../auth/principal'
import type { Role } from '../auth/roles'

/** Middleware: a logged-in user is required (401 otherwise). */
export function requireLogin(req: Request, _res: Response, next: NextFunction): void {
  if (!req.principal) throw new AppError('auth.login_required', 401)
  next()
}

/** Middleware: a logged-in user of one of these roles is required (401 / 403 otherwise). */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.principal) throw new AppError('auth.login_required', 401)
    if (!roles.includes(req.principal.role)) throw new AppError('auth.forbidden', 403)
    next()
  }
}

/** The logged-in user of a request that passed `requireLogin`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError('auth.login_required', 401)
  return req.principal
}
