import type { TestProject } from 'vitest/node'
import { embeddedTemplate, serverTemplate } from './template'

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplate: string
    serverTemplate: string
  }
}

/** Builds the template database of this project's backend once per run. */
export default async function setup(project: TestProject): Promise<void> {
  const backend = project.config.env?.TEST_DB_BACKEND
  if (backend === 'server') {
    const url = process.env.TEST_DATABASE_URL
    if (!url) throw new Error('the server project needs TEST_DATABASE_URL')
    project.provide('serverTemplate', await serverTemplate(url))
  } else {
    project.provide('embeddedTemplate', await embeddedTemplate())
  }
}
