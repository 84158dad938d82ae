/**
 * What the routes that take files (parcel uploads, reference layers) share: receiving the multipart
 * files in memory within limits, with multer's limit errors said in the user's words, and the CRS field.
 */
import type { RequestHandler } from 'express'
import multer from 'multer'
import { AppError } from '../errors'
import { CRS_REGISTRY } from '../../gis/crs'

/** Most files one request may carry (a shapefile's parts, several GeoJSON files). */
export const MAX_FILES = 20

/** multer receiving the `file` fields (at most MAX_FILES, each at most `maxMb`) into memory. */
export function receiveFiles(maxMb: number): RequestHandler {
  const receive = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: Math.round(maxMb * 1024 * 1024),
      files: MAX_FILES,
      fields: 10,
      fieldSize: 1024,
      parts: MAX_FILES + 10,
    },
  }).array('file', MAX_FILES)
  return (req, res, next) =>
    receive(req, res, (error: unknown) => {
      if (!error) return next()
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE')
          return next(new AppError('upload.too_large', 413, { limit: `${maxMb} MB` }))
        if (error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE')
          return next(
            new AppError('upload.too_many_files', 400, { limit: MAX_FILES }, [{ field: error.field }]),
          )
        return next(
          new AppError('request.invalid', 400, { problems: error.message }, [{ field: error.field }]),
        )
      }
      next(
        new AppError('request.invalid', 400, { problems: 'malformed multipart/form-data' }, [], {
          cause: error,
        }),
      )
    })
}

/** "EPSG:4524", "epsg:4524" or "4524" → 4524 when the system knows it; empty → undefined. */
export function parseCrs(value: string | undefined): number | undefined {
  if (!value) return undefined
  const code = Number(/^(?:EPSG:)?(\d{4,5})$/i.exec(value)?.[1])
  if (!CRS_REGISTRY.has(code))
    throw new AppError('upload.bad_crs', 400, { crs: value }, [{ field: 'crs', value }])
  return code
}
