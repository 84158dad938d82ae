/**
 * The working-day calendar of mainland China (工作日), the clock behind every time limit (时限).
 *
 * A day is a calendar date in China (Asia/Shanghai), always written `YYYY-MM-DD`. It is a working day
 * when, in order of precedence:
 * 1. an override says so (an admin-editable table: holidays announced after the package release, such
 *    as next year's State Council notice, or a local arrangement), else
 * 2. the `chinese-days` package lists it as a public holiday (off) or a make-up working day (调休, on),
 *    else
 * 3. it is Monday to Friday (the weekend rule). This is also what a year the package has no data for
 *    gets: 2027-01-01 counts as an ordinary Friday until someone adds the 2027 holidays as overrides.
 *
 * Counting: `addWorkdays(D, n)` is the n-th working day after D (D itself not counted), so a filing
 * accepted on D with a limit of 15 working days is due on `addWorkdays(D, 15)`. `workdaysBetween(P, R)`
 * counts the working days in (P, R]: a clock paused on P and resumed on R moves its due dates by that
 * many working days (补正期间不计时).
 *
 * Time zones: nothing here reads the process time zone. Days are turned into integers (days since
 * 1970-01-01) with Date.UTC and back, and the weekday is computed from that integer. The package's
 * functions (`isWorkday`, `getDayDetail`) are not called: they parse `YYYY-MM-DD` as UTC midnight but
 * read it back with local getters (and build their tables the same way), so in a process west of UTC
 * (America/…) they answer for the wrong day: isWorkday('2026-11-02'), a Monday, is false there, and
 * given a Date they turn the make-up Saturday 2026-02-14 into a day off. The package's published
 * holiday table `dist/chinese-days.json` holds the same data keyed by plain date strings (a test
 * compares the two in Asia/Shanghai), and is what this module reads.
 */
import packageDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' }

/** A row of the admin-editable calendar table: it wins over the package for that day. */
export interface CalendarOverride {
  day: string
  workday: boolean
  note?: string
}

/** What decided a day: an override, the package's holiday table, or the Monday-to-Friday rule. */
export type DaySource = 'package' | 'override' | 'weekend'

export interface DayInfo {
  day: string
  workday: boolean
  /**
   * The holiday in Chinese (春节); for a make-up working day, the holiday it makes up for. For an
   * override, its note. Absent for an ordinary weekday or weekend.
   */
  name?: string
  /** The same holiday in English (Spring Festival), for package days only. */
  nameEn?: string
  source: DaySource
}

export type InvalidDayProblem = 'empty' | 'format' | 'no_such_day' | 'year_range'

/** A text that is not a real `YYYY-MM-DD` date; `problem` lets the caller pick a translated message. */
export class InvalidDay extends Error {
  constructor(
    readonly text: string,
    readonly problem: InvalidDayProblem,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidDay'
  }
}

const DAY_MS = 86_400_000
const MIN_YEAR = 1900
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** Days since 1970-01-01 of a `YYYY-MM-DD` text, or InvalidDay. */
function dayNumber(text: string): number {
  if (text === '')
    throw new InvalidDay(text, 'empty', 'A date is required, written YYYY-MM-DD (e.g. 2026-02-13)')
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match)
    throw new InvalidDay(
      text,
      'format',
      `${JSON.stringify(text)} is not a date written YYYY-MM-DD (four-digit year, two-digit month and day, e.g. 2026-02-03)`,
    )
  const year = Number(match[1])
  const month = Number(match[2])
  const date = Number(match[3])
  if (year < MIN_YEAR)
    throw new InvalidDay(
      text,
      'year_range',
      `${JSON.stringify(text)} is out of range: the year must be ${MIN_YEAR} or later`,
    )
  if (month < 1 || month > 12)
    throw new InvalidDay(
      text,
      'no_such_day',
      `${JSON.stringify(text)} is not a real date: there is no month ${match[2]}`,
    )
  const t = Date.UTC(year, month - 1, date)
  if (date < 1 || new Date(t).getUTCDate() !== date) {
    const monthLength = new Date(Date.UTC(year, month, 0)).getUTCDate()
    throw new InvalidDay(
      text,
      'no_such_day',
      `${JSON.stringify(text)} is not a real date: ${MONTHS[month - 1]} ${year} has ${monthLength} days`,
    )
  }
  return t / DAY_MS
}

/** The `YYYY-MM-DD` text of a day number. */
function dayText(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7
}

/**
 * Returns `text` when it is a real date written `YYYY-MM-DD` (2026-02-03); throws InvalidDay with a
 * message naming the problem otherwise ('2026-2-3', '2026-02-30', '').
 */
export function parseDay(text: string): string {
  dayNumber(text)
  return text
}

const CHINA_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar date in China (Asia/Shanghai) at the instant `now`, whatever the server's time zone. */
export function chinaToday(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('chinaToday: the instant is an invalid Date')
  const parts = Object.fromEntries(CHINA_DATE.formatToParts(now).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

/** The package's table, one entry per listed day: a holiday or a make-up working day. */
interface PackageDay {
  workday: boolean
  name: string
  nameEn: string
}

/** `"Spring Festival,春节,4"` → names. A day both listed as holiday and workday is a workday. */
function readPackage(): Map<number, PackageDay> {
  const table = new Map<number, PackageDay>()
  const add = (entries: Record<string, string>, workday: boolean) => {
    for (const [day, label] of Object.entries(entries)) {
      const [nameEn = '', name = nameEn] = label.split(',')
      table.set(dayNumber(day), { workday, name, nameEn })
    }
  }
  add(packageDays.holidays, false)
  add(packageDays.workdays, true)
  return table
}

const PACKAGE = readPackage()
const PACKAGE_YEARS = new Set([...PACKAGE.keys()].map((n) => Number(dayText(n).slice(0, 4))))

/**
 * The working-day calendar: package data, overrides on top, the weekend rule underneath. Pure and
 * synchronous; build one from the override table and keep it (each day is looked up once, then cached).
 */
export class WorkCalendar {
  readonly #overrides = new Map<number, CalendarOverride>()
  readonly #cache = new Map<number, Readonly<DayInfo>>()
  readonly #years = new Set<number>(PACKAGE_YEARS)

  /** Throws InvalidDay for an override with a bad day, and an Error for a day listed twice. */
  constructor(overrides: readonly CalendarOverride[] = []) {
    for (const override of overrides) {
      const n = dayNumber(override.day)
      if (this.#overrides.has(n))
        throw new Error(`Calendar override ${override.day} is listed twice: keep one row per day`)
      this.#overrides.set(n, { ...override })
      this.#years.add(Number(override.day.slice(0, 4)))
    }
  }

  isWorkday(day: string): boolean {
    return this.#info(dayNumber(day)).workday
  }

  /** Whether `day` is a working day, its holiday name if any, and what decided it. */
  dayInfo(day: string): Readonly<DayInfo> {
    return this.#info(dayNumber(day))
  }

  /**
   * The n-th working day after `day` (not counting `day` itself); for n = 0, `day` when it is a working
   * day, else the next one. Accepted on D with a limit of 15 working days → due on addWorkdays(D, 15).
   */
  addWorkdays(day: string, n: number): string {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`addWorkdays: n must be a whole number of working days ≥ 0, got ${n}`)
    let d = dayNumber(day)
    if (n === 0) {
      while (!this.#info(d).workday) d++
      return dayText(d)
    }
    for (let left = n; left > 0;) {
      d++
      if (this.#info(d).workday) left--
    }
    return dayText(d)
  }

  /**
   * The number of working days in (from, to]: `from` not counted, `to` counted; 0 when to ≤ from.
   * A clock paused on P and resumed on R moves its due dates by workdaysBetween(P, R) working days.
   */
  workdaysBetween(from: string, to: string): number {
    const end = dayNumber(to)
    let count = 0
    for (let d = dayNumber(from) + 1; d <= end; d++) if (this.#info(d).workday) count++
    return count
  }

  /**
   * Working days left from `today` until `due`: 0 on the due date, negative once working days have
   * passed after it (-1 on the first working day after). Overdue means `today > due` (ISO dates compare
   * as text): the weekend right after a Friday due date is already overdue but still counts 0 here.
   */
  workdaysUntil(today: string, due: string): number {
    if (due >= today) return this.workdaysBetween(today, due)
    const late = this.workdaysBetween(due, today)
    return late === 0 ? 0 : -late // not -0, which Object.is (and toBe) tell apart from 0
  }

  /**
   * Whether the holidays of `year` are known (from the package or an override). When false, only the
   * weekend rule applies: typically next year before its holidays are entered as overrides.
   */
  hasHolidayData(year: number): boolean {
    return this.#years.has(year)
  }

  #info(n: number): Readonly<DayInfo> {
    let info = this.#cache.get(n)
    if (info === undefined) {
      info = Object.freeze(this.#decide(n))
      this.#cache.set(n, info)
    }
    return info
  }

  #decide(n: number): DayInfo {
    const day = dayText(n)
    const override = this.#overrides.get(n)
    if (override)
      return {
        day,
        workday: override.workday,
        ...(override.note ? { name: override.note } : {}),
        source: 'override',
      }
    const listed = PACKAGE.get(n)
    if (listed)
      return { day, workday: listed.workday, name: listed.name, nameEn: listed.nameEn, source: 'package' }
    const dow = weekday(n)
    return { day, workday: dow !== 0 && dow !== 6, source: 'weekend' }
  }
}
