/**
 * `landuse parcels inspect|convert`: read parcel files exactly as an upload would be read, without a
 * running server (and without a database, unless `--county` asks for the county's boundary).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { inspectFiles, type InspectResult } from '../../gis/ingest'
import { UnreadableUpload, type Finding } from '../../gis/findings'
import { DEFAULT_READ_LIMITS, type InputFile } from '../../gis/formats/types'
import { CRS_REGISTRY, cgcs2000GaussKruger, gk3ZoneForLongitude, transformer } from '../../gis/crs'
import { esriWkt } from '../../gis/crs/wkt'
import { writeShapefile, zipShapefile } from '../../gis/formats/shapefile/write'
import { writeCoordTxt } from '../../gis/formats/cn-coord-txt/write'
import { loadConfig } from '../config'
import type { JurisdictionArea } from '../repositories/jurisdictions'

/** A mistake of the person at the keyboard (bad file, bad option): one line on stderr, exit code 2. */
export class ParcelsUsageError extends Error {}

const SHAPEFILE_PARTS = ['.shp', '.shx', '.dbf', '.prj', '.cpg']

/** The files of an argument: the file itself, or for a `.shp` its siblings with the same base name. */
export function inputFiles(paths: string[]): InputFile[] {
  const files: InputFile[] = []
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new ParcelsUsageError(`${p}: no such file`)
    if (fs.statSync(p).isDirectory())
      throw new ParcelsUsageError(`${p} is a folder: give the .zip, .shp, .geojson or .txt`)
    if (path.extname(p).toLowerCase() === '.shp') {
      const dir = path.dirname(p)
      const base = path.basename(p, path.extname(p)).toLowerCase()
      for (const name of fs.readdirSync(dir)) {
        const ext = path.extname(name).toLowerCase()
        if (SHAPEFILE_PARTS.includes(ext) && path.basename(name, path.extname(name)).toLowerCase() === base) {
          files.push({ name, bytes: new Uint8Array(fs.readFileSync(path.join(dir, name))) })
        }
      }
    } else {
      files.push({ name: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) })
    }
  }
  return files
}

function parseCrs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const match = /^(?:EPSG:)?(\d{4,5})$/i.exec(value.trim())
  const code = match ? Number(match[1]) : NaN
  if (!CRS_REGISTRY.has(code))
    throw new ParcelsUsageError(`--crs ${value}: not a known EPSG code (e.g. EPSG:4524)`)
  return code
}

interface ReadFlags {
  crs?: string
  encoding?: string
  layer?: string
  repair?: boolean
  swapAxes?: boolean
}

type ReadOutcome =
  { result: InspectResult; unreadable?: undefined } | { result?: undefined; unreadable: Finding[] }

async function read(paths: string[], flags: ReadFlags, county?: JurisdictionArea): Promise<ReadOutcome> {
  const config = loadConfig()
  const crs = parseCrs(flags.crs)
  try {
    const result = await inspectFiles(inputFiles(paths), {
      ...(crs ? { crs } : {}),
      ...(flags.encoding ? { encoding: flags.encoding.toLowerCase() } : {}),
      ...(flags.layer ? { layer: flags.layer } : {}),
      repair: flags.repair === true,
      swapAxes: flags.swapAxes === true,
      limits: {
        ...DEFAULT_READ_LIMITS,
        maxFeatures: config.uploadMaxFeatures,
        maxVertices: config.uploadMaxVertices,
        deadline: Date.now() + config.uploadParseSeconds * 1000,
      },
      ...(county ? { county } : {}),
    })
    return { result }
  } catch (error) {
    if (error instanceof UnreadableUpload) return { unreadable: error.findings }
    throw error
  }
}

function locale(): 'zh-CN' | 'en' {
  return /^zh/i.test(process.env.LANG ?? '') ? 'zh-CN' : 'en'
}

function printFindings(findings: Finding[]): void {
  const lang = locale()
  for (const f of findings) {
    const where = f.location ? ` @ ${f.location[0].toFixed(6)},${f.location[1].toFixed(6)}` : ''
    console.log(`  ${f.severity === 'error' ? 'ERROR' : 'warn '} ${f.code}: ${f.message[lang]}${where}`)
  }
}

export function registerParcelCommands(
  program: Command,
  countyLookup: (code: string) => Promise<JurisdictionArea>,
): void {
  const parcels = program
    .command('parcels')
    .description('parcel files: inspect and convert, as an upload would read them')

  parcels
    .command('inspect <files...>')
    .description(
      'read a shapefile (.zip or .shp with its siblings), GeoJSON or boundary-coordinate text file and report what an upload would find',
    )
    .option('--crs <EPSG:n>', 'coordinate system of the file, overriding what it declares')
    .option('--encoding <name>', 'attribute/text encoding, overriding detection (gbk, utf-8, big5 …)')
    .option('--layer <name>', 'which shapefile of a zip holding several')
    .option('--repair', 'repair invalid geometry (reported as warnings)')
    .option('--swap-axes', 'read coordinates with X and Y exchanged (northing or latitude written first)')
    .option('--county <code>', 'check the parcels lie in this county (reads its boundary from the database)')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts: ReadFlags & { county?: string; json?: boolean }) => {
      const county = opts.county ? await countyLookup(opts.county) : undefined
      const outcome = await read(files, opts, county)
      if (outcome.unreadable) {
        if (opts.json) console.log(JSON.stringify({ ok: false, format: null, findings: outcome.unreadable }))
        else {
          console.log(`rejected: ${files.join(', ')} cannot be read`)
          printFindings(outcome.unreadable)
        }
        process.exitCode = 2
        return
      }
      const r = outcome.result
      const summary = {
        ok: r.ok,
        format: r.format,
        layer: r.layer,
        layers: r.layers,
        crs: r.crs === null ? null : `EPSG:${r.crs}`,
        crsName: r.crsName,
        crsSource: r.crsSource,
        encoding: r.encoding,
        encodingSource: r.encodingSource,
        featureCount: r.featureCount,
        parcels: r.parcels.map((p) => ({
          index: p.index,
          parcelNo: p.parcelNo,
          areaM2: Math.round(p.areaM2 * 100) / 100,
          vertexCount: p.vertexCount,
        })),
        findings: r.findings,
      }
      if (opts.json) console.log(JSON.stringify(summary))
      else {
        console.log(
          `${r.ok ? 'accepted' : 'rejected'}: ${r.format}${r.layer ? ` (layer ${r.layer})` : ''}, ${r.featureCount} parcels, ` +
            `CRS ${summary.crs ?? 'unknown'} (${r.crsSource ?? '-'}), encoding ${r.encoding ?? '-'} (${r.encodingSource ?? '-'})`,
        )
        for (const p of summary.parcels)
          console.log(`  #${p.index} ${p.parcelNo}  ${p.areaM2} m²  ${p.vertexCount} vertices`)
        printFindings(r.findings)
      }
      process.exitCode = r.ok ? 0 : 2
    })

  parcels
    .command('convert <files...>')
    .description('convert parcels to GeoJSON (EPSG:4490), a boundary-coordinate text file or a shapefile zip')
    .requiredOption('--to <format>', 'geojson, cn-coord-txt or shapefile')
    .requiredOption('-o, --output <file>', 'where to write')
    .option('--crs <EPSG:n>', 'coordinate system of the input, overriding what it declares')
    .option('--encoding <name>', 'attribute/text encoding of the input')
    .option('--layer <name>', 'which shapefile of a zip holding several')
    .action(async (files: string[], opts: ReadFlags & { to: string; output: string }) => {
      if (!['geojson', 'cn-coord-txt', 'shapefile'].includes(opts.to)) {
        throw new ParcelsUsageError(`--to ${opts.to}: choose geojson, cn-coord-txt or shapefile`)
      }
      const outcome = await read(files, opts)
      const errors = outcome.unreadable ?? outcome.result.findings.filter((f) => f.severity === 'error')
      if (outcome.unreadable || errors.length) {
        console.error(`not converted: ${files.join(', ')} has ${errors.length} error(s)`)
        printFindings(errors)
        process.exitCode = 2
        return
      }
      const bytes = convert(
        outcome.result,
        opts.to as 'geojson' | 'cn-coord-txt' | 'shapefile',
        path.basename(opts.output),
      )
      fs.writeFileSync(opts.output, bytes)
      console.log(`wrote ${outcome.result.parcels.length} parcels to ${opts.output}`)
    })
}

/** The bytes of the parcels of an inspection in another format. */
export function convert(
  r: InspectResult,
  to: 'geojson' | 'cn-coord-txt' | 'shapefile',
  outName: string,
): Uint8Array {
  const parcels = r.parcels.filter((p) => p.geometry && p.sourceGeometry)
  if (to === 'geojson') {
    const fc = {
      type: 'FeatureCollection',
      features: parcels.map((p) => ({
        type: 'Feature',
        properties: {
          parcelNo: p.parcelNo,
          name: p.name,
          landUse: p.landUse,
          landClassCode: p.landClassCode,
          declaredAreaM2: p.declaredAreaM2,
          areaM2: Math.round(p.areaM2 * 100) / 100,
        },
        geometry: p.geometry,
      })),
    }
    return new TextEncoder().encode(`${JSON.stringify(fc)}\n`)
  }
  // Text and shapefile keep projected survey coordinates: the source CRS when it is a CGCS2000
  // Gauss-Krüger zone, else the zone-prefixed 3° zone of the first parcel.
  const source = r.crs === null ? undefined : CRS_REGISTRY.get(r.crs)
  const first = parcels[0]?.geometry?.coordinates[0]?.[0]?.[0] ?? [108, 26]
  const target =
    source?.kind === 'gauss-kruger' && source.datum === 'CGCS2000'
      ? source
      : cgcs2000GaussKruger(3, gk3ZoneForLongitude(first[0]!), true)
  const project = transformer(4490, target.code)
  const projected = parcels.map((p) =>
    target.code === r.crs
      ? p.sourceGeometry!.coordinates
      : p.geometry!.coordinates.map((poly) =>
          poly.map((ring) => ring.map((pt) => project.forward(pt as [number, number]))),
        ),
  )
  if (to === 'cn-coord-txt') {
    return writeCoordTxt(
      { zone: target.zone!, zoneWidth: target.zoneWidth! },
      parcels.map((p, i) => ({
        parcelNo: p.parcelNo ?? `P-${p.index + 1}`,
        name: p.name ?? '',
        use: p.landUse ?? '',
        landClassCode: p.landClassCode ?? '',
        rings: projected[i]!.flat() as [number, number][][],
      })),
    )
  }
  const files = writeShapefile(
    parcels.map((p, i) => ({
      geometry: { type: 'MultiPolygon', coordinates: projected[i]! },
      properties: {
        DKBH: p.parcelNo,
        DKMC: p.name,
        YT: p.landUse,
        DLBM: p.landClassCode,
        MJ: Math.round(p.areaM2 * 100) / 100,
      },
    })),
    {
      fields: [
        { name: 'DKBH', type: 'C', length: 50 },
        { name: 'DKMC', type: 'C', length: 200 },
        { name: 'YT', type: 'C', length: 100 },
        { name: 'DLBM', type: 'C', length: 10 },
        { name: 'MJ', type: 'N', length: 18, decimals: 2 },
      ],
      encoding: 'utf-8',
      prj: esriWkt(target.code),
    },
  )
  return zipShapefile(outName.replace(/\.zip$/i, ''), files)
}
