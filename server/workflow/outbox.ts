/**
 * The outbox dispatcher: takes undelivered rows (`FOR UPDATE SKIP LOCKED`, so several server instances
 * share the work without delivering a row twice), puts each into the recipient's in-app inbox and marks
 * it processed in the same transaction. E-mail (SMTP_URL) and the webhook (WEBHOOK_URL) are fed from the
 * same rows after that transaction commits; a failure there is logged and does not undo the inbox.
 */
import nodemailer from 'nodemailer'
import type { Database } from '../db/database'
import type { Logger } from '../logger'

export interface Channels {
  smtpUrl?: string | undefined
  mailFrom?: string | undefined
  webhookUrl?: string | undefined
  logger?: Logger | undefined
}

interface OutboxRow {
  id: number
  kind: string
  recipient_id: number
  filing_id: number | null
  task_id: number | null
  payload: { title: Record<string, string>; body: Record<string, string>; data: unknown }
  created_at: Date
  email: string | null
}

/** Delivers up to `limit` pending rows; returns how many. */
export async function dispatchOutbox(db: Database, channels: Channels = {}, limit = 200): Promise<number> {
  const delivered = await db.transaction(async (tx) => {
    const { rows } = await tx.query<OutboxRow>(
      `SELECT o.id, o.kind, o.recipient_id, o.filing_id, o.task_id, o.payload, o.created_at, u.email
         FROM outbox o JOIN app_user u ON u.id = o.recipient_id
        WHERE o.processed_at IS NULL ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [limit],
    )
    if (rows.length === 0) return rows
    await tx.query(
      `INSERT INTO notification (outbox_id, user_id, kind, filing_id, task_id, payload, created_at)
       SELECT o.id, o.recipient_id, o.kind, o.filing_id, o.task_id, o.payload, o.created_at
         FROM outbox o WHERE o.id = ANY($1::bigint[])
       ON CONFLICT (outbox_id) DO NOTHING`,
      [rows.map((r) => r.id)],
    )
    await tx.query(
      'UPDATE outbox SET processed_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])',
      [rows.map((r) => r.id)],
    )
    return rows
  })
  if (delivered.length && (channels.smtpUrl || channels.webhookUrl)) await sendExternal(delivered, channels)
  return delivered.length
}

async function sendExternal(rows: OutboxRow[], channels: Channels): Promise<void> {
  const mailer = channels.smtpUrl ? nodemailer.createTransport(channels.smtpUrl) : null
  for (const row of rows) {
    try {
      if (mailer && row.email) {
        await mailer.sendMail({
          from: channels.mailFrom ?? 'landuse@localhost',
          to: row.email,
          subject: `${row.payload.title['zh-CN']} / ${row.payload.title.en}`,
          text: `${row.payload.body['zh-CN']}\n\n${row.payload.body.en}`,
        })
      }
      if (channels.webhookUrl) {
        const res = await fetch(channels.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: row.id,
            kind: row.kind,
            recipientId: row.recipient_id,
            filingId: row.filing_id,
            taskId: row.task_id,
            createdAt: row.created_at,
            ...row.payload,
          }),
          signal: AbortSignal.timeout(5000),
        })
        if (!res.ok) throw new Error(`webhook answered ${res.status}`)
      }
    } catch (err) {
      channels.logger?.warn({ err, outboxId: row.id }, 'notification channel failed')
    }
  }
}
