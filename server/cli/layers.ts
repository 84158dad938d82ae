/**
 * `landuse layers import|list|activate`: reference layer versions from the command line, for layers too
 * big to send through the browser (a province's permanent farmland: a million polygons, as
 * newline-delimited GeoJSON streamed from disk).
 */
import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import type { Database } from '../db/database'
import { loadConfig } from '../config'
import { AppError } from '../errors'
import { CRS_REGISTRY } from '../../gis/crs'
import type { Finding } from '../../gis/findings'
import { LAYER_KINDS, listLayerVersions, listLayers, type LayerKind } from '../repositories/layers'
import { activateLayer, importLayerVersion, type LayerFile } from '../usecases/importLayer'
import { isGeoJsonSeq } from '../layers/geojsonl'
import { inputFiles, ParcelsUsageError } from './parcels'

type WithDatabase = <T>(fn: (db: Database) => Promise<T>) => Promise<T>

/** At most this many findings are printed as text (all of them with --json). */
const PRINTED_FINDINGS = 20

function locale(): 'zh-CN' | 'en' {
  return /^zh/i.test(process.env.LANG ?? '') ? 'zh-CN' : 'en'
}

const count = (n: number) => n.toLocaleString('en-US')

function crsOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const code = Number(/^(?:EPSG:)?(\d{4,5})$/i.exec(value.trim())?.[1])
  if (!CRS_REGISTRY.has(code))
    throw new ParcelsUsageError(`--crs ${value}: not a known EPSG code (e.g. EPSG:4524)`)
  return code
}

/** The files of the arguments: GeoJSONSeq by path (streamed), anything else read as an upload would be. */
function layerFiles(paths: string[]): LayerFile[] {
  const files: LayerFile[] = []
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new ParcelsUsageError(`${p}: no such file`)
    if (isGeoJsonSeq(p) && fs.statSync(p).isFile()) files.push({ name: path.basename(p), path: p })
    else files.push(...inputFiles([p]))
  }
  return files
}

function printFindings(findings: Finding[]): void {
  const lang = locale()
  for (const f of findings.slice(0, PRINTED_FINDINGS)) {
    const where = f.location ? ` @ ${f.location[0].toFixed(6)},${f.location[1].toFixed(6)}` : ''
    console.log(`  warn ${f.code}: ${f.message[lang]}${where}`)
  }
  if (findings.length > PRINTED_FINDINGS)
    console.log(`  … ${findings.length - PRINTED_FINDINGS} more findings (--json prints all)`)
}

export function registerLayerCommands(program: Command, withDatabase: WithDatabase): void {
  const layers = program
    .command('layers')
    .description('reference layers (permanent farmland, cultivated land, planning zones …): versions')

  layers
    .command('import <files...>')
    .description(
      'import a new version of a reference layer from a shapefile (.zip, or a .shp with its siblings), a GeoJSON, or newline-delimited GeoJSON (.geojsonl, streamed from disk); older versions stay',
    )
    .addOption(new Option('--kind <kind>', 'the layer').choices(LAYER_KINDS).makeOptionMandatory())
    .requiredOption('--version <label>', 'version label, unique per layer (e.g. "2025 年度更新")')
    .option(
      '--class-field <field>',
      'attribute holding the class code, e.g. DLBM (required for cultivated_land and planning_zone)',
    )
    .option('--crs <EPSG:n>', 'coordinate system of the file, overriding what it declares')
    .option('--encoding <name>', 'attribute/text encoding, overriding detection (gbk, utf-8 …)')
    .option('--layer <name>', 'which shapefile of a zip holding several')
    .option('--no-activate', 'keep the current version current (activate the new one later)')
    .option('--json', 'print JSON: { version, summary, findings }')
    .action(
      async (
        paths: string[],
        opts: {
          kind: LayerKind
          version: string
          classField?: string
          crs?: string
          encoding?: string
          layer?: string
          activate: boolean
          json?: boolean
        },
      ) => {
        const crs = crsOption(opts.crs)
        const files = layerFiles(paths)
        const config = loadConfig()
        const progress = process.stderr.isTTY
          ? (n: number) => {
              if (n % 100_000 === 0) process.stderr.write(`\r  ${count(n)} features …`)
            }
          : undefined
        await withDatabase(async (db) => {
          const result = await importLayerVersion(
            db,
            null,
            {
              kind: opts.kind,
              label: opts.version,
              files,
              ...(opts.classField ? { classField: opts.classField } : {}),
              ...(crs ? { crs } : {}),
              ...(opts.encoding ? { encoding: opts.encoding.toLowerCase() } : {}),
              ...(opts.layer ? { layer: opts.layer } : {}),
              activate: opts.activate,
            },
            {
              maxFeatures: config.layerMaxFeatures,
              maxVertices: config.layerMaxVertices,
              maxUncompressedBytes: config.uploadMaxUncompressedMb * 1024 * 1024,
              maxCompressionRatio: config.uploadMaxRatio,
              parseSeconds: null,
            },
            progress ? { onProgress: progress } : {},
          )
          if (progress) process.stderr.write('\r')
          if (opts.json) {
            console.log(JSON.stringify(result))
            return
          }
          const s = result.summary
          const v = result.version
          console.log(
            `imported ${opts.kind} version "${v.label}" (id ${v.id}): ${count(s.imported)} features from ${v.sourceName} ` +
              `(${s.format}, ${s.crs} ${s.crsSource ?? ''}) in ${s.seconds.toFixed(1)} s, ` +
              `${count(Math.round(s.read / Math.max(s.seconds, 0.001)))} features/s; ` +
              `skipped ${s.skipped}, repaired ${s.repaired}, dropped ${s.dropped}` +
              (s.subdivided ? `, ${s.subdivided} big polygons stored in ${count(s.pieces)} pieces; ` : '; ') +
              (v.current ? 'now current' : 'not current (landuse layers activate)'),
          )
          printFindings(result.findings)
        })
      },
    )

  layers
    .command('list')
    .description('every layer: its current version, feature count and all versions')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const all = await Promise.all(
          (await listLayers(db)).map(async (l) => ({
            kind: l.kind,
            nameZh: l.nameZh,
            nameEn: l.nameEn,
            current: l.version
              ? { id: l.version.id, label: l.version.label, featureCount: l.version.featureCount }
              : null,
            versions: await listLayerVersions(db, l.kind),
          })),
        )
        if (opts.json) {
          console.log(JSON.stringify(all))
          return
        }
        for (const l of all) {
          const versions = l.versions.map((v) => `${v.label}${v.current ? '*' : ''}`).join(', ') || '-'
          console.log(
            [
              l.kind,
              l.current ? l.current.label : '(none)',
              l.current ? count(l.current.featureCount) : '0',
              versions,
            ].join('\t'),
          )
        }
      }),
    )

  layers
    .command('activate')
    .description('make a version the current one (what checks use from now on)')
    .addOption(new Option('--kind <kind>', 'the layer').choices(LAYER_KINDS).makeOptionMandatory())
    .requiredOption('--version <label>', 'the version label')
    .action((opts: { kind: LayerKind; version: string }) =>
      withDatabase(async (db) => {
        try {
          const { version, previous } = await activateLayer(db, null, opts.kind, { label: opts.version })
          console.log(
            `${opts.kind}: version "${version.label}" (id ${version.id}, ${count(version.featureCount)} features) is current` +
              (previous && previous.id !== version.id ? ` (was "${previous.label}")` : ''),
          )
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'layer.version_not_found') throw error
          const labels = (await listLayerVersions(db, opts.kind)).map((v) => `"${v.label}"`)
          throw new ParcelsUsageError(
            `${opts.kind} has no version "${opts.version}"; its versions: ${labels.join(', ') || 'none'}`,
          )
        }
      }),
    )
}
