/**
 * The compliance rules on hand-made geometry whose overlap areas are known: squares laid out in the
 * Gauss-Krüger plane of zone 36 (EPSG:4524) far from the sample filings, with fresh layer versions that
 * hold only these features. Plane areas are exact by construction; the ellipsoidal areas the check
 * reports differ from them by the GK scale factor (< 0.1 % here) and must equal PostGIS's
 * ST_Area(geography) within 0.01 %.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import { planRun, runCheck, runScript } from '../../server/check/run'
import { checkReport, type CheckReport, type FindingDto } from '../../server/check/report'
import { diffRuns } from '../../server/check/diff'
import { transformer } from '../../gis/crs'
import { testDatabase, backend } from '../helpers/db'

type Ring = [number, number][]
const ORIGIN = transformer(4490, 4524).forward([107.3, 27.45]) as [number, number]

/** A rectangle in the zone-36 plane, `x`/`y` metres east/north of the origin. */
function rect(x: number, y: number, w: number, h: number): Ring {
  const [x0, y0] = [ORIGIN[0] + x, ORIGIN[1] + y]
  return [
    [x0, y0],
    [x0, y0 + h],
    [x0 + w, y0 + h],
    [x0 + w, y0],
    [x0, y0],
  ]
}

const wkt = (ring: Ring) => `POLYGON((${ring.map((p) => p.join(' ')).join(',')}))`

describe(`server/check rules on hand-made geometry (${backend()})`, () => {
  let db: Database
  let filingId: number
  let clerk: number
  let report: CheckReport

  async function newFiling(status = 'draft', code = '520102'): Promise<number> {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO filing (jurisdiction_code, title, filing_type, status, created_by)
       VALUES ($1, 'rule fixture', 'batch', $2, $3) RETURNING id`,
      [code, status, clerk],
    )
    return rows[0]!.id
  }

  async function addParcel(
    filing: number,
    no: string,
    ring: Ring,
    declaredM2: number | null = null,
  ): Promise<void> {
    await db.query(
      `INSERT INTO parcel (filing_id, parcel_no, declared_area_m2, geom, source_geom)
       VALUES ($1, $2, $3, ST_Multi(ST_Transform(ST_GeomFromText($4, 4524), 4490)), ST_Multi(ST_GeomFromText($4, 4524)))`,
      [filing, no, declaredM2, wkt(ring)],
    )
  }

  /** A new current version of a layer holding only these features. */
  async function layer(kind: string, label: string, features: { classCode: string | null; ring: Ring }[]) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO reference_layer_version (layer_kind, label) VALUES ($1, $2) RETURNING id`,
      [kind, label],
    )
    const id = rows[0]!.id
    for (const f of features) {
      await db.query(
        `INSERT INTO reference_feature (version_id, class_code, geom)
         VALUES ($1, $2, ST_Multi(ST_Transform(ST_GeomFromText($3, 4524), 4490)))`,
        [id, f.classCode, wkt(f.ring)],
      )
    }
    await db.query('UPDATE reference_layer SET current_version_id = $1 WHERE kind = $2', [id, kind])
    return id
  }

  /** PostGIS's ellipsoidal area of a plane polygon (the oracle). */
  async function geodesicArea(ring: Ring): Promise<number> {
    const { rows } = await db.query<{ a: number }>(
      'SELECT ST_Area(ST_Transform(ST_GeomFromText($1, 4524), 4490)::geography) AS a',
      [wkt(ring)],
    )
    return rows[0]!.a
  }

  const findings = (rule: string, parcelNo?: string): FindingDto[] =>
    report.parcels
      .flatMap((p) => p.findings)
      .filter((f) => f.ruleCode === rule && (parcelNo === undefined || f.parcelNo === parcelNo))
  const rule = (code: string) => report.rules.find((r) => r.code === code)!

  beforeAll(async () => {
    db = await testDatabase()
    clerk = (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'county.a'`)).rows[0]!
      .id
    const { rows } = await db.query<{ d: number }>(
      `SELECT min(ST_Distance(ST_SetSRID(ST_MakePoint(107.3, 27.45), 4490)::geography, geom::geography)) AS d FROM parcel`,
    )
    expect(rows[0]!.d).toBeGreaterThan(5_000) // the fixtures are far from every sample parcel

    await layer('permanent_farmland', 'fixture-1', [{ classCode: null, ring: rect(50, 0, 200, 100) }])
    await layer('cultivated_land', 'fixture-1', [
      { classCode: '0101', ring: rect(0, 200, 50, 100) },
      { classCode: '0103', ring: rect(50, 200, 50, 100) },
      { classCode: '0104', ring: rect(100, 200, 100, 100) }, // not a cultivated class: ignored
    ])
    await layer('planning_zone', 'fixture-1', [
      { classCode: '010', ring: rect(0, 400, 60, 100) },
      { classCode: '040', ring: rect(60, 400, 20, 100) },
      // 80..100 m: no zone at all
      // two zones drawn over each other: 60 % of parcel I is covered twice, 40 % not at all
      { classCode: '010', ring: rect(0, 1400, 60, 100) },
      { classCode: '020', ring: rect(0, 1400, 60, 100) },
    ])
    await layer('eco_redline', 'fixture-1', [{ classCode: null, ring: rect(75, 600, 100, 100) }])
    await layer('urban_boundary', 'fixture-1', [
      { classCode: null, ring: rect(-1000, 800, 1070, 1000) },
      { classCode: null, ring: rect(0, 1400, 70, 100) }, // over the first: parcel I is 70 % inside both
    ])

    filingId = await newFiling()
    await addParcel(filingId, 'A-farmland-half', rect(0, 0, 100, 100))
    await addParcel(filingId, 'B-cultivated', rect(0, 200, 150, 100))
    await addParcel(filingId, 'C-zones', rect(0, 400, 100, 100))
    await addParcel(filingId, 'D-redline-quarter', rect(0, 600, 100, 100))
    await addParcel(filingId, 'E-urban-30pct-out', rect(0, 800, 100, 100))
    await addParcel(filingId, 'F-declared-5pct-over', rect(0, 1000, 100, 100), 10_500)
    await addParcel(filingId, 'G-declared-within', rect(0, 1200, 100, 100), 9_995)
    await addParcel(filingId, 'H-farmland-sliver', rect(250, -0.005, 100, 100)) // 0.5 m² on the farmland
    await addParcel(filingId, 'I-overlapping-areas', rect(0, 1400, 100, 100))
    const run = await runCheck(db, filingId, 'on_demand', clerk)
    report = (await checkReport(db, filingId, run))!
  })
  afterAll(async () => db?.close())

  it('a parcel half on permanent farmland is blocked with 50 % of its area, measured on the ellipsoid', async () => {
    const [f, ...more] = findings('permanent_farmland_overlap', 'A-farmland-half')
    expect(more).toEqual([])
    expect(f!.severity).toBe('block')
    expect(f!.share).toBeCloseTo(0.5, 6)
    const oracle = await geodesicArea(rect(50, 0, 50, 100))
    expect(Math.abs(f!.areaM2! - oracle) / oracle).toBeLessThan(1e-4) // within 0.01 % of PostGIS geography
    expect(Math.abs(f!.areaM2! - 5_000) / 5_000).toBeLessThan(1e-3) // within 0.1 % of the plane area
    expect(f!.areaHa).toBeCloseTo(f!.areaM2! / 10_000, 4)
    expect(f!.areaMu).toBeCloseTo((f!.areaM2! * 15) / 10_000, 2)
    expect(f!.note?.en).toContain('State Council')
    expect(f!.message['zh-CN']).toContain('永久基本农田')
    expect(rule('permanent_farmland_overlap')).toMatchObject({ state: 'hit', findingCount: 1 })
  })

  it('an overlap below the 1 m² tolerance is digitising noise, not a finding', () => {
    expect(findings('permanent_farmland_overlap', 'H-farmland-sliver')).toEqual([])
  })

  it('cultivated land is reported per class and totals the compensation required; other classes do not count', async () => {
    const byClass = Object.fromEntries(
      findings('cultivated_land_occupation', 'B-cultivated').map((f) => [f.classCode, f]),
    )
    expect(Object.keys(byClass).sort()).toEqual(['0101', '0103'])
    expect(byClass['0101']!.className).toEqual({ 'zh-CN': '水田', en: 'Paddy field' })
    const paddy = await geodesicArea(rect(0, 200, 50, 100))
    const dry = await geodesicArea(rect(50, 200, 50, 100))
    expect(Math.abs(byClass['0101']!.areaM2! - paddy) / paddy).toBeLessThan(1e-4)
    expect(Math.abs(byClass['0103']!.areaM2! - dry) / dry).toBeLessThan(1e-4)
    expect(report.totals.compensationRequiredM2).toBeCloseTo(
      byClass['0101']!.areaM2! + byClass['0103']!.areaM2!,
      1,
    )
    expect(report.totals.cultivatedByClass).toEqual({
      '0101': byClass['0101']!.areaM2,
      '0103': byClass['0103']!.areaM2,
    })
  })

  it('planning zones: allowed informs, prohibited blocks, and land no zone covers warns (needs a plan adjustment)', () => {
    const rows = findings('planning_zone', 'C-zones')
    const zone = (code: string | null) => rows.find((f) => f.classCode === code)!
    expect(zone('010')).toMatchObject({ severity: 'info' })
    expect(zone('040')).toMatchObject({ severity: 'block' })
    expect(zone(null)).toMatchObject({ severity: 'warn' })
    expect(zone('010').share).toBeCloseTo(0.6, 6)
    expect(zone('040').share).toBeCloseTo(0.2, 6)
    expect(zone(null).share).toBeCloseTo(0.2, 6)
    expect(zone(null).className?.en).toBe('area outside every control zone')
    const total = (code: string) =>
      findings('planning_zone')
        .filter((f) => f.classCode === code)
        .reduce((n, f) => n + f.areaM2!, 0)
    expect(report.totals.planningByZone['010']).toBeCloseTo(total('010'), 1)
    expect(report.totals.planningByZone['040']).toBeCloseTo(zone('040').areaM2!, 2)
  })

  it('zones or boundary areas drawn over each other count once: 40 % of a parcel under two overlapping zones is uncovered, 30 % outside two overlapping boundary areas', () => {
    const uncovered = findings('planning_zone', 'I-overlapping-areas').find((f) => f.classCode === null)
    expect(uncovered).toMatchObject({ severity: 'warn' })
    expect(uncovered!.share).toBeCloseTo(0.4, 6)
    const [outside] = findings('urban_boundary', 'I-overlapping-areas')
    expect(outside!.share).toBeCloseTo(0.3, 6)
  })

  it('a parcel a quarter inside the ecological red line is blocked with 25 % of its area', () => {
    const [f] = findings('eco_redline_overlap', 'D-redline-quarter')
    expect(f).toMatchObject({ severity: 'block' })
    expect(f!.share).toBeCloseTo(0.25, 6)
  })

  it('a parcel 30 % outside the urban development boundary warns with that share', () => {
    const [f] = findings('urban_boundary', 'E-urban-30pct-out')
    expect(f).toMatchObject({ severity: 'warn' })
    expect(f!.share).toBeCloseTo(0.3, 6)
    // parcels far outside the boundary are reported whole
    expect(findings('urban_boundary', 'A-farmland-half')[0]!.share).toBeCloseTo(1, 6)
  })

  it('a declared area 5 % over the measured one warns; 0.05 % over is within tolerance', () => {
    const [f] = findings('declared_area_mismatch', 'F-declared-5pct-over')
    expect(f).toMatchObject({ severity: 'warn' })
    expect(f!.facts.declaredM2).toBe(10_500)
    expect(f!.message.en).toContain('declares 10500.00 m²')
    expect(findings('declared_area_mismatch', 'G-declared-within')).toEqual([])
  })

  it('every overlap shape is stored in EPSG:4490 and its area matches the reported area', async () => {
    const { rows } = await db.query<{ srid: number; diff: number }>(
      `SELECT ST_SRID(f.geom) AS srid, abs(ST_Area(f.geom::geography) - f.area_m2) / f.area_m2 AS diff
         FROM check_finding f WHERE f.run_id = $1 AND f.geom IS NOT NULL AND f.rule_code <> 'declared_area_mismatch'`,
      [report.run.id],
    )
    expect(rows.length).toBeGreaterThan(5)
    for (const r of rows) {
      expect(r.srid).toBe(4490)
      expect(r.diff).toBeLessThan(1e-4)
    }
  })

  it('`landuse rules sql` prints the statement a run executes: run by hand, it finds what the run stored', async () => {
    const script = runScript(await planRun(db), filingId)
    const results = (await db.query(script)) as unknown as { command: string; rows: Row[] }[]
    type Row = {
      rule_code: string
      parcel_no: string
      class_code: string | null
      severity: string
      area_m2: number
    }
    const key = (r: Row) =>
      `${r.rule_code}|${r.parcel_no}|${r.class_code}|${r.severity}|${r.area_m2.toFixed(3)}`
    const byHand = results
      .find((r) => r.command === 'SELECT')! // PREPARE, EXECUTE (tagged with what it ran), DEALLOCATE
      .rows.map(key)
      .sort()
    const { rows: stored } = await db.query<Row>(
      'SELECT rule_code, parcel_no, class_code, severity, area_m2 FROM check_finding WHERE run_id = $1',
      [report.run.id],
    )
    expect(byHand.length).toBeGreaterThan(10)
    expect(byHand).toEqual(stored.map(key).sort())
  })

  it('a parcel across the county border is blocked with the area outside', async () => {
    const filing = await newFiling()
    // 100 m × 100 m around a point of the 520102 / 520103 border
    const [bx, by] = transformer(4490, 4524).forward([107.32587353964234, 27.09883667070053]) as [
      number,
      number,
    ]
    const ring = rect(bx - ORIGIN[0] - 50, by - ORIGIN[1] - 50, 100, 100)
    await addParcel(filing, 'X-border', ring)
    const run = await runCheck(db, filing, 'on_demand', clerk)
    const r = (await checkReport(db, filing, run))!
    const f = r.parcels[0]!.findings.find((x) => x.ruleCode === 'jurisdiction_containment')!
    expect(f.severity).toBe('block')
    const { rows } = await db.query<{ a: number }>(
      `SELECT ST_Area(ST_Difference(ST_Transform(ST_GeomFromText($1, 4524), 4490), j.boundary)::geography) AS a
         FROM jurisdiction j WHERE j.code = '520102'`,
      [wkt(ring)],
    )
    expect(rows[0]!.a).toBeGreaterThan(100)
    expect(Math.abs(f.areaM2! - rows[0]!.a) / rows[0]!.a).toBeLessThan(1e-3)
    expect(r.totals.outsideCountyM2).toBe(f.areaM2)
  })

  it('a parcel over an approved filing is blocked as a repeat filing naming it; over one under review it warns', async () => {
    const other = async (status: string) => {
      const { rows } = await db.query<{ id: number; title: string; wkt: string }>(
        `SELECT f.id, f.title, ST_AsText(ST_Transform(p.geom, 4524)) AS wkt
           FROM filing f JOIN parcel p ON p.filing_id = f.id WHERE f.status = $1 ORDER BY p.id LIMIT 1`,
        [status],
      )
      return rows[0]!
    }
    const approved = await other('approved')
    const reviewed = await other('under_review')
    const filing = await newFiling()
    for (const [no, target] of [
      ['R-approved', approved],
      ['R-review', reviewed],
    ] as const) {
      await db.query(
        `INSERT INTO parcel (filing_id, parcel_no, geom, source_geom)
         SELECT $1, $2, ST_Multi(ST_Transform(g, 4490)), ST_Multi(g)
           FROM ST_Translate(ST_GeomFromText($3, 4524), 5, 5) AS g`,
        [filing, no, target.wkt],
      )
    }
    const run = await runCheck(db, filing, 'on_demand', clerk)
    const r = (await checkReport(db, filing, run))!
    const repeat = (no: string) =>
      r.parcels.find((p) => p.parcelNo === no)!.findings.filter((f) => f.ruleCode === 'filing_overlap')
    expect(repeat('R-approved')).toHaveLength(1)
    expect(repeat('R-approved')[0]).toMatchObject({
      severity: 'block',
      facts: { otherFilingId: approved.id },
    })
    expect(repeat('R-approved')[0]!.message['zh-CN']).toContain(approved.title)
    expect(repeat('R-review')[0]).toMatchObject({ severity: 'warn', facts: { otherFilingId: reviewed.id } })
  })

  it('a missing layer is "not checked", never a silent "clear"; so is a rule switched off', async () => {
    await db.query(`UPDATE reference_layer SET current_version_id = NULL WHERE kind = 'eco_redline'`)
    await db.query(`UPDATE check_rule SET enabled = false WHERE code = 'urban_boundary'`)
    try {
      const run = await runCheck(db, filingId, 'on_demand', clerk)
      const r = (await checkReport(db, filingId, run))!
      const eco = r.rules.find((x) => x.code === 'eco_redline_overlap')!
      expect(eco).toMatchObject({ state: 'not_checked', findingCount: 0, layer: null })
      expect(eco.reason?.en).toContain('does not mean no conflict')
      expect(r.rules.find((x) => x.code === 'urban_boundary')).toMatchObject({ state: 'not_checked' })
      expect(r.parcels.flatMap((p) => p.findings).some((f) => f.ruleCode === 'eco_redline_overlap')).toBe(
        false,
      )
    } finally {
      await db.query(`UPDATE check_rule SET enabled = true WHERE code = 'urban_boundary'`)
      await db.query(
        `UPDATE reference_layer SET current_version_id =
           (SELECT id FROM reference_layer_version WHERE layer_kind = 'eco_redline' AND label = 'fixture-1') WHERE kind = 'eco_redline'`,
      )
    }
  })

  it('re-tuning a rule is a row update: a 3 000 m² tolerance drops smaller overlaps on the next run', async () => {
    await db.query(`UPDATE check_rule SET tolerance_m2 = 3000 WHERE code = 'eco_redline_overlap'`)
    try {
      const run = await runCheck(db, filingId, 'on_demand', clerk)
      const r = (await checkReport(db, filingId, run))!
      expect(r.rules.find((x) => x.code === 'eco_redline_overlap')!.state).toBe('clear')
    } finally {
      await db.query(`UPDATE check_rule SET tolerance_m2 = 1 WHERE code = 'eco_redline_overlap'`)
    }
  })

  it('a new layer version leaves the old one, is recorded in the run, and the diff shows which findings changed', async () => {
    const before = report.run.id
    // the 2026 farmland survey moves the patch 25 m east and adds one under parcel C
    await layer('permanent_farmland', 'fixture-2', [
      { classCode: null, ring: rect(75, 0, 150, 100) },
      { classCode: null, ring: rect(0, 400, 10, 100) },
    ])
    const after = await runCheck(db, filingId, 'on_demand', clerk)
    const diff = (await diffRuns(db, filingId, before, after))!
    expect(diff.layerChanges).toEqual([{ kind: 'permanent_farmland', from: 'fixture-1', to: 'fixture-2' }])
    expect(diff.added.map((f) => `${f.ruleCode}/${f.parcelNo}`)).toEqual([
      'permanent_farmland_overlap/C-zones',
    ])
    expect(diff.removed).toEqual([])
    expect(diff.changed).toHaveLength(1)
    expect(diff.changed[0]!.before.share).toBeCloseTo(0.5, 6)
    expect(diff.changed[0]!.after.share).toBeCloseTo(0.25, 6)
    // the old run still explains itself with the version it used
    const old = (await checkReport(db, filingId, before))!
    expect(old.rules.find((r) => r.code === 'permanent_farmland_overlap')!.layer?.label).toBe('fixture-1')
    const { rows } = await db.query(
      `SELECT 1 FROM reference_layer_version WHERE layer_kind = 'permanent_farmland'`,
    )
    expect(rows.length).toBeGreaterThanOrEqual(3) // sample + fixture-1 + fixture-2
  })
})
