/**
 * Notices of the workflow go into the transactional outbox (`outbox`) in the transaction of the action
 * that causes them, one row per recipient; the dispatcher (outbox.ts) delivers them to the in-app
 * inbox and, when configured, by e-mail and webhook. The text is rendered here in both languages.
 */
import type { Queryable } from '../db/database'

export type NoticeKind =
  | 'task_assigned'
  | 'returned'
  | 'accepted'
  | 'decision'
  | 'due_soon'
  | 'overdue'
  | 'supervision'
  | 'extension'
  | 'extension_decided'

/** Who receives a notice: everyone working in a queue, or one user. */
export type Queue =
  { role: string; jurisdictionCode: string; divisionCode: string | null } | { userId: number }

export interface NoticeData {
  filingId: number
  taskId?: number
  filingTitle: string
  at: Date
  [key: string]: unknown
}

type Bilingual = { 'zh-CN': string; en: string }

const STAGES: Record<string, Bilingual> = {
  city_review: { 'zh-CN': '市级审核', en: 'city review' },
  window_intake: { 'zh-CN': '窗口受理', en: 'window intake' },
  division_review: { 'zh-CN': '处室审查', en: 'division review' },
  signoff: { 'zh-CN': '领导签批', en: 'leader sign-off' },
  release: { 'zh-CN': '发文', en: 'release' },
}

/** Title and body of a notice in both languages. */
export function renderNotice(kind: NoticeKind, d: NoticeData): { title: Bilingual; body: Bilingual } {
  const t = d.filingTitle
  const stage = STAGES[String(d.stage)] ?? { 'zh-CN': String(d.stage ?? ''), en: String(d.stage ?? '') }
  const due = d.dueOn
    ? { zh: `，办理时限 ${String(d.dueOn)}`, en: `, due ${String(d.dueOn)}` }
    : { zh: '', en: '' }
  switch (kind) {
    case 'task_assigned':
      return {
        title: { 'zh-CN': `待办：${stage['zh-CN']}`, en: `New task: ${stage.en}` },
        body: {
          'zh-CN': `《${t}》待您${stage['zh-CN']}${due.zh}`,
          en: `"${t}" awaits your ${stage.en}${due.en}`,
        },
      }
    case 'returned':
      return {
        title: { 'zh-CN': '报件被退回补正', en: 'Filing returned for correction' },
        body: {
          'zh-CN': `《${t}》在${stage['zh-CN']}环节被退回：${String(d.comment ?? '')}`,
          en: `"${t}" was returned at ${stage.en}: ${String(d.comment ?? '')}`,
        },
      }
    case 'accepted':
      return {
        title: { 'zh-CN': '报件已受理', en: 'Filing accepted' },
        body: {
          'zh-CN': `《${t}》已受理，受理编号 ${String(d.receiptNo)}，查询码 ${String(d.publicCode)}，承诺办结日期 ${String(d.dueOn)}`,
          en: `"${t}" was accepted: receipt ${String(d.receiptNo)}, lookup code ${String(d.publicCode)}, promised by ${String(d.dueOn)}`,
        },
      }
    case 'decision':
      return d.decision === 'approved'
        ? {
            title: { 'zh-CN': '报件已批准', en: 'Filing approved' },
            body: { 'zh-CN': `《${t}》已批准并发文`, en: `"${t}" was approved and released` },
          }
        : {
            title: { 'zh-CN': '报件不予批准', en: 'Filing rejected' },
            body: { 'zh-CN': `《${t}》不予批准`, en: `"${t}" was rejected` },
          }
    case 'due_soon':
      return {
        title: { 'zh-CN': '即将到期', en: 'Due soon' },
        body: {
          'zh-CN': `《${t}》${stage['zh-CN']}将于 ${String(d.dueOn)} 到期`,
          en: `"${t}" (${stage.en}) is due on ${String(d.dueOn)}`,
        },
      }
    case 'overdue':
      return {
        title: { 'zh-CN': '已超期', en: 'Overdue' },
        body: {
          'zh-CN': `《${t}》${stage['zh-CN']}已于 ${String(d.dueOn)} 到期，请尽快办理并说明延误原因`,
          en: `"${t}" (${stage.en}) was due on ${String(d.dueOn)}: act now and give the reason for the delay`,
        },
      }
    case 'supervision':
      return {
        title: { 'zh-CN': '督办通知', en: 'Supervision notice' },
        body: {
          'zh-CN': `《${t}》督办：${String(d.message)}`,
          en: `"${t}" supervision: ${String(d.message)}`,
        },
      }
    case 'extension':
      return {
        title: { 'zh-CN': '延期申请待审批', en: 'Extension request to decide' },
        body: {
          'zh-CN': `《${t}》申请延期 ${String(d.days)} 个工作日：${String(d.reason)}`,
          en: `"${t}" asks for ${String(d.days)} more working days: ${String(d.reason)}`,
        },
      }
    case 'extension_decided':
      return d.approve
        ? {
            title: { 'zh-CN': '延期已批准', en: 'Extension approved' },
            body: {
              'zh-CN': `《${t}》延期已批准，新期限 ${String(d.dueOn)}`,
              en: `"${t}": extension approved, now due ${String(d.dueOn)}`,
            },
          }
        : {
            title: { 'zh-CN': '延期未获批准', en: 'Extension refused' },
            body: { 'zh-CN': `《${t}》延期申请未获批准`, en: `"${t}": extension refused` },
          }
  }
}

/** Writes one outbox row per recipient (within the caller's transaction). */
export async function notify(tx: Queryable, kind: NoticeKind, to: Queue, data: NoticeData): Promise<number> {
  const payload = JSON.stringify({ ...renderNotice(kind, data), data: { ...data, at: undefined } })
  const base = [kind, data.filingId, data.taskId ?? null, payload, data.at]
  const { rowCount } =
    'userId' in to
      ? await tx.query(
          `INSERT INTO outbox (kind, filing_id, task_id, payload, created_at, recipient_id) VALUES ($1, $2, $3, $4, $5, $6)`,
          [...base, to.userId],
        )
      : await tx.query(
          `INSERT INTO outbox (kind, filing_id, task_id, payload, created_at, recipient_id)
           SELECT $1, $2, $3, $4, $5, u.id FROM app_user u
            WHERE u.role = $6 AND u.jurisdiction_code = $7 AND ($8::text IS NULL OR u.division_code = $8)
              AND u.disabled_at IS NULL`,
          [...base, to.role, to.jurisdictionCode, to.divisionCode],
        )
  return rowCount ?? 0
}
