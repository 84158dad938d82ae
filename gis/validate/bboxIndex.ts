/**
 * A static, packed R-tree over boxes, for "which parcels' boxes meet this box" in O(log n + k).
 *
 * Built once per upload from all boxes (the flatbush recipe): boxes sorted along a Z-order curve of
 * their centres, packed 16 to a node, level by level up to one root. Checking 100 000 parcels for
 * overlaps then costs one search per parcel instead of comparing every pair. Written here (60 lines)
 * rather than importing rbush, which only reaches this project as a dependency of Turf.
 */

const NODE_SIZE = 16

interface Level {
  /** minX, minY, maxX, maxY per node. */
  boxes: Float64Array
  /** Leaves: the item's index; upper levels: the position of the first child in the level below. */
  ref: Uint32Array
  count: number
}

function spread(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff
  v = (v | (v << 4)) & 0x0f0f0f0f
  v = (v | (v << 2)) & 0x33333333
  return (v | (v << 1)) & 0x55555555
}

/** Interleaves the low 16 bits of x and y (Morton / Z-order code). */
function morton(x: number, y: number): number {
  return ((spread(y) << 1) | spread(x)) >>> 0
}

export class BBoxIndex {
  private readonly levels: Level[] = []

  /** `boxes` holds minX, minY, maxX, maxY for each item, in item order. */
  constructor(boxes: Float64Array) {
    const n = boxes.length / 4
    if (n === 0) return
    if (n > 2097152) throw new RangeError(`BBoxIndex holds at most 2 097 152 boxes, not ${n}`)
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, boxes[4 * i]!)
      minY = Math.min(minY, boxes[4 * i + 1]!)
      maxX = Math.max(maxX, boxes[4 * i + 2]!)
      maxY = Math.max(maxY, boxes[4 * i + 3]!)
    }
    const sx = maxX > minX ? 65535 / (maxX - minX) : 0
    const sy = maxY > minY ? 65535 / (maxY - minY) : 0
    // sort keys: curve position × 2^21 + item index, exact in a double for up to 2 million items
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const cx = ((boxes[4 * i]! + boxes[4 * i + 2]!) / 2 - minX) * sx
      const cy = ((boxes[4 * i + 1]! + boxes[4 * i + 3]!) / 2 - minY) * sy
      keys[i] = morton(Math.floor(cx), Math.floor(cy)) * 2097152 + i
    }
    keys.sort()
    const leaf: Level = { boxes: new Float64Array(4 * n), ref: new Uint32Array(n), count: n }
    for (let k = 0; k < n; k++) {
      const i = keys[k]! % 2097152
      leaf.ref[k] = i
      leaf.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k)
    }
    this.levels.push(leaf)
    let below = leaf
    while (below.count > 1) {
      const count = Math.ceil(below.count / NODE_SIZE)
      const level: Level = { boxes: new Float64Array(4 * count), ref: new Uint32Array(count), count }
      for (let p = 0; p < count; p++) {
        const start = p * NODE_SIZE
        const end = Math.min(start + NODE_SIZE, below.count)
        let a = Infinity
        let b = Infinity
        let c = -Infinity
        let d = -Infinity
        for (let k = start; k < end; k++) {
          a = Math.min(a, below.boxes[4 * k]!)
          b = Math.min(b, below.boxes[4 * k + 1]!)
          c = Math.max(c, below.boxes[4 * k + 2]!)
          d = Math.max(d, below.boxes[4 * k + 3]!)
        }
        level.boxes[4 * p] = a
        level.boxes[4 * p + 1] = b
        level.boxes[4 * p + 2] = c
        level.boxes[4 * p + 3] = d
        level.ref[p] = start
      }
      this.levels.push(level)
      below = level
    }
  }

  private stack = new Int32Array(256)

  /** Appends to `out` every item whose box meets [minX, minY, maxX, maxY] (touching included). */
  search(minX: number, minY: number, maxX: number, maxY: number, out: number[]): void {
    const top = this.levels.length - 1
    if (top < 0) return
    const root = this.levels[top]!.boxes
    if (root[0]! > maxX || root[1]! > maxY || root[2]! < minX || root[3]! < minY) return
    if (top === 0) {
      out.push(this.levels[0]!.ref[0]!)
      return
    }
    let stack = this.stack
    let sp = 0
    stack[sp++] = top
    stack[sp++] = 0
    while (sp > 0) {
      const pos = stack[--sp]!
      const depth = stack[--sp]!
      // the node (depth, pos) meets the box: look at its children
      const below = this.levels[depth - 1]!
      const b = below.boxes
      const start = this.levels[depth]!.ref[pos]!
      const end = Math.min(start + NODE_SIZE, below.count)
      for (let k = start; k < end; k++) {
        if (b[4 * k]! > maxX || b[4 * k + 1]! > maxY || b[4 * k + 2]! < minX || b[4 * k + 3]! < minY) continue
        if (depth === 1) {
          out.push(below.ref[k]!)
        } else {
          if (sp + 2 > stack.length) {
            const grown = new Int32Array(stack.length * 2)
            grown.set(stack)
            this.stack = stack = grown
          }
          stack[sp++] = depth - 1
          stack[sp++] = k
        }
      }
    }
  }
}
