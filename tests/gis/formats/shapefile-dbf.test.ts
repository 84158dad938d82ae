import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { DbfStructureError, readDbf, type DbfOptions } from '../../../gis/formats/shapefile/dbf'
import { writeShapefile } from '../../../gis/formats/shapefile/write'
import { DEFAULT_READ_LIMITS } from '../../../gis/formats/types'

interface Field {
  name: string
  type: string
  length: number
  decimals?: number
}

/**
 * A .dbf from raw cell bytes: each row is a deletion flag and one value per field, already encoded
 * (strings are written as GBK unless given as bytes), left-aligned and space-padded.
 */
function dbf(
  fields: Field[],
  rows: { deleted?: boolean; values: (string | Uint8Array)[] }[],
  { ldid = 0, version = 0x03, nameBytes }: { ldid?: number; version?: number; nameBytes?: Uint8Array[] } = {},
): Uint8Array {
  const headerLength = 32 + 32 * fields.length + 1
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0)
  const bytes = new Uint8Array(headerLength + recordLength * rows.length + 1)
  const view = new DataView(bytes.buffer)
  bytes[0] = version
  view.setUint32(4, rows.length, true)
  view.setUint16(8, headerLength, true)
  view.setUint16(10, recordLength, true)
  bytes[29] = ldid
  fields.forEach((f, i) => {
    const o = 32 + 32 * i
    bytes.set(nameBytes?.[i] ?? new TextEncoder().encode(f.name), o)
    bytes[o + 11] = f.type.charCodeAt(0)
    bytes[o + 16] = f.length % 256
    bytes[o + 17] = f.type === 'C' ? Math.floor(f.length / 256) : (f.decimals ?? 0)
  })
  bytes[headerLength - 1] = 0x0d
  rows.forEach((row, r) => {
    let o = headerLength + r * recordLength
    bytes[o++] = row.deleted ? 0x2a : 0x20
    fields.forEach((f, i) => {
      bytes.fill(0x20, o, o + f.length)
      const v = row.values[i]!
      bytes.set(typeof v === 'string' ? new Uint8Array(iconv.encode(v, 'gbk')) : v, o)
      o += f.length
    })
  })
  bytes[bytes.length - 1] = 0x1a
  return bytes
}

const options = (extra: Partial<DbfOptions> = {}): DbfOptions => ({
  file: '地块.dbf',
  limits: { ...DEFAULT_READ_LIMITS, deadline: Date.now() + 60_000 },
  ...extra,
})
const cpg = (text: string) => ({ file: '地块.cpg', bytes: new TextEncoder().encode(text) })
const codes = (findings: { code: string }[]) => findings.map((f) => f.code)

const C = (name: string, length: number): Field => ({ name, type: 'C', length })
const N = (name: string, length: number, decimals = 0): Field => ({ name, type: 'N', length, decimals })

describe('gis/formats/shapefile/dbf', () => {
  it('reads text, numbers, dates and logicals, trimming padding', () => {
    const table = readDbf(
      dbf(
        [
          C('DKBH', 10),
          N('MJ', 12, 2),
          { name: 'RQ', type: 'D', length: 8 },
          { name: 'OK', type: 'L', length: 1 },
        ],
        [
          { values: ['  DK-01', '    8201.77', '20261120', 'T'] },
          { values: ['DK-02', '', '', '?'] },
          { values: ['DK-03', '***********', '00000000', 'n'] },
        ],
        { ldid: 0x7a },
      ),
      options(),
    )
    expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['DKBH:C', 'MJ:N', 'RQ:D', 'OK:L'])
    expect(table.rows).toEqual([
      { DKBH: 'DK-01', MJ: 8201.77, RQ: '2026-11-20', OK: true },
      { DKBH: 'DK-02', MJ: null, RQ: null, OK: null },
      { DKBH: 'DK-03', MJ: null, RQ: null, OK: false },
    ])
    expect(table.findings).toEqual([])
  })

  it('reads a decimal comma, and reports a number that is none, naming field, record and parcel', () => {
    const table = readDbf(
      dbf(
        [C('DKBH', 10), N('MJ', 12, 2)],
        [{ values: ['DK-01', '8201,77'] }, { values: ['DK-02', '12a.5'] }],
        {
          ldid: 0x7a,
        },
      ),
      options({ parcelNoColumn: () => 'DKBH' }),
    )
    expect(table.rows.map((r) => r!.MJ)).toEqual([8201.77, null])
    expect(table.findings).toMatchObject([
      {
        code: 'dbf.bad_number',
        featureIndex: 1,
        parcelNo: 'DK-02',
        details: { field: 'MJ', record: 2, value: '12a.5' },
      },
    ])
  })

  it('keeps deleted records as null so that rows stay aligned with shapes', () => {
    const table = readDbf(
      dbf(
        [C('DKBH', 10)],
        [{ values: ['DK-01'] }, { deleted: true, values: ['DK-02'] }, { values: ['DK-03'] }],
        {
          ldid: 0x7a,
        },
      ),
      options(),
    )
    expect(table.rows).toEqual([{ DKBH: 'DK-01' }, null, { DKBH: 'DK-03' }])
  })

  it('reads FoxPro integer, double and long text fields, and leaves memo fields out with a warning', () => {
    const int = new Uint8Array(4)
    new DataView(int.buffer).setInt32(0, -42, true)
    const dbl = new Uint8Array(8)
    new DataView(dbl.buffer).setFloat64(0, 1234.5, true)
    const long = '长'.repeat(150)
    const table = readDbf(
      dbf(
        [
          { name: 'N1', type: 'I', length: 4 },
          { name: 'D1', type: 'B', length: 8 },
          C('TXT', 300),
          { name: 'MEMO', type: 'M', length: 10 },
        ],
        [{ values: [int, dbl, long, '0000000001'] }],
        { ldid: 0x7a, version: 0x30 },
      ),
      options(),
    )
    expect(table.rows[0]).toEqual({ N1: -42, D1: 1234.5, TXT: long })
    expect(codes(table.findings)).toEqual(['dbf.field_ignored'])
    expect(table.findings[0]!.details).toMatchObject({ field: 'MEMO', type: 'M' })
  })

  it('decodes GBK field names and renames a duplicate', () => {
    const table = readDbf(
      dbf(
        [C('NAME1', 10), C('NAME2', 10), C('DKBH', 10), C('dkbh', 10)],
        [{ values: ['DK-01', '城东', 'a', 'b'] }],
        {
          ldid: 0x7a,
          nameBytes: [
            new Uint8Array(iconv.encode('地块编号', 'gbk')),
            new Uint8Array(iconv.encode('地块名称', 'gbk')),
            new TextEncoder().encode('DKBH'),
            new TextEncoder().encode('dkbh'),
          ],
        },
      ),
      options(),
    )
    expect(table.columns.map((c) => c.name)).toEqual(['地块编号', '地块名称', 'DKBH', 'dkbh_2'])
    expect(table.rows[0]).toMatchObject({ 地块编号: 'DK-01', 地块名称: '城东' })
    expect(codes(table.findings)).toEqual(['dbf.duplicate_field'])
  })

  it('resolves the encoding in order: user, .cpg, language driver, content', () => {
    const bytes = dbf([C('DKMC', 20)], [{ values: ['城东安置区'] }], { ldid: 0x7a })
    expect(readDbf(bytes, options()).encodingSource).toBe('ldid')
    const byCpg = readDbf(bytes, options({ cpg: cpg('UTF-8') }))
    expect([byCpg.encoding, byCpg.encodingSource]).toEqual(['utf-8', 'cpg'])
    expect(codes(byCpg.findings)).toEqual(['dbf.decode_error'])
    const byUser = readDbf(bytes, options({ cpg: cpg('UTF-8'), encoding: 'GBK' }))
    expect([byUser.encoding, byUser.encodingSource, byUser.rows[0]!.DKMC]).toEqual([
      'gbk',
      'user',
      '城东安置区',
    ])
    const byContent = readDbf(withLdid(bytes, 0), options())
    expect([byContent.encoding, byContent.encodingSource]).toEqual(['gbk', 'detected'])
  })

  it('a .cpg naming only "ANSI" is unspecific: a warning, and the language driver decides', () => {
    const table = readDbf(
      dbf([C('DKMC', 20)], [{ values: ['城东安置区'] }], { ldid: 0x4d }),
      options({ cpg: cpg('ANSI') }),
    )
    expect([table.encoding, table.encodingSource]).toEqual(['gbk', 'ldid'])
    expect(codes(table.findings)).toEqual(['dbf.cpg_unspecific'])
  })

  it('GBK text in a table that says Windows-1252 is flagged as probably GBK', () => {
    const table = readDbf(
      dbf([C('DKMC', 20)], [{ values: ['城东安置区'] }, { values: ['工业园区'] }], { ldid: 0x58 }),
      options(),
    )
    expect([table.encoding, table.encodingSource]).toEqual(['windows-1252', 'ldid'])
    expect(table.findings).toMatchObject([
      { code: 'dbf.encoding_suspect', details: { likely: 'gbk', field: 'DKMC' } },
    ])
  })

  it('UTF-8 text in a table that says GBK reads as rare characters, and is doubted', () => {
    const values = ['工业园区', '住宅用地', '地块名称', '商服用地'].map((v) => ({
      values: [new TextEncoder().encode(v)],
    }))
    const table = readDbf(dbf([C('DKMC', 20)], values, { ldid: 0x7a }), options())
    expect([table.encoding, table.encodingSource]).toEqual(['gbk', 'ldid'])
    expect(table.findings).toMatchObject([
      { code: 'dbf.encoding_doubtful', details: { field: 'DKMC', record: 1 } },
    ])
    expect(table.findings[0]!.message['zh-CN']).toContain('指定编码')
  })

  it('a table of plain ASCII needs no encoding and gets no warning', () => {
    const table = readDbf(dbf([C('DKBH', 10)], [{ values: ['DK-01'] }]), options())
    expect([table.encoding, table.encodingSource]).toEqual(['utf-8', 'default'])
    expect(table.findings).toEqual([])
  })

  it('a UTF-8 value cut in the middle of a character at the field width still counts as UTF-8, and is reported', () => {
    const cut = new TextEncoder().encode('城东安置区').subarray(0, 8) // 2 characters and 2 bytes of a third
    const table = readDbf(
      dbf([C('DKMC', 8)], [{ values: [cut] }, { values: [new TextEncoder().encode('城东')] }]),
      options(),
    )
    expect([table.encoding, table.encodingSource]).toEqual(['utf-8', 'detected'])
    expect(table.rows[1]!.DKMC).toBe('城东')
    expect(codes(table.findings)).toEqual(['dbf.encoding_detected', 'dbf.decode_error'])
  })

  it('fewer records than the header declares is a warning, not a failure', () => {
    const bytes = dbf([C('DKBH', 10)], [{ values: ['DK-01'] }, { values: ['DK-02'] }], { ldid: 0x7a })
    const cut = bytes.subarray(0, bytes.length - 12)
    const table = readDbf(cut, options())
    expect(table.rows).toHaveLength(1)
    expect(table.findings).toMatchObject([{ code: 'dbf.truncated', details: { declared: 2, actual: 1 } }])
  })

  it('a header that cannot be right throws DbfStructureError in both languages', () => {
    expect(() => readDbf(new Uint8Array(10), options())).toThrow(DbfStructureError)
    try {
      readDbf(new Uint8Array(10), options())
    } catch (error) {
      expect((error as DbfStructureError).zh).toContain('10 字节')
    }
  })

  it('reads the tables of the project writer in GBK and UTF-8 alike', () => {
    for (const encoding of ['gbk', 'utf-8'] as const) {
      const { dbf: bytes } = writeShapefile(
        [{ geometry: null, properties: { DKBH: 'DK-01', DKMC: '工业园区（含附属）A-3地块', MJ: 8723.46 } }],
        {
          fields: [
            { name: 'DKBH', type: 'C', length: 10 },
            { name: 'DKMC', type: 'C', length: 40 },
            { name: 'MJ', type: 'N', length: 12, decimals: 2 },
          ],
          encoding,
        },
      )
      const table = readDbf(bytes, options({ cpg: encoding === 'utf-8' ? cpg('UTF-8') : null }))
      expect(table.rows[0]).toEqual({ DKBH: 'DK-01', DKMC: '工业园区（含附属）A-3地块', MJ: 8723.46 })
    }
  })
})

function withLdid(bytes: Uint8Array, ldid: number): Uint8Array {
  const copy = bytes.slice()
  copy[29] = ldid
  return copy
}
