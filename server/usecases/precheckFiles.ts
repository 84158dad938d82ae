/**
 * A county's pre-check (预审/自检) of a parcel file before anything is filed: read it exactly as an
 * upload → if it reads cleanly, put its parcels in a scratch draft of the county and run every rule on
 * them, inside one transaction that is then rolled back. Nothing is stored; the report is what the same
 * parcels would get once uploaded.
 */
import type { Database } from '../db/database'
import { inspectFiles, type InspectResult } from '../../gis/ingest'
import type { InputFile, ReadLimits } from '../../gis/formats/types'
import { jurisdictionArea } from '../repositories/jurisdictions'
import { copyPreviewIntoParcels, insertPreviewParcels, insertUpload } from '../repositories/uploads'
import { runCheck } from '../check/run'
import { checkReport, type CheckReport } from '../check/report'
import { previewParcels, type UploadRequest } from './receiveUpload'

export class UnknownCounty extends Error {}

export async function precheckFiles(
  db: Database,
  files: InputFile[],
  request: UploadRequest,
  countyCode: string,
  limits: ReadLimits,
): Promise<{ inspect: InspectResult; report: CheckReport | null }> {
  const county = await jurisdictionArea(db, countyCode)
  const { rows: level } = await db.query<{ level: string }>(
    'SELECT level FROM jurisdiction WHERE code = $1',
    [countyCode],
  )
  if (!county || level[0]?.level !== 'county')
    throw new UnknownCounty(`${countyCode} is not a county in the database`)
  const inspect = await inspectFiles(files, { ...request, limits, county })
  if (!inspect.ok) return { inspect, report: null }

  const report = await db.withClient(async (client) => {
    await client.query('BEGIN')
    try {
      const user =
        (await client.query<{ id: number }>('SELECT id FROM app_user ORDER BY id LIMIT 1')).rows[0]?.id ??
        (
          await client.query<{ id: number }>(
            `INSERT INTO app_user (username, display_name, password_hash, role, jurisdiction_code)
             VALUES ('precheck', 'precheck', '-', 'county_clerk', $1) RETURNING id`,
            [countyCode],
          )
        ).rows[0]!.id
      const filing = (
        await client.query<{ id: number }>(
          `INSERT INTO filing (jurisdiction_code, title, filing_type, status, created_by)
           VALUES ($1, 'pre-check', 'batch', 'draft', $2) RETURNING id`,
          [countyCode, user],
        )
      ).rows[0]!.id
      const upload = await insertUpload(client, {
        filingId: filing,
        createdBy: user,
        files: [],
        sha256: '',
        options: {},
      })
      await insertPreviewParcels(client, db.mode, upload, previewParcels(inspect))
      await copyPreviewIntoParcels(client, filing, upload)
      const run = await runCheck(client, filing, 'on_demand', null)
      return await checkReport(client, filing, run)
    } finally {
      await client.query('ROLLBACK')
    }
  })
  return { inspect, report }
}
