/**
 * vue-i18n in composition mode. The chosen locale is remembered in localStorage; api.ts reads
 * `currentLocale()` for the Accept-Language header, App.vue passes the matching Element Plus locale.
 */
import { createI18n } from 'vue-i18n'
import zhCN, { type Messages } from './zh-CN'
import en from './en'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

const STORAGE_KEY = 'landuse.locale'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function storedLocale(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return isLocale(value) ? value : null
  } catch {
    return null
  }
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: storedLocale() ?? DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
})

/** The current UI locale. */
export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/** Whether the user has picked a locale before (then the server's default does not apply). */
export function hasStoredLocale(): boolean {
  return storedLocale() !== null
}

/** Switches the UI language; `remember` keeps the choice in localStorage. */
export function setLocale(locale: Locale, remember = true): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (!remember) return
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

/** Picks the Chinese or English variant of a bilingual name pair by the current locale. */
export function localName(zh: string, enName: string | null | undefined): string {
  return currentLocale() === 'en' && enName ? enName : zh
}
