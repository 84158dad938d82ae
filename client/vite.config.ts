import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const clientDir = fileURLToPath(new URL('.', import.meta.url))
const repoDir = fileURLToPath(new URL('..', import.meta.url))

/** Matches modules of the named packages under node_modules. */
function nodeModules(...packages: string[]): RegExp {
  const names = packages.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')
  return new RegExp(`[\\\\/]node_modules[\\\\/](${names})[\\\\/]`)
}

export default defineConfig({
  root: clientDir,
  plugins: [vue()],
  define: {
    // vue-i18n feature flags: composition API only, runtime message compiler (CSP-safe, no eval).
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
    // The client imports the CRS registry from ../gis; dependencies live in the repo's node_modules.
    fs: { allow: [clientDir, `${repoDir}gis`, `${repoDir}node_modules`] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // OpenLayers + proj4 are ~470 kB minified, in the lazily loaded `ol` chunk.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Named vendor chunks, cached across releases. The app's own map module (client/src/map) is
          // split automatically into the lazy map pages' shared chunk.
          groups: [
            {
              name: 'vue',
              priority: 30,
              test: nodeModules('@vue', 'vue', 'vue-router', 'vue-i18n', '@intlify'),
            },
            {
              name: 'element-plus',
              priority: 20,
              test: nodeModules(
                'element-plus',
                '@element-plus',
                '@ctrl',
                '@floating-ui',
                '@popperjs',
                '@vueuse',
                'async-validator',
                'dayjs',
                'lodash-es',
                'lodash-unified',
                'memoize-one',
                'normalize-wheel-es',
              ),
            },
            {
              // OpenLayers and proj4: loaded by map pages only.
              name: 'ol',
              priority: 10,
              test: nodeModules(
                'ol',
                'proj4',
                'rbush',
                'quickselect',
                'earcut',
                'pbf',
                'ieee754',
                'mgrs',
                'wkt-parser',
              ),
            },
          ],
        },
      },
    },
  },
})
