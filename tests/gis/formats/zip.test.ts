import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { isZip, openZip, RATIO_CHECK_FLOOR } from '../../../gis/formats/zip'
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../../gis/formats/types'
import { expectMessage, fixture, read, refusal } from './fixtures'

const limits = (extra: Partial<ReadLimits> = {}): ReadLimits => ({
  ...DEFAULT_READ_LIMITS,
  deadline: Date.now() + 60_000,
  ...extra,
})
const bytesOf = (relative: string) => fixture(relative)[0]!.bytes
const utf8 = (s: string) => new TextEncoder().encode(s)

describe('gis/formats/zip', () => {
  it('recognises a zip by its signature', () => {
    expect(isZip(bytesOf('accept/shapefile/gbk-ldid.zip'))).toBe(true)
    expect(isZip(bytesOf('reject/zip/not-a-zip.zip'))).toBe(false)
    expect(isZip(new Uint8Array(0))).toBe(false)
  })

  it('lists files without directories, __MACOSX/, ._ files and .DS_Store, and reads them', () => {
    const zip = openZip(bytesOf('accept/shapefile/nested-folders.zip'), 'nested-folders.zip', limits())
    expect(zip.entries.map((e) => e.path)).toEqual([
      '2026年第3批次/成果/shp/地块.shp',
      '2026年第3批次/成果/shp/地块.shx',
      '2026年第3批次/成果/shp/地块.dbf',
      '2026年第3批次/成果/shp/地块.prj',
      '2026年第3批次/说明.pdf',
    ])
    const pdf = zip.read(zip.entries[4]!)
    expect(new TextDecoder().decode(pdf)).toBe('%PDF-1.4 placeholder')
  })

  it('decodes names by the UTF-8 flag, else as UTF-8 when they are valid UTF-8, else as GBK', () => {
    const flagged = openZip(zipSync({ '成果/地块.shp': utf8('x') }), 'a.zip', limits())
    expect(flagged.entries[0]!.path).toBe('成果/地块.shp')
    const gbk = openZip(bytesOf('accept/shapefile/gbk-entry-names.zip'), 'b.zip', limits())
    expect(gbk.entries.map((e) => e.path)).toContain('成果/地块.dbf')
    const mac = openZip(bytesOf('accept/shapefile/utf8-entry-names-without-flag.zip'), 'c.zip', limits())
    expect(mac.entries.map((e) => e.path)).toContain('成果/地块.dbf')
  })

  it('a file that is not a zip is refused as zip.invalid', async () => {
    const [f] = await refusal(() => read('reject/zip/not-a-zip.zip'))
    expect(f!.code).toBe('zip.invalid')
    expectMessage(f!, ['not-a-zip.zip', 'zip'], ['not-a-zip.zip', 'not a valid zip'])
  })

  it('a zip cut in half is refused: its central directory is missing', async () => {
    const [f] = await refusal(() => read('reject/zip/truncated-zip.zip'))
    expect(f!.code).toBe('zip.invalid')
    expect(f!.message.en).toContain('central directory')
  })

  it('a zip bomb is stopped by the compression ratio before it is inflated', async () => {
    const [f] = await refusal(() => read('reject/zip/zip-bomb-ratio.zip'))
    expect(f!.code).toBe('zip.ratio')
    expect(f!.details).toMatchObject({ entry: '地块.shp', limit: 200, produced: RATIO_CHECK_FLOOR })
    expectMessage(f!, ['压缩炸弹', '地块.shp'], ['zip bomb', '地块.shp'])
  })

  it('the total uncompressed size is limited', async () => {
    const [f] = await refusal(() => read('accept/shapefile/gbk-ldid.zip', {}, { maxUncompressedBytes: 1000 }))
    expect(f!.code).toBe('zip.too_large')
    expect(f!.details).toMatchObject({ limit: 1000 })
  })

  it('a header that lies about the uncompressed size cannot make it inflate more than the limit', () => {
    const zip = zipSync({ 'big.shp': new Uint8Array(3_000_000) })
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
    // Claim 10 bytes in the local header and the central directory.
    for (let i = 0; i + 4 <= zip.length; i++) {
      if (view.getUint32(i, true) === 0x04034b50) view.setUint32(i + 22, 10, true)
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 10, true)
    }
    const archive = openZip(
      zip,
      'liar.zip',
      limits({ maxUncompressedBytes: 1_000_000, maxCompressionRatio: 1e9 }),
    )
    expect(archive.entries[0]!.size).toBe(10)
    let code = ''
    try {
      archive.read(archive.entries[0]!)
    } catch (error) {
      code = (error as { findings: { code: string }[] }).findings[0]!.code
    }
    expect(code).toBe('zip.too_large')
  })

  it('an entry whose path leaves the archive refuses the whole zip', async () => {
    const [f] = await refusal(() => read('reject/zip/path-traversal.zip'))
    expect(f!.code).toBe('zip.path_traversal')
    expect(f!.details).toMatchObject({ entry: '../../地块.shp' })
    for (const name of ['/etc/地块.shp', 'C:/temp/地块.shp', 'a\\..\\..\\地块.shp']) {
      const [g] = await refusal(() => openZip(zipSync({ [name]: utf8('x') }), 'abs.zip', limits()))
      expect(g!.code).toBe('zip.path_traversal')
    }
  })

  it('an encrypted entry is refused with a message saying so', async () => {
    const [f] = await refusal(() => read('reject/zip/encrypted-entry.zip'))
    expect(f!.code).toBe('zip.encrypted')
    expectMessage(f!, ['加密'], ['encrypted'])
  })

  it('a damaged entry is caught by its CRC-32', async () => {
    const [f] = await refusal(() => read('reject/zip/crc-mismatch.zip'))
    expect(f!.code).toBe('zip.corrupt_entry')
    expect(f!.message.en).toContain('CRC-32')
  })

  it('an entry compressed with a method other than Deflate is refused, naming the method', async () => {
    const zip = zipSync({ '地块.shp': [utf8('x'.repeat(100)), { level: 0 }] })
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
    for (let i = 0; i + 4 <= zip.length; i++) {
      if (view.getUint32(i, true) === 0x04034b50) view.setUint16(i + 8, 12, true)
      if (view.getUint32(i, true) === 0x02014b50) view.setUint16(i + 10, 12, true)
    }
    const archive = openZip(zip, 'bzip2.zip', limits())
    const [f] = await refusal(() => archive.read(archive.entries[0]!))
    expect(f!.code).toBe('zip.unsupported_method')
    expect(f!.details).toMatchObject({ method: 'bzip2' })
  })

  it('an empty zip is refused', async () => {
    const [f] = await refusal(() => openZip(zipSync({}), 'empty.zip', limits()))
    expect(f!.code).toBe('zip.empty')
  })
})
