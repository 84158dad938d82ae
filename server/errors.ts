import { formatMessage, type Locale, type MessageCode } from './messages'

/**
 * The one error type of the server. `code` selects the user message in the catalogue; `params` fill it;
 * `details` carry structured specifics (which field, which feature); `cause` is logged, never sent.
 */
export class AppError extends Error {
  constructor(
    readonly code: MessageCode,
    readonly status: number,
    readonly params: Record<string, unknown> = {},
    readonly details: unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(`${code} ${JSON.stringify(params)}`, options)
    this.name = 'AppError'
  }

  /** The message shown to the user, in their locale. */
  message_(locale: Locale): string {
    return formatMessage(this.code, locale, this.params)
  }

  toBody(locale: Locale): { error: { code: string; message: string; details: unknown[] } } {
    return { error: { code: this.code, message: this.message_(locale), details: this.details } }
  }
}

export const notFound = (code: MessageCode, params: Record<string, unknown> = {}) =>
  new AppError(code, 404, params)
export const badRequest = (
  code: MessageCode,
  params: Record<string, unknown> = {},
  details: unknown[] = [],
) => new AppError(code, 400, params, details)
