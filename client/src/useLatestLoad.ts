/**
 * A view's list that reloads when its filter changes: `load` fetches it, `loading` is true meanwhile, and
 * only the latest request counts, so a slow answer to an earlier filter never replaces a newer one.
 */
import { ref } from 'vue'

export function useLatestLoad<T>(options: {
  /** Asks the server (api.ts shows a failure to the user). */
  fetch: () => Promise<T>
  /** Shows the answer; `isLatest` tells later work (more requests it starts) whether it still counts. */
  show: (answer: T, isLatest: () => boolean) => void
  /** Empties the list after a failed request. */
  clear: () => void
}) {
  const loading = ref(false)
  let requestNo = 0

  async function load(): Promise<void> {
    const mine = ++requestNo
    const isLatest = () => mine === requestNo
    loading.value = true
    try {
      const answer = await options.fetch()
      if (isLatest()) options.show(answer, isLatest)
    } catch {
      if (isLatest()) options.clear()
    } finally {
      if (isLatest()) loading.value = false
    }
  }

  return { loading, load }
}
