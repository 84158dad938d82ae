/**
 * A browser-like HTTP client for API tests: keeps cookies, sends the Origin and X-Requested-With
 * headers the CSRF guard expects (unless told not to), speaks JSON.
 */
export interface ApiResponse<T = unknown> {
  status: number
  headers: Headers
  body: T
}

export class ApiClient {
  private cookies = new Map<string, string>()

  constructor(
    readonly baseUrl: string,
    private readonly options: { origin?: string | null; csrfHeader?: boolean; locale?: string } = {},
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders }
    if (this.options.locale) headers['accept-language'] = this.options.locale
    if (method !== 'GET') {
      const origin = this.options.origin === undefined ? this.baseUrl : this.options.origin
      if (origin) headers.origin = origin
      if (this.options.csrfHeader !== false) headers['x-requested-with'] = 'landuse'
    }
    if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json'
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof FormData
            ? body
            : JSON.stringify(body),
      redirect: 'manual',
    })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await res.text()
    let parsed: unknown = text
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text)
    return { status: res.status, headers: res.headers, body: parsed as T }
  }

  get<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path)
  }

  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, headers)
  }

  /** A multipart/form-data POST (fetch sets the boundary); same cookies and CSRF headers. */
  async postForm<T = unknown>(
    path: string,
    form: FormData,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, form, extraHeaders)
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  /** Logs in; throws with the server's answer when it fails. */
  async login(username: string, password = DEMO_PASSWORD): Promise<void> {
    const res = await this.post('/api/auth/login', { username, password })
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`)
  }
}

/** The password of every demo account in the sample province. */
export const DEMO_PASSWORD = 'Demo#2026'

/** A form with files (name → bytes) and text fields, for upload requests. */
export function uploadForm(files: Record<string, Uint8Array>, fields: Record<string, string> = {}): FormData {
  const form = new FormData()
  for (const [name, bytes] of Object.entries(files)) form.append('file', new Blob([bytes]), name)
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  return form
}
