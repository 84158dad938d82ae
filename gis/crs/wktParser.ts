/**
 * A small, forgiving parser for Well-Known Text coordinate-system descriptions: WKT1 in its ESRI
 * (`.prj` from ArcGIS) and OGC (GDAL) flavours, and WKT2 (`PROJCRS[…]`). It only builds the tree of
 * keywords and values; `prj.ts` interprets it. Both `[ ]` and `( )` brackets are accepted, keywords
 * are upper-cased, quoted strings keep their text (`""` is an escaped quote), numbers become numbers
 * and bare words (WKT2 axis directions such as `north`) stay strings.
 */

export interface WktNode {
  keyword: string
  args: WktValue[]
}

export type WktValue = WktNode | string | number

/** Parses WKT text into its tree; throws a SyntaxError naming the offset of the first problem. */
export function parseWkt(text: string): WktNode {
  let i = 0
  const s = text.replace(/^\uFEFF/, '')

  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++
  }
  const fail = (what: string): never => {
    throw new SyntaxError(`WKT: ${what} at offset ${i}`)
  }

  const parseNode = (): WktNode => {
    skipSpace()
    const start = i
    while (i < s.length && /[A-Za-z0-9_]/.test(s[i]!)) i++
    if (i === start) fail('expected a keyword')
    const keyword = s.slice(start, i).toUpperCase()
    skipSpace()
    const open = s[i]
    if (open !== '[' && open !== '(') return { keyword, args: [] }
    const close = open === '[' ? ']' : ')'
    i++
    const args: WktValue[] = []
    skipSpace()
    if (s[i] === close) {
      i++
      return { keyword, args }
    }
    for (;;) {
      args.push(parseValue())
      skipSpace()
      if (s[i] === ',') {
        i++
        continue
      }
      if (s[i] === close) {
        i++
        return { keyword, args }
      }
      fail(`expected "," or "${close}"`)
    }
  }

  const parseValue = (): WktValue => {
    skipSpace()
    const c = s[i]
    if (c === '"') {
      let out = ''
      i++
      for (;;) {
        if (i >= s.length) fail('unterminated string')
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            out += '"'
            i += 2
            continue
          }
          i++
          return out
        }
        out += s[i++]
      }
    }
    if (c !== undefined && /[-+.0-9]/.test(c)) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i))
      if (!m) fail('bad number')
      i += m![0].length
      return Number(m![0])
    }
    // a bare word (WKT2 enumerations such as `north`, `Cartesian`) is kept as a lower-case string
    const start = i
    while (i < s.length && /[A-Za-z0-9_]/.test(s[i]!)) i++
    const word = s.slice(start, i)
    skipSpace()
    if (s[i] === '[' || s[i] === '(') {
      i = start
      return parseNode()
    }
    if (word === '') fail('expected a value')
    return word.toLowerCase()
  }

  const root = parseNode()
  skipSpace()
  if (i < s.length) fail('unexpected text after the end')
  return root
}

/** The first direct child node with one of the keywords. */
export function child(node: WktNode, ...keywords: string[]): WktNode | undefined {
  for (const a of node.args) if (typeof a === 'object' && keywords.includes(a.keyword)) return a
  return undefined
}

/** Every direct child node with one of the keywords. */
export function children(node: WktNode, ...keywords: string[]): WktNode[] {
  return node.args.filter((a): a is WktNode => typeof a === 'object' && keywords.includes(a.keyword))
}

/** The first node anywhere below (depth first) with one of the keywords. */
export function find(node: WktNode, ...keywords: string[]): WktNode | undefined {
  for (const a of node.args) {
    if (typeof a !== 'object') continue
    if (keywords.includes(a.keyword)) return a
    const deeper = find(a, ...keywords)
    if (deeper) return deeper
  }
  return undefined
}

/** The node's name: its first argument when that is a string. */
export function nameOf(node: WktNode | undefined): string | null {
  const first = node?.args[0]
  return typeof first === 'string' ? first : null
}

/** The n-th argument as a number (0-based), or null. */
export function numberArg(node: WktNode | undefined, n: number): number | null {
  const v = node?.args[n]
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return null
}
