import { createApp } from 'vue'
import './elementPlus'
import './style.css'
import App from './App.vue'
import { onUnauthorized } from './api'
import { currentLocale, hasStoredLocale, i18n, isLocale, setLocale } from './i18n'
import { router } from './router'
import { clearSession, ensureSession } from './session'
import { loadConfig } from './config'

document.documentElement.lang = currentLocale()

onUnauthorized(() => {
  clearSession()
  const current = router.currentRoute.value
  if (current.meta.roles && current.name !== 'login') {
    void router.replace({ name: 'login', query: { next: current.fullPath } })
  }
})

// The server's default language applies until the user picks one.
void loadConfig().then((config) => {
  if (config && !hasStoredLocale() && isLocale(config.defaultLocale)) setLocale(config.defaultLocale, false)
})

const app = createApp(App).use(i18n)
// Who is logged in decides the first route (the guard and the home redirect read the session).
void ensureSession().finally(() => {
  app.use(router).mount('#app')
})
