import { describe, expect, it } from 'vitest'
import { validateFeatures } from '../../../gis/validate'
import { lonLatFeature, ring } from './helpers'

const spiky = ring([0, 0], [4, 0], [4, 2], [9, 2.01], [4, 2.02], [4, 4], [0, 4], [0, 0])

describe('gis/validate/spikes', () => {
  it('a vertex where the ring turns back at a fraction of a degree is a spike warning with its angle and place', () => {
    const { findings } = validateFeatures([lonLatFeature(0, [[spiky]])])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      code: 'geometry.spike',
      severity: 'warning',
      location: [107.0009, 27.000201],
    })
    expect(findings[0]!.details!.angleDeg as number).toBeLessThan(0.5)
  })

  it('the angle that counts as a spike is an option', () => {
    expect(validateFeatures([lonLatFeature(0, [[spiky]])], { spikeAngleDeg: 0.1 }).findings).toEqual([])
  })

  it('repair removes spikes one after another until none is left', () => {
    // two spikes in a row: removing the tip leaves another tip
    const double = ring(
      [0, 0],
      [4, 0],
      [4, 2],
      [9, 2.01],
      [8, 2.012],
      [9, 2.014],
      [4, 2.02],
      [4, 4],
      [0, 4],
      [0, 0],
    )
    const result = validateFeatures([lonLatFeature(0, [[double]])], { repair: true })
    expect(result.findings.every((f) => f.code === 'repair.spike_removed')).toBe(true)
    expect(result.findings).toHaveLength(3)
    expect(result.repaired.get(0)!.polygons4490[0]![0]).toHaveLength(7)
  })
})
