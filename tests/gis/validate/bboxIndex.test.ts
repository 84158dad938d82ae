import { describe, expect, it } from 'vitest'
import { BBoxIndex } from '../../../gis/validate/bboxIndex'

describe('gis/validate/bboxIndex', () => {
  it('finds exactly the boxes a brute-force scan finds, touching ones included', () => {
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const n = 3000
    const boxes = new Float64Array(4 * n)
    for (let i = 0; i < n; i++) {
      const x = random() * 1000
      const y = random() * 1000
      boxes.set([x, y, x + random() * 30, y + random() * 30], 4 * i)
    }
    boxes.set([0, 0, 10, 10], 0)
    boxes.set([10, 10, 20, 20], 4) // touches box 0 at a corner
    const index = new BBoxIndex(boxes)
    for (let q = 0; q < 200; q++) {
      const x = random() * 1000
      const y = random() * 1000
      const query = [x, y, x + 50, y + 50] as const
      const found: number[] = []
      index.search(...query, found)
      const expected: number[] = []
      for (let i = 0; i < n; i++) {
        if (
          boxes[4 * i]! <= query[2] &&
          boxes[4 * i + 2]! >= query[0] &&
          boxes[4 * i + 1]! <= query[3] &&
          boxes[4 * i + 3]! >= query[1]
        ) {
          expected.push(i)
        }
      }
      expect(found.sort((a, b) => a - b)).toEqual(expected)
    }
    const corner: number[] = []
    index.search(0, 0, 10, 10, corner)
    expect(corner).toContain(1)
  })

  it('an empty index finds nothing and one box finds itself', () => {
    const none: number[] = []
    new BBoxIndex(new Float64Array(0)).search(0, 0, 1, 1, none)
    expect(none).toEqual([])
    const one: number[] = []
    new BBoxIndex(Float64Array.from([0, 0, 1, 1])).search(0.5, 0.5, 2, 2, one)
    expect(one).toEqual([0])
  })
})
