import { afterEach, describe, expect, it } from 'vitest'
import { chinaToday, InvalidDay, parseDay, WorkCalendar } from '../../server/workflow/calendar'

// Expected dates follow the State Council notice for 2026 (国办发明电〔2025〕7号) as encoded in
// chinese-days 1.5.7: Spring Festival off Feb 15–23, make-up working Saturdays Feb 14 and Feb 28;
// Mid-Autumn off Sep 25–27; National Day off Oct 1–7, make-up working Sun Sep 20 and Sat Oct 10.
const calendar = new WorkCalendar()

describe('server/workflow/calendar', () => {
  describe('Spring Festival 2026', () => {
    it('a filing accepted on Friday 2026-02-13 with 15 working days is due on Thursday 2026-03-12', () => {
      // counted: Feb 14 (make-up Sat), Feb 24–27, Feb 28 (make-up Sat), Mar 2–6, Mar 9–12
      expect(calendar.addWorkdays('2026-02-13', 15)).toBe('2026-03-12')
    })

    it('Saturday 2026-02-14 is a make-up working day, and the holiday runs from Feb 15 to Feb 23', () => {
      expect(calendar.dayInfo('2026-02-14')).toEqual({
        day: '2026-02-14',
        workday: true,
        name: '春节',
        nameEn: 'Spring Festival',
        source: 'package',
      })
      expect(calendar.isWorkday('2026-02-28')).toBe(true)
      for (let d = 15; d <= 23; d++) expect(calendar.isWorkday(`2026-02-${d}`), `Feb ${d}`).toBe(false)
      expect(calendar.isWorkday('2026-02-24')).toBe(true)
      expect(calendar.addWorkdays('2026-02-13', 1)).toBe('2026-02-14')
      expect(calendar.addWorkdays('2026-02-14', 1)).toBe('2026-02-24')
    })
  })

  describe('National Day and Mid-Autumn 2026', () => {
    it('a filing accepted on Tuesday 2026-09-29 with 15 working days is due on Monday 2026-10-26', () => {
      // counted: Sep 30, Oct 8, Oct 9, Oct 10 (make-up Sat), Oct 12–16, Oct 19–23, Oct 26
      expect(calendar.addWorkdays('2026-09-29', 15)).toBe('2026-10-26')
    })

    it('Saturday 2026-10-10 and Sunday 2026-09-20 are make-up working days; Oct 1–7 and Sep 25 are off', () => {
      expect(calendar.dayInfo('2026-10-10')).toMatchObject({
        workday: true,
        name: '国庆节',
        source: 'package',
      })
      expect(calendar.isWorkday('2026-09-20')).toBe(true)
      expect(calendar.dayInfo('2026-09-25')).toMatchObject({
        workday: false,
        name: '中秋',
        source: 'package',
      })
      for (let d = 1; d <= 7; d++) expect(calendar.isWorkday(`2026-10-0${d}`), `Oct ${d}`).toBe(false)
      expect(calendar.isWorkday('2026-10-11')).toBe(false)
      expect(calendar.addWorkdays('2026-10-09', 1)).toBe('2026-10-10')
    })

    it('a correction pause from 2026-09-30 to 2026-10-12 moves due dates by 4 working days', () => {
      // (Sep 30, Oct 12]: Oct 8, Oct 9, Oct 10 (make-up Sat), Oct 12; Oct 1–7 and Sun Oct 11 are off
      expect(calendar.workdaysBetween('2026-09-30', '2026-10-12')).toBe(4)
    })
  })

  describe('counting', () => {
    it('an ordinary stretch: accepted on Monday 2026-11-02 with 15 working days → due Monday 2026-11-23', () => {
      expect(calendar.addWorkdays('2026-11-02', 15)).toBe('2026-11-23')
      expect(calendar.workdaysBetween('2026-11-02', '2026-11-23')).toBe(15)
    })

    it('zero working days is the day itself when it is a working day, else the next working day', () => {
      expect(calendar.addWorkdays('2026-11-02', 0)).toBe('2026-11-02')
      expect(calendar.addWorkdays('2026-11-07', 0)).toBe('2026-11-09')
      expect(calendar.addWorkdays('2026-10-01', 0)).toBe('2026-10-08')
    })

    it('a limit that is not a whole number ≥ 0 is refused', () => {
      expect(() => calendar.addWorkdays('2026-11-02', -1)).toThrow(/whole number of working days ≥ 0, got -1/)
      expect(() => calendar.addWorkdays('2026-11-02', 1.5)).toThrow(RangeError)
    })

    it('workdaysBetween counts the half-open interval (from, to] and is 0 when to ≤ from', () => {
      expect(calendar.workdaysBetween('2026-11-06', '2026-11-09')).toBe(1) // Fri → Mon: Monday only
      expect(calendar.workdaysBetween('2026-11-09', '2026-11-09')).toBe(0)
      expect(calendar.workdaysBetween('2026-11-09', '2026-11-02')).toBe(0)
      expect(calendar.workdaysBetween('2026-02-14', '2026-02-23')).toBe(0) // all Spring Festival
    })

    it('workdaysUntil counts down to 0 on the due date and goes negative once overdue', () => {
      const due = calendar.addWorkdays('2026-11-02', 15)
      expect(calendar.workdaysUntil('2026-11-02', due)).toBe(15)
      expect(calendar.workdaysUntil('2026-11-20', due)).toBe(1)
      expect(calendar.workdaysUntil(due, due)).toBe(0)
      expect(calendar.workdaysUntil('2026-11-24', due)).toBe(-1)
      expect(calendar.workdaysUntil('2026-11-30', due)).toBe(-5)
    })

    it('the weekend right after a Friday due date still counts 0; the next Monday is -1', () => {
      expect(calendar.workdaysUntil('2026-11-21', '2026-11-20')).toBe(0)
      expect(calendar.workdaysUntil('2026-11-23', '2026-11-20')).toBe(-1)
    })

    it('across the Spring Festival, remaining days skip the holiday', () => {
      expect(calendar.workdaysUntil('2026-02-13', '2026-03-12')).toBe(15)
      expect(calendar.workdaysUntil('2026-02-20', '2026-03-12')).toBe(14)
    })
  })

  describe('years the package does not know, and overrides', () => {
    it('without an override 2027-01-01 is an ordinary Friday: the package has no 2027 holidays', () => {
      expect(calendar.dayInfo('2027-01-01')).toEqual({ day: '2027-01-01', workday: true, source: 'weekend' })
      expect(calendar.hasHolidayData(2026)).toBe(true)
      expect(calendar.hasHolidayData(2027)).toBe(false)
    })

    it('an override making 2027-01-01 a holiday wins, and a due date spanning it moves by one working day', () => {
      const withNewYear = new WorkCalendar([{ day: '2027-01-01', workday: false, note: '元旦' }])
      expect(withNewYear.dayInfo('2027-01-01')).toEqual({
        day: '2027-01-01',
        workday: false,
        name: '元旦',
        source: 'override',
      })
      expect(withNewYear.hasHolidayData(2027)).toBe(true)
      expect(calendar.addWorkdays('2026-12-31', 1)).toBe('2027-01-01')
      expect(withNewYear.addWorkdays('2026-12-31', 1)).toBe('2027-01-04')
      expect(calendar.addWorkdays('2026-12-28', 15)).toBe('2027-01-18')
      expect(withNewYear.addWorkdays('2026-12-28', 15)).toBe('2027-01-19')
    })

    it('an override turning Sunday 2027-01-10 into a make-up working day counts it', () => {
      const withMakeUp = new WorkCalendar([{ day: '2027-01-10', workday: true }])
      expect(calendar.workdaysBetween('2027-01-08', '2027-01-11')).toBe(1)
      expect(withMakeUp.workdaysBetween('2027-01-08', '2027-01-11')).toBe(2)
      expect(withMakeUp.addWorkdays('2027-01-08', 1)).toBe('2027-01-10')
      expect(withMakeUp.dayInfo('2027-01-10')).toEqual({
        day: '2027-01-10',
        workday: true,
        source: 'override',
      })
    })

    it('an override wins over the package too', () => {
      const cancelled = new WorkCalendar([{ day: '2026-02-14', workday: false, note: '本地安排' }])
      expect(cancelled.dayInfo('2026-02-14')).toMatchObject({ workday: false, source: 'override' })
      expect(cancelled.addWorkdays('2026-02-13', 15)).toBe('2026-03-13')
    })

    it('an override with a bad day or listed twice is refused naming the day', () => {
      expect(() => new WorkCalendar([{ day: '2027-02-29', workday: false }])).toThrow(
        /"2027-02-29" is not a real date: February 2027 has 28 days/,
      )
      expect(
        () =>
          new WorkCalendar([
            { day: '2027-01-01', workday: false },
            { day: '2027-01-01', workday: true },
          ]),
      ).toThrow(/2027-01-01 is listed twice/)
    })

    it('the answers cannot be changed through a returned object', () => {
      const info = calendar.dayInfo('2026-11-02')
      expect(() => Object.assign(info, { workday: false })).toThrow(TypeError)
      expect(calendar.isWorkday('2026-11-02')).toBe(true)
    })
  })

  describe('time zones', () => {
    const saved = process.env.TZ
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    })

    it('chinaToday gives the date in Beijing: 2026-12-31T17:00:00Z is already 2027-01-01', () => {
      expect(chinaToday(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01')
      expect(chinaToday(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31')
      expect(chinaToday(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
      expect(() => chinaToday(new Date('nonsense'))).toThrow(/invalid Date/)
    })

    it('the answers are the same whatever the time zone of the server process', () => {
      const answers = () => {
        const fresh = new WorkCalendar()
        return [
          fresh.addWorkdays('2026-02-13', 15),
          fresh.addWorkdays('2026-09-29', 15),
          fresh.workdaysBetween('2026-09-30', '2026-10-12'),
          fresh.dayInfo('2026-02-14'),
          fresh.dayInfo('2026-11-02'),
          chinaToday(new Date('2026-12-31T17:00:00Z')),
        ]
      }
      const inBeijing = answers()
      for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = zone
        // the zone really changed for this process (Los Angeles is behind UTC in December)
        if (zone === 'America/Los_Angeles') expect(new Date('2026-12-01').getTimezoneOffset()).toBe(480)
        expect(answers(), zone).toEqual(inBeijing)
      }
    })

    it("the package's JSON table agrees with its own getDayDetail in Beijing for every day of 2025–2026", async () => {
      // getDayDetail builds its tables in the process time zone when loaded: load it in China's
      process.env.TZ = 'Asia/Shanghai'
      const { default: chineseDays } = await import('chinese-days')
      for (let t = Date.UTC(2025, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
        const day = new Date(t).toISOString().slice(0, 10)
        const detail = chineseDays.getDayDetail(day)
        expect(detail.date).toBe(day)
        expect(calendar.isWorkday(day), day).toBe(detail.work)
      }
    })
  })

  describe('parseDay', () => {
    it('accepts a real date written YYYY-MM-DD, including 29 February of a leap year', () => {
      expect(parseDay('2026-02-13')).toBe('2026-02-13')
      expect(parseDay('2028-02-29')).toBe('2028-02-29')
    })

    it('refuses 2026-02-30, saying February 2026 has 28 days', () => {
      expect(() => parseDay('2026-02-30')).toThrow(InvalidDay)
      expect(() => parseDay('2026-02-30')).toThrow(
        '"2026-02-30" is not a real date: February 2026 has 28 days',
      )
      expect(() => parseDay('2026-13-01')).toThrow('"2026-13-01" is not a real date: there is no month 13')
    })

    it('refuses 2026-2-3, asking for two-digit month and day', () => {
      expect(() => parseDay('2026-2-3')).toThrow(
        '"2026-2-3" is not a date written YYYY-MM-DD (four-digit year, two-digit month and day, e.g. 2026-02-03)',
      )
      expect(() => parseDay(' 2026-02-03')).toThrow(/is not a date written YYYY-MM-DD/)
      expect(() => parseDay('2026-02-03T00:00:00Z')).toThrow(/is not a date written YYYY-MM-DD/)
    })

    it('refuses an empty text, saying a date is required', () => {
      expect(() => parseDay('')).toThrow('A date is required, written YYYY-MM-DD (e.g. 2026-02-13)')
    })

    it('tells the caller which problem it was, so a translated message can be chosen', () => {
      const problem = (text: string) => {
        try {
          parseDay(text)
        } catch (error) {
          return error instanceof InvalidDay ? error.problem : 'other'
        }
        return 'none'
      }
      expect(['', '2026-2-3', '2026-02-30', '0099-01-01'].map(problem)).toEqual([
        'empty',
        'format',
        'no_such_day',
        'year_range',
      ])
    })
  })
})
