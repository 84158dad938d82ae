import type { Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError, notFound } from '../errors'
import { findVisibleFiling, isFilingVisible, type FilingSummary } from '../repositories/filings'

/** Statuses in which the county may still change a filing's parcels. */
export const EDITABLE_STATUSES = ['draft', 'returned'] as const

/** A filing the user may see, or 404 (a filing outside their scope is indistinguishable from none). */
export async function visibleFilingOr404(db: Queryable, p: Principal, id: number): Promise<FilingSummary> {
  const filing = await findVisibleFiling(db, p, id)
  if (!filing) throw notFound('filing.not_found', { id })
  return filing
}

/** 404 unless the user may see the filing (for routes that need no more of it). */
export async function assertFilingVisible(db: Queryable, p: Principal, id: number): Promise<void> {
  if (!(await isFilingVisible(db, p, id))) throw notFound('filing.not_found', { id })
}

/**
 * A filing whose parcels this user may change: a county clerk of the filing's own county, while the
 * filing is a draft or back for correction. 404 outside the user's scope, 403 for another role,
 * 409 when the filing has moved on.
 */
export async function editableFiling(db: Queryable, p: Principal, id: number): Promise<FilingSummary> {
  const filing = await visibleFilingOr404(db, p, id)
  assertEditable(p, id, { status: filing.status, jurisdictionCode: filing.jurisdiction.code })
  return filing
}

/** editableFiling's rule on a filing the caller has read itself (null: the user may not see it). */
export function assertEditable(
  p: Principal,
  id: number,
  filing: { status: string; jurisdictionCode: string } | null,
): void {
  if (!filing) throw notFound('filing.not_found', { id })
  if (p.role !== 'county_clerk' || p.jurisdictionCode !== filing.jurisdictionCode) {
    throw new AppError('auth.forbidden', 403)
  }
  if (!(EDITABLE_STATUSES as readonly string[]).includes(filing.status)) {
    throw new AppError('filing.not_editable', 409, { id, status: filing.status })
  }
}
