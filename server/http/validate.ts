import type { z } from 'zod'
import { AppError } from '../errors'

/** Parses request input with a zod schema; a mismatch is a 400 naming each field and what is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    problem: i.message,
  }))
  throw new AppError(
    'request.invalid',
    400,
    { problems: details.map((d) => `${d.field}: ${d.problem}`).join('; ') },
    details,
  )
}
