import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF protection for state-changing API requests, on top of SameSite=Strict session cookies:
 * the request must come from this site's own pages (its Origin, or failing that its Referer, equals the
 * server's origin) and carry `X-Requested-With: landuse`, a header a cross-site form cannot set and a
 * cross-site script cannot send without a CORS preflight this server never grants.
 */
export function csrfGuard(publicOrigin: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next()
    const expected = publicOrigin ?? `${req.protocol}://${req.get('host')}`
    const origin = req.get('origin') ?? originOf(req.get('referer'))
    if (origin !== expected || req.get('x-requested-with') !== 'landuse') {
      throw new AppError('csrf.rejected', 403)
    }
    next()
  }
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
