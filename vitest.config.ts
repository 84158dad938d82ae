import { defineConfig } from 'vitest/config'

/**
 * Projects:
 * - unit: pure modules (gis/, sample-data generator, config, messages), no database.
 * - embedded: API and database tests on the embedded PGlite + PostGIS database (always).
 * - server: the same files on a PostgreSQL + PostGIS server, when TEST_DATABASE_URL is set.
 * - browser: Chromium (playwright-core) against the built client; skipped, saying so, without Chromium.
 * Each database test file gets its own copy of a template database built once per run.
 */
const serverUrl = process.env.TEST_DATABASE_URL
const dbTests = ['tests/server/**/*.test.ts']

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/gis/**/*.test.ts', 'tests/sample-data/**/*.test.ts'],
          // the CLI tests start bin/landuse processes
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'embedded',
          include: dbTests,
          globalSetup: ['tests/setup/global-db.ts'],
          env: { TEST_DB_BACKEND: 'embedded' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      ...(serverUrl
        ? [
            {
              test: {
                name: 'server',
                include: dbTests,
                globalSetup: ['tests/setup/global-db.ts'],
                env: { TEST_DB_BACKEND: 'server' },
                testTimeout: 60_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/setup/global-db.ts', 'tests/setup/global-client.ts'],
          env: { TEST_DB_BACKEND: serverUrl ? 'server' : 'embedded' },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
