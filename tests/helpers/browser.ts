import fs from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { PNG } from 'pngjs'

/** Debian's Chromium, which the browser tests drive; null when it is not installed. */
export function chromiumPath(): string | null {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate
  }
  return null
}

/** Headless Chromium with background networking off (this machine has no internet). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath()
  if (!executablePath) throw new Error('Chromium is not installed')
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/** How much of a screenshot is drawn: distinct colours and the share of pixels unlike the most common one. */
export function pngInk(png: Buffer): { distinctColours: number; inkedShare: number } {
  const image = PNG.sync.read(png)
  const counts = new Map<number, number>()
  for (let i = 0; i < image.data.length; i += 4) {
    const key = (image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const total = image.width * image.height
  const background = Math.max(...counts.values())
  return { distinctColours: counts.size, inkedShare: 1 - background / total }
}
