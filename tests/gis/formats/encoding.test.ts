import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import {
  decode,
  decodeMany,
  isUtf8,
  LDID_ENCODINGS,
  parseCodePageName,
  readsAsChinese,
  userEncoding,
  utf8ErrorAt,
} from '../../../gis/formats/encoding'

const utf8 = (s: string) => new TextEncoder().encode(s)
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'))

describe('gis/formats/encoding', () => {
  it.each([
    ['UTF-8', 'utf-8'],
    ['utf8', 'utf-8'],
    ['65001', 'utf-8'],
    ['GBK', 'gbk'],
    ['936', 'gbk'],
    ['CP936', 'gbk'],
    ['OEM 936', 'gbk'],
    ['ANSI 936', 'gbk'],
    ['GB2312', 'gbk'],
    ['GB18030', 'gb18030'],
    ['Big5', 'big5'],
    ['950', 'big5'],
    ['1250', 'windows-1250'],
    ['ANSI 1252', 'windows-1252'],
    ['windows-1251', 'windows-1251'],
    ['1258', 'windows-1258'],
    ['88591', 'iso-8859-1'],
    ['ISO-8859-5', 'iso-8859-5'],
    ['8859-15', 'iso-8859-15'],
    ['28591', 'iso-8859-1'],
    ['437', 'cp437'],
    ['932', 'shift_jis'],
  ])('the code-page name %s means %s', (name, encoding) => {
    expect(parseCodePageName(name)).toEqual({ kind: 'encoding', encoding })
  })

  it('"ANSI" and "OEM" alone name no particular code page; other text names none', () => {
    expect(parseCodePageName('ANSI').kind).toBe('unspecific')
    expect(parseCodePageName('OEM').kind).toBe('unspecific')
    expect(parseCodePageName('created by exporter v2').kind).toBe('unknown')
    expect(parseCodePageName('12345').kind).toBe('unknown')
    expect(parseCodePageName('').kind).toBe('unknown')
  })

  it('every encoding named by the language-driver table and the code-page names exists in iconv-lite', () => {
    for (const encoding of LDID_ENCODINGS.values())
      expect(iconv.encodingExists(encoding), encoding).toBe(true)
    expect(LDID_ENCODINGS.get(0x7a)).toBe('gbk')
    expect(LDID_ENCODINGS.get(0x4d)).toBe('gbk')
    expect(LDID_ENCODINGS.get(0x4f)).toBe('big5')
    expect(LDID_ENCODINGS.get(0x03)).toBe('windows-1252')
    expect(LDID_ENCODINGS.get(0xc8)).toBe('windows-1250')
    expect(LDID_ENCODINGS.has(0x57)).toBe(false)
  })

  it('a user may name any encoding iconv-lite knows, and nothing else', () => {
    expect(userEncoding('gbk')).toBe('gbk')
    expect(userEncoding('Big5')).toBe('big5')
    expect(userEncoding('euc-jp')).toBe('euc-jp')
    expect(userEncoding('klingon')).toBeNull()
  })

  it('tells well-formed UTF-8 from GBK, overlong forms and surrogates', () => {
    expect(isUtf8(utf8('城东安置区 DK-01'))).toBe(true)
    expect(isUtf8(gbk('城东安置区'))).toBe(false)
    expect(isUtf8(new Uint8Array([0xc0, 0xaf]))).toBe(false)
    expect(isUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(false)
    const cut = utf8('城东').subarray(0, 5)
    expect(isUtf8(cut)).toBe(false)
    expect(isUtf8(cut, 0, cut.length, true)).toBe(true)
    expect(utf8ErrorAt(new Uint8Array([0x41, 0x42, 0xff]))).toBe(2)
  })

  it('judges whether text reads as Chinese', () => {
    expect(readsAsChinese('工业园区（含附属）A-3地块，面积 5㎡')).toBe(true)
    expect(readsAsChinese(decode(utf8('城东安置区一期'), 'gbk').replace('\ufffd', ''), true)).toBe(false)
    expect(readsAsChinese(decode(gbk('城东安置区一期'), 'gbk'), true)).toBe(true)
    expect(readsAsChinese('城東安置區一期')).toBe(true)
    expect(readsAsChinese('ÖÐ¹ú')).toBe(false)
  })

  it('decodes many values in batches exactly as one by one, even with a NUL inside a value', () => {
    const values = ['城东安置区', '工业园区（含附属）', 'DK-01', '']
    const bytes = gbk(values.join(''))
    let at = 0
    const starts: number[] = []
    const ends: number[] = []
    for (const v of values) {
      const n = gbk(v).length
      starts.push(at)
      ends.push(at + n)
      at += n
    }
    expect(decodeMany(bytes, starts, ends, 'gbk')).toEqual(values)
    const withNul = new Uint8Array([...gbk('城东'), 0, ...gbk('区')])
    expect(decodeMany(withNul, [0, 0], [withNul.length, 4], 'gbk')).toEqual(['城东\0区', '城东'])
  })
})
