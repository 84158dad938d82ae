import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONFIG_KEYS, ConfigError, loadConfig, redactUrl } from '../../server/config'
import { MESSAGES, formatMessage, pickLocale } from '../../server/messages'

describe('server/config', () => {
  it('every key has a default or is optional, so an empty environment is a valid configuration', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.sampleData).toBe(true)
  })

  it('a bad value is refused naming the variable and the problem', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError)
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })
    } catch (error) {
      const message = (error as Error).message
      expect(message).toContain('PORT="eighty"')
      expect(message).toContain('DATABASE_URL="mysql://x": must start with postgres://')
    }
  })

  it('.env.example documents every key, with its line of documentation', () => {
    const example = fs.readFileSync(path.resolve(import.meta.dirname, '../../.env.example'), 'utf8')
    for (const spec of Object.values(CONFIG_KEYS)) {
      expect(example, spec.env).toContain(`${spec.env}=`)
      expect(example, spec.env).toContain(spec.doc)
    }
  })

  it('a database URL is logged without its password', () => {
    expect(redactUrl('postgres://landuse:s3cret@db.internal:5432/landuse')).toBe(
      'postgres://landuse:***@db.internal:5432/landuse',
    )
    expect(redactUrl('not a url')).not.toContain('not a url')
  })
})

describe('server/messages', () => {
  it('every message exists in zh-CN and en, with the same placeholders', () => {
    for (const [code, texts] of Object.entries(MESSAGES)) {
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(holes(texts['zh-CN']), code).toEqual(holes(texts.en))
      expect(texts['zh-CN'].length, code).toBeGreaterThan(0)
    }
  })

  it('placeholders are filled and the language follows Accept-Language', () => {
    expect(formatMessage('filing.not_found', 'en', { id: 7 })).toBe(
      'Filing 7 does not exist or is not visible to you',
    )
    expect(pickLocale('en-GB,en;q=0.8')).toBe('en')
    expect(pickLocale('zh-CN,zh;q=0.9,en;q=0.5')).toBe('zh-CN')
    expect(pickLocale(undefined)).toBe('zh-CN')
  })
})
