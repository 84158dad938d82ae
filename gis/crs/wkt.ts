/**
 * ESRI-flavoured WKT (the `.prj` ArcGIS writes) for every CRS of the registry, so that shapefiles this
 * system writes open in ArcGIS, QGIS and the Chinese GIS tools with the right coordinate system, and
 * read back through `gis/crs/prj.ts` to the same EPSG code. ESRI names follow ArcGIS
 * (`CGCS2000_3_Degree_GK_Zone_36`, `Beijing_1954_GK_Zone_18N` for the 6° CM variant of Beijing 1954).
 */
import { crsByCode, type CrsDefinition } from './registry'

interface EsriDatum {
  gcs: string
  datum: string
  spheroid: string
  a: number
  rf: number
  /** Prefix of the projected names. */
  prefix: string
}

const ESRI_DATUMS: Record<CrsDefinition['datum'], EsriDatum> = {
  CGCS2000: {
    gcs: 'GCS_China_Geodetic_Coordinate_System_2000',
    datum: 'D_China_2000',
    spheroid: 'CGCS2000',
    a: 6378137,
    rf: 298.257222101,
    prefix: 'CGCS2000',
  },
  'Xian 1980': {
    gcs: 'GCS_Xian_1980',
    datum: 'D_Xian_1980',
    spheroid: 'Xian_1980',
    a: 6378140,
    rf: 298.257,
    prefix: 'Xian_1980',
  },
  'Beijing 1954': {
    gcs: 'GCS_Beijing_1954',
    datum: 'D_Beijing_1954',
    spheroid: 'Krasovsky_1940',
    a: 6378245,
    rf: 298.3,
    prefix: 'Beijing_1954',
  },
  'WGS 84': {
    gcs: 'GCS_WGS_1984',
    datum: 'D_WGS_1984',
    spheroid: 'WGS_1984',
    a: 6378137,
    rf: 298.257223563,
    prefix: 'WGS_1984',
  },
}

/** ESRI prints whole numbers with a trailing `.0`. */
function num(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n)
}

function geogcs(d: EsriDatum): string {
  return (
    `GEOGCS["${d.gcs}",DATUM["${d.datum}",SPHEROID["${d.spheroid}",${num(d.a)},${num(d.rf)}]],` +
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
  )
}

/** The ESRI name of a Gauss-Krüger CRS of the registry. */
export function esriName(def: CrsDefinition): string {
  const d = ESRI_DATUMS[def.datum]
  if (def.kind === 'geographic') return d.gcs
  if (def.kind === 'web-mercator') return 'WGS_1984_Web_Mercator_Auxiliary_Sphere'
  const width = def.zoneWidth === 3 ? '3_Degree_' : ''
  if (def.zonePrefixed) return `${d.prefix}_${width}GK_Zone_${def.zone}`
  if (def.datum === 'Beijing 1954' && def.zoneWidth === 6) return `${d.prefix}_GK_Zone_${def.zone}N`
  return `${d.prefix}_${width}GK_CM_${def.centralMeridian}E`
}

/** ESRI WKT (`.prj` text) of a registry CRS; throws a RangeError for a code the registry lacks. */
export function esriWkt(code: number): string {
  const def = crsByCode(code)
  if (!def) throw new RangeError(`EPSG:${code} is not in the CRS registry`)
  const d = ESRI_DATUMS[def.datum]
  if (def.kind === 'geographic') return geogcs(d)
  if (def.kind === 'web-mercator') {
    return (
      `PROJCS["${esriName(def)}",${geogcs(d)},PROJECTION["Mercator_Auxiliary_Sphere"],` +
      'PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],' +
      'PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]'
    )
  }
  const falseEasting = def.zonePrefixed ? def.zone! * 1_000_000 + 500_000 : 500_000
  return (
    `PROJCS["${esriName(def)}",${geogcs(d)},PROJECTION["Gauss_Kruger"],` +
    `PARAMETER["False_Easting",${num(falseEasting)}],PARAMETER["False_Northing",0.0],` +
    `PARAMETER["Central_Meridian",${num(def.centralMeridian!)}],PARAMETER["Scale_Factor",1.0],` +
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
  )
}
