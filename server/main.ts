/** `npm start` / `npm run serve`: the whole system on one port. */
import { ConfigError, loadConfig, loadDotEnv } from './config'
import { createLogger } from './logger'
import { StartupError } from './db/postgis'
import { prepareDatabase, serve, sessionSecret } from './system'

async function main(): Promise<void> {
  let config
  try {
    loadDotEnv()
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`landuse: ${error.message}`)
      process.exit(2)
    }
    throw error
  }
  const logger = createLogger(config.logLevel, config.logFormat)
  try {
    const db = await prepareDatabase(config, (line) => logger.info(line))
    const system = await serve(config, db, logger, sessionSecret(config))
    logger.info(`listening on ${system.url}`)
    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) return
      stopping = true
      logger.info(`${signal}: stopping`)
      await system.close()
      process.exit(0)
    }
    process.on('SIGINT', () => void stop('SIGINT'))
    process.on('SIGTERM', () => void stop('SIGTERM'))
  } catch (error) {
    if (error instanceof StartupError) {
      logger.fatal(error.message)
      process.exit(3)
    }
    logger.fatal({ err: error }, 'start-up failed')
    process.exit(1)
  }
}

void main()
