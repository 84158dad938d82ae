import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { build } from 'vite'
import { chromiumPath } from '../helpers/browser'
import { ARTIFACTS, ROOT } from './template'

declare module 'vitest' {
  export interface ProvidedContext {
    clientDir: string
  }
}

/** Builds the web client once for the browser tests (into tests/.artifacts, leaving client/dist alone). */
export default async function setup(project: TestProject): Promise<void> {
  const outDir = path.join(ARTIFACTS, 'client-dist')
  project.provide('clientDir', outDir)
  if (!chromiumPath()) return
  const started = Date.now()
  await build({
    configFile: path.join(ROOT, 'client/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })
  console.log(
    `[tests] web client built for the browser tests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}
