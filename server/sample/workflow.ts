/**
 * Brings each sample filing to its state through the real workflow core, with the clock set to the
 * sample's dates: submitted, forwarded by its city, accepted at the window (the clock starts), reviewed
 * by the divisions, signed, released. So every sample filing has the tasks, due dates, audit trail and
 * notices a real one would have, and the demo accounts find work in their queues.
 */
import type { Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import type { FilingStatus } from '../repositories/filings'
import { findUserById } from '../repositories/users'
import type { ProcessRegistry } from '../workflow/definition'
import {
  actOnTask,
  submitFiling,
  withdrawFiling,
  type TaskAction,
  type WorkflowEnv,
} from '../workflow/engine'

export interface SampleTimeline {
  status: FilingStatus
  receiptNo: string | null
  acceptedAt: string | null
  decidedAt: string | null
  createdBy: string
}

const HOUR = 3600_000
const DIVISION_REVIEWERS = [
  'reviewer.farmland',
  'reviewer.planning',
  'reviewer.landuse',
  'reviewer.cadastre',
  'reviewer.legal',
]

export async function driveSampleFiling(
  tx: Queryable,
  registry: ProcessRegistry,
  filingId: number,
  sample: SampleTimeline,
  userIds: Map<string, number>,
): Promise<void> {
  if (sample.status === 'draft') return
  const principal = async (username: string): Promise<Principal> => {
    const id = userIds.get(username)
    const user = id === undefined ? null : await findUserById(tx, id)
    if (!user) throw new Error(`sample workflow: no demo user ${username}`)
    return user.principal
  }
  const county = await principal(sample.createdBy)
  const { rows: cityUser } = await tx.query<{ username: string }>(
    `SELECT u.username FROM app_user u JOIN jurisdiction j ON j.parent_code = u.jurisdiction_code
      WHERE u.role = 'city_clerk' AND j.code = $1 ORDER BY u.id LIMIT 1`,
    [county.jurisdictionCode],
  )
  const accepted = sample.acceptedAt ? new Date(sample.acceptedAt) : null
  const decided = sample.decidedAt ? new Date(sample.decidedAt) : null
  // before acceptance, the sample's filings moved in the last days before loading
  const base = accepted ?? new Date(Date.now() - 2 * 24 * HOUR)
  let clock = new Date(base.getTime() - 3 * 24 * HOUR)
  const env = (at: Date): WorkflowEnv => ({ registry, now: () => at })

  const filingVersion = async () =>
    (await tx.query<{ version: number }>('SELECT version FROM filing WHERE id = $1', [filingId])).rows[0]!
      .version
  const openTask = async (stage: string, division?: string) => {
    const { rows } = await tx.query<{ id: number; version: number }>(
      `SELECT id, version FROM task WHERE filing_id = $1 AND stage = $2 AND state = 'open'
          AND ($3::text IS NULL OR division_code = $3) ORDER BY seq, id LIMIT 1`,
      [filingId, stage, division ?? null],
    )
    if (!rows[0]) throw new Error(`sample workflow: filing ${filingId} has no open ${stage} task`)
    return rows[0]
  }
  const act = async (
    who: string,
    stage: string,
    action: TaskAction,
    at: Date,
    comment?: string,
    division?: string,
  ) => {
    const task = await openTask(stage, division)
    await actOnTask(tx, env(at), await principal(who), task.id, {
      version: task.version,
      action,
      ...(comment ? { comment } : {}),
    })
  }
  const { rows: worst } = await tx.query<{ worst: string | null }>(
    'SELECT worst FROM check_run WHERE filing_id = $1 ORDER BY id DESC LIMIT 1',
    [filingId],
  )
  await submitFiling(tx, env(clock), county, filingId, {
    version: await filingVersion(),
    ...(worst[0]?.worst === 'block'
      ? { justification: '重点民生项目，已与市县规划部门核对，申请省厅统筹研究（样例数据）' }
      : {}),
  })
  if (sample.status === 'city_review') return
  clock = new Date(base.getTime() - 1 * 24 * HOUR)
  await act(cityUser[0]!.username, 'city_review', 'forward', clock)
  if (sample.status === 'window_intake') return

  await act('window', 'window_intake', 'accept', base)
  if (sample.receiptNo)
    await tx.query('UPDATE filing SET receipt_no = $2 WHERE id = $1', [filingId, sample.receiptNo])
  const step = (hours: number) => new Date(base.getTime() + hours * HOUR)

  if (sample.status === 'withdrawn') {
    await withdrawFiling(tx, env(step(50)), county, filingId, {
      version: await filingVersion(),
      reason: '项目选址调整，撤回报件（样例数据）',
    })
    return
  }
  const divisions = ['farmland_protection', 'planning', 'land_use', 'cadastre', 'legal']
  const answers = sample.status === 'under_review' ? 2 : 5
  for (let i = 0; i < answers; i++) {
    const returned = sample.status === 'returned' && i === 0
    const rejected = sample.status === 'rejected' && i === 0
    await act(
      DIVISION_REVIEWERS[i]!,
      'division_review',
      returned ? 'needs_correction' : rejected ? 'disagree' : 'agree',
      step(20 + i * 3),
      returned
        ? '地块 DK-02 界址点与坐标交换文件不一致，请核实后重新上传'
        : rejected
          ? '项目占用永久基本农田，不符合占用条件'
          : '同意',
      divisions[i],
    )
  }
  if (sample.status === 'under_review' || sample.status === 'returned') return
  const end = decided ?? step(100)
  const before = (hours: number) => new Date(end.getTime() - hours * HOUR)
  if (sample.status === 'signoff') return
  if (sample.status === 'rejected') {
    await act('leader1', 'signoff', 'reject', before(24), '占用永久基本农田，不予批准')
  } else {
    await act('leader1', 'signoff', 'approve', before(48), '同意')
    await act('leader2', 'signoff', 'approve', before(24), '同意')
  }
  await act('window', 'release', 'release', end)
}
