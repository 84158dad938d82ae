/** Mutations of upload files for the fuzz test: what happens to files on their way from a county. */
export type Mutation = (bytes: Uint8Array, rnd: () => number) => Uint8Array

export const int = (rnd: () => number, n: number) => Math.floor(rnd() * n)

/** Ways a file goes wrong on its way from a county: cut short, damaged bits, junk, repeats, oversize. */
export function mutations(limitBytes: number): Record<string, Mutation> {
  return {
    truncate: (b, rnd) => b.slice(0, int(rnd, b.length)),
    flipBits: (b, rnd) => {
      const out = b.slice()
      for (let i = 1 + int(rnd, 8); i > 0; i--) out[int(rnd, out.length)]! ^= 1 << int(rnd, 8)
      return out
    },
    randomBytes: (b, rnd) => {
      const out = b.slice()
      const start = int(rnd, out.length)
      for (let i = start; i < Math.min(out.length, start + 1 + int(rnd, 64)); i++) out[i] = int(rnd, 256)
      return out
    },
    zeroRange: (b, rnd) => {
      const out = b.slice()
      const start = int(rnd, out.length)
      out.fill(0, start, start + 1 + int(rnd, 200))
      return out
    },
    duplicateChunk: (b, rnd) => {
      const start = int(rnd, b.length)
      const chunk = b.slice(start, start + 1 + int(rnd, 300))
      const at = int(rnd, b.length)
      return new Uint8Array([...b.slice(0, at), ...chunk, ...b.slice(at)])
    },
    appendJunk: (b, rnd) =>
      new Uint8Array([...b, ...Array.from({ length: 1 + int(rnd, 500) }, () => int(rnd, 256))]),
    empty: () => new Uint8Array(0),
    oversized: (b) => {
      const out = new Uint8Array(Math.ceil(limitBytes) + 1024)
      for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]!
      return out
    },
  }
}
