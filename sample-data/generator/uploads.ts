/**
 * Files a county clerk of 520102 南明县 can upload into a draft filing: the same four parcels as a
 * zipped GBK shapefile, as GeoJSON and as a boundary-coordinate text file, plus a README that says
 * what the checks should find.
 *
 * - DK-01 rectangle, DK-04 with a hole: clean (inside the urban development boundary, zone 010);
 * - DK-02 irregular: declared area 3% larger than its boundary gives (area-mismatch warning);
 * - DK-03 rectangle partly on a permanent-farmland patch (blocking), outside the urban boundary.
 */
import type { Feature, Polygon } from 'geojson'
import { writeCoordTxt } from '../../gis/formats/cn-coord-txt/write'
import { writeShapefile, zipShapefile } from '../../gis/formats/shapefile/write'
import { cgcs2000GaussKruger, crsByCode } from '../../gis/crs'
import { esriWkt } from '../../gis/crs/wkt'
import { orient, pointInRing, round, type Ring, type XY } from './geometry'
import type { CountyLayers, Patch } from './layers'
import { CULTIVATED_CLASSES, ZONE_CLASSES } from './layers'
import { farmlandNearSeat, sourceCrsOf, type ParcelGeometry, type Placer } from './parcels'
import { placeGroup } from './filings'
import { featureCollectionText } from './output'
import { rng } from './random'

export const UPLOAD_COUNTY = '520102'

export interface UploadParcel {
  parcelNo: string
  name: string
  landUse: string
  landClassCode: string
  declaredAreaM2: number
  geometry: ParcelGeometry
}

export interface Uploads {
  epsg: number
  zone: number
  parcels: UploadParcel[]
  farmland: { parcelNo: string; tbbh: string; classCode: string; overlapM2: number }
  mismatch: { parcelNo: string; declaredAreaM2: number; areaM2: number }
  /** Zone classes each parcel touches (by its vertices and centre). */
  zones: Record<string, string[]>
  files: Record<string, Uint8Array | string>
}

/** The 1:10 000 map sheet number (图幅号, e.g. G48G022081) of a lon/lat point. */
export function mapSheet10k([lon, lat]: XY): string {
  const row1m = String.fromCharCode(65 + Math.floor(lat / 4))
  const col1m = Math.floor(lon / 6) + 31
  const row = 96 - Math.floor((lat % 4) * 24)
  const col = Math.floor((lon % 6) * 16) + 1
  return `${row1m}${col1m}G${String(row).padStart(3, '0')}${String(col).padStart(3, '0')}`
}

function centroid(ring: Ring): XY {
  const open = ring.slice(0, -1)
  return [open.reduce((s, p) => s + p[0], 0) / open.length, open.reduce((s, p) => s + p[1], 0) / open.length]
}

function zonesTouched(layers: CountyLayers, g: ParcelGeometry): string[] {
  const points = [...g.planeRings[0]!.slice(0, -1), centroid(g.planeRings[0]!)]
  const classes = new Set<string>()
  for (const p of points) {
    if (layers.eco.some((e) => pointInRing(p, e.planeRing))) classes.add('040')
    else if (pointInRing(p, layers.urban.planeRing)) classes.add('010')
    else if (pointInRing(p, layers.outer020.planeRing)) classes.add('020')
    else classes.add('030')
  }
  return [...classes].sort()
}

/** Builds the upload parcels (taking their room in the placer) and the bytes of the upload files. */
export function buildUploads(
  seed: number,
  layers: CountyLayers,
  placer: Placer,
  conflictTbbh: string,
): Uploads {
  const random = rng(seed, 'uploads')
  const county = layers.county
  const epsg = sourceCrsOf(county)
  const zone = crsByCode(epsg)!.zone!

  const [rect, irregular, holed] = placeGroup(
    { placer },
    layers,
    epsg,
    [
      { kind: 'rect', area: random.uniform(8000, 15000) },
      { kind: 'irregular', area: random.uniform(15000, 30000) },
      { kind: 'holed', area: random.uniform(20000, 40000) },
    ],
    'urban',
    random,
  )
  let onFarmland: { patch: Patch; parcel: ParcelGeometry; overlapM2: number } | undefined
  for (const patch of farmlandNearSeat(layers)) {
    if (patch.tbbh === conflictTbbh) continue
    const hit = placer.placeOnPatch(county, epsg, patch)
    if (hit) {
      onFarmland = { patch, ...hit }
      break
    }
  }
  if (!onFarmland) throw new Error(`county ${county.code}: no farmland patch for the upload sample`)

  const mismatchDeclared = round(irregular!.areaM2 * 1.03, 2)
  const parcels: UploadParcel[] = [
    {
      parcelNo: 'DK-01',
      name: '商贸物流中心二期',
      landUse: '商服用地',
      landClassCode: '05',
      geometry: rect!,
    },
    {
      parcelNo: 'DK-02',
      name: '安置区三期',
      landUse: '住宅用地',
      landClassCode: '07',
      geometry: irregular!,
    },
    {
      parcelNo: 'DK-03',
      name: '污水提升泵站',
      landUse: '公共管理与公共服务用地',
      landClassCode: '08',
      geometry: onFarmland.parcel,
    },
    {
      parcelNo: 'DK-04',
      name: '工业园区C-2地块',
      landUse: '工矿仓储用地',
      landClassCode: '06',
      geometry: holed!,
    },
  ].map((p) => ({ ...p, declaredAreaM2: p.parcelNo === 'DK-02' ? mismatchDeclared : p.geometry.areaM2 }))

  const zones = Object.fromEntries(parcels.map((p) => [p.parcelNo, zonesTouched(layers, p.geometry)]))
  const farmland = {
    parcelNo: 'DK-03',
    tbbh: onFarmland.patch.tbbh,
    classCode: onFarmland.patch.classCode,
    overlapM2: onFarmland.overlapM2,
  }
  const mismatch = { parcelNo: 'DK-02', declaredAreaM2: mismatchDeclared, areaM2: irregular!.areaM2 }

  const shp = writeShapefile(
    parcels.map((p) => ({
      geometry: { type: 'Polygon', coordinates: p.geometry.rings },
      properties: {
        DKBH: p.parcelNo,
        DKMC: p.name,
        YT: p.landUse,
        DLBM: p.landClassCode,
        MJ: p.declaredAreaM2,
      },
    })),
    {
      fields: [
        { name: 'DKBH', type: 'C', length: 20 },
        { name: 'DKMC', type: 'C', length: 60 },
        { name: 'YT', type: 'C', length: 40 },
        { name: 'DLBM', type: 'C', length: 10 },
        { name: 'MJ', type: 'N', length: 16, decimals: 2 },
      ],
      encoding: 'gbk',
      prj: esriWkt(cgcs2000GaussKruger(3, zone, true).code),
    },
  )

  const geojson: Feature<Polygon>[] = parcels.map((p) => ({
    type: 'Feature',
    properties: { parcelNo: p.parcelNo, name: p.name, landUse: p.landUse, declaredAreaM2: p.declaredAreaM2 },
    geometry: {
      type: 'Polygon',
      coordinates: p.geometry.lonLatRings.map((ring, i) =>
        orient(
          ring.map(([x, y]): XY => [round(x, 9), round(y, 9)]),
          i === 0,
        ),
      ),
    },
  }))

  const txt = writeCoordTxt(
    { zone, producer: '南明县自然资源局', date: '2026-11-20' },
    parcels.map((p) => ({
      parcelNo: p.parcelNo,
      name: p.name,
      rings: p.geometry.rings,
      areaHa: p.declaredAreaM2 / 10_000,
      mapSheet: mapSheet10k(centroid(p.geometry.lonLatRings[0]!)),
      use: p.landUse,
      landClassCode: p.landClassCode,
    })),
  )

  return {
    epsg,
    zone,
    parcels,
    farmland,
    mismatch,
    zones,
    files: {
      'sample-parcels-gbk.zip': zipShapefile('成果/地块', shp),
      'sample-parcels.geojson': featureCollectionText(geojson),
      'sample-parcels.txt': txt,
    },
  }
}

function zoneList(codes: string[]): string {
  return codes.map((c) => `${c} ${ZONE_CLASSES[c]}`).join(', ')
}

/** The README of the uploads folder, with the numbers of this seed. */
export function uploadsReadme(u: Uploads, seed: number): string {
  const m = u.mismatch
  const f = u.farmland
  const diff = ((m.declaredAreaM2 / m.areaM2 - 1) * 100).toFixed(1)
  const rows = u.parcels
    .map(
      (p) =>
        `| ${p.parcelNo} | ${p.name} | ${p.landUse} | ${p.declaredAreaM2.toFixed(2)} | ${p.geometry.areaM2.toFixed(2)} | ${zoneList(u.zones[p.parcelNo] ?? [])} |`,
    )
    .join('\n')
  return `# Sample uploads (county 520102 南明县)

Generated by \`npm run sample-data\` (seed ${seed}); do not edit by hand. Upload any one of these files into
a **draft** filing of 520102 (log in as \`county.a\`). All three hold the same four parcels (地块).

| file | what it is |
|---|---|
| \`sample-parcels-gbk.zip\` | shapefile in the folder \`成果/\` (\`地块.shp/.shx/.dbf/.prj\`): CGCS2000 3° Gauss-Krüger zone ${u.zone} with the zone number in the easting (EPSG:${u.epsg}), ESRI WKT \`.prj\`, GBK attribute table (LDID 0x7A, no \`.cpg\`) with fields DKBH 地块编号, DKMC 地块名称, YT 用途, DLBM 地类编码, MJ 申报面积 (m²) |
| \`sample-parcels.geojson\` | the same parcels in EPSG:4490 lon/lat (9 decimals, no \`crs\` member); properties \`parcelNo, name, landUse, declaredAreaM2\` |
| \`sample-parcels.txt\` | the same parcels as a boundary-coordinate file (坐标交换文件): GBK, CRLF, X = northing, Y = easting with the zone prefix (带号=${u.zone}); 面积 is the declared area in hectares |

| 地块编号 | 名称 | 用途 | declared m² | computed m² (EPSG:${u.epsg} plane) | planning zone |
|---|---|---|---|---|---|
${rows}

## What the check should show
- **${f.parcelNo}: blocking (阻断)** — it overlaps permanent basic farmland (永久基本农田) patch
  TBBH ${f.tbbh} (XZQDM 520102) by about **${f.overlapM2.toFixed(2)} m²** = ${(f.overlapM2 / 10_000).toFixed(4)} ha =
  ${(f.overlapM2 / (10_000 / 15)).toFixed(2)} 亩 (planar in EPSG:${u.epsg}; other area methods agree within ±0.5%).
  The same patch is cultivated land (耕地) ${f.classCode} ${CULTIVATED_CLASSES[f.classCode]}, so the same area is
  reported as occupied cultivated land to compensate (耕地占补平衡). The parcel lies outside the urban development
  boundary (城镇开发边界).
- **${m.parcelNo}: warning (警告)** — declared area ${m.declaredAreaM2.toFixed(2)} m² against
  ${m.areaM2.toFixed(2)} m² computed from its boundary (+${diff}%).
- DK-01 and DK-04 (DK-04 has a hole, 圈号 2 in the text file) are clean: inside the county, inside the urban development
  boundary, in the allowed zone (允许建设区 010), clear of farmland, the ecological red line and other filings.
`
}
