/**
 * Routes and the guard. A route with `meta.roles` needs a logged-in user with one of those roles
 * (else `/login?next=…`, or the forbidden page); routes without it (`/login`, `/public`) are open.
 * Map pages are lazy chunks, so OpenLayers loads only when a map is shown.
 */
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { homeFor, rolesFor, safeNext } from './navigation'
import { ensureSession, session } from './session'
import { ROLES, type Role } from './types'
import AppLayout from './views/AppLayout.vue'
import FilingsView from './views/FilingsView.vue'
import LoginView from './views/LoginView.vue'
import NotFoundView from './views/NotFoundView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Roles allowed on the page; absent = no login needed. */
    roles?: readonly Role[]
    /** i18n key of the page title. */
    title?: string
  }
}

/** `?run=12` → 12; anything else → null (the latest run). */
function runParam(value: unknown): number | null {
  const run = Number(Array.isArray(value) ? value[0] : value)
  return Number.isInteger(run) && run > 0 ? run : null
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { title: 'login.title' } },
    {
      path: '/public',
      name: 'public',
      component: () => import('./views/PublicMapView.vue'),
      meta: { title: 'public.title' },
    },
    {
      // The printable check report: no navigation chrome, same access as the filing.
      path: '/filings/:id(\\d+)/report',
      name: 'filing-report',
      component: () => import('./views/FilingReportView.vue'),
      props: (route) => ({ id: Number(route.params.id), run: runParam(route.query.run) }),
      meta: { roles: rolesFor('filings'), title: 'report.title' },
    },
    {
      // The printable receipt (受理回执): no navigation chrome, same access as the filing.
      path: '/filings/:id(\\d+)/receipt',
      name: 'filing-receipt',
      component: () => import('./views/ReceiptView.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { roles: rolesFor('filings'), title: 'receiptDoc.title' },
    },
    {
      path: '/',
      component: AppLayout,
      meta: { roles: ROLES },
      children: [
        {
          path: '',
          name: 'home',
          redirect: () => (session.user ? homeFor(session.user.role) : { name: 'login' }),
        },
        {
          path: 'filings',
          name: 'filings',
          component: FilingsView,
          meta: { roles: rolesFor('filings'), title: 'filings.title' },
        },
        {
          path: 'filings/:id(\\d+)',
          name: 'filing',
          component: () => import('./views/FilingDetailView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { roles: rolesFor('filings'), title: 'filing.title' },
        },
        {
          path: 'tasks',
          name: 'tasks',
          component: () => import('./views/TasksView.vue'),
          meta: { roles: rolesFor('tasks'), title: 'tasks.title' },
        },
        {
          path: 'supervision',
          name: 'supervision',
          component: () => import('./views/SupervisionView.vue'),
          meta: { roles: rolesFor('supervision'), title: 'supervision.title' },
        },
        {
          path: 'inbox',
          name: 'inbox',
          component: () => import('./views/InboxView.vue'),
          meta: { roles: rolesFor('inbox'), title: 'inbox.title' },
        },
        {
          path: 'admin/calendar',
          name: 'calendar',
          component: () => import('./views/CalendarAdminView.vue'),
          meta: { roles: rolesFor('calendar'), title: 'calendar.title' },
        },
        {
          path: 'map',
          name: 'map',
          component: () => import('./views/MapView.vue'),
          meta: { roles: rolesFor('map'), title: 'map.title' },
        },
        {
          path: 'admin/layers',
          name: 'layers',
          component: () => import('./views/LayersAdminView.vue'),
          meta: { roles: rolesFor('layers'), title: 'layers.title' },
        },
        {
          path: 'forbidden',
          name: 'forbidden',
          component: NotFoundView,
          props: { kind: 'forbidden' },
          meta: { title: 'errors.forbidden' },
        },
      ],
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: NotFoundView,
      props: { kind: 'not-found' },
      meta: { title: 'errors.notFound' },
    },
  ],
})

router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
  const user = await ensureSession()
  if (to.name === 'login' && user) return safeNext(to.query.next) ?? homeFor(user.role)
  const roles = to.meta.roles
  if (!roles) return true
  if (!user) return { name: 'login', query: { next: to.fullPath } }
  if (!roles.includes(user.role)) return { name: 'forbidden' }
  return true
})
