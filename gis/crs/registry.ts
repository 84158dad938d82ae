/**
 * The coordinate reference systems this system knows, as proj4 definitions keyed by EPSG code.
 *
 * Why a registry of our own: proj4 ships only EPSG:4326 and EPSG:3857. Chinese land data arrives in
 * CGCS2000 (EPSG:4490, the national datum since 2008), in its Gauss-Krüger projections (3° and 6°
 * zones, each with and without the zone number prefixed to the easting), and, in older archives, in
 * Xian 1980 and Beijing 1954. The EPSG numbering of those families is regular, so the definitions are
 * generated from a small table rather than pasted one by one; `tests/server/crs.test.ts` checks them
 * against PostGIS's own `spatial_ref_sys`.
 *
 * Conventions kept here:
 * - Geographic systems are lon/lat in degrees (GIS axis order). The survey convention of writing
 *   X = northing, Y = easting is handled by the readers, never by these definitions.
 * - "zone" variants carry the zone number in the false easting (zone 36 → 36 500 000 m);
 *   "CM" variants use a plain 500 000 m false easting and need the central meridian to be known.
 * - Xian 1980 has no published datum shift to CGCS2000; it is defined on its own ellipsoid without
 *   `towgs84`, so a reprojection is an ellipsoid change only (sub-metre to a few metres of error).
 *   Beijing 1954 uses the common three-parameter shift.
 *
 * This module is pure: `registerAll(proj4)` installs the definitions into a proj4 instance, once, in the
 * server, the CLI and the browser alike.
 */

export type CrsKind = 'geographic' | 'gauss-kruger' | 'web-mercator'

export interface CrsDefinition {
  /** EPSG code, e.g. 4490. */
  code: number
  /** The EPSG name, e.g. "CGCS2000 / 3-degree Gauss-Kruger zone 36". */
  name: string
  kind: CrsKind
  datum: 'CGCS2000' | 'Xian 1980' | 'Beijing 1954' | 'WGS 84'
  /** For Gauss-Krüger systems: zone width in degrees (3 or 6). */
  zoneWidth?: 3 | 6
  /** For Gauss-Krüger systems: the zone number (also for CM variants, for display). */
  zone?: number
  /** For Gauss-Krüger systems: central meridian in degrees east. */
  centralMeridian?: number
  /** For Gauss-Krüger systems: whether the easting carries the zone number prefix. */
  zonePrefixed?: boolean
  proj4: string
}

interface DatumSpec {
  name: CrsDefinition['datum']
  /** EPSG name of the geographic CRS. */
  geographicName: string
  geographic: number
  ellipsoid: string
  /** EPSG code ranges of the GK families: 3° with prefix, 3° CM, 6° with prefix, 6° CM. */
  gk3Zone: number
  gk3Cm: number
  gk6Zone: number
  gk6Cm: number
}

const DATUMS: DatumSpec[] = [
  {
    name: 'CGCS2000',
    geographicName: 'China Geodetic Coordinate System 2000',
    geographic: 4490,
    ellipsoid: '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0',
    gk3Zone: 4513,
    gk3Cm: 4534,
    gk6Zone: 4491,
    gk6Cm: 4502,
  },
  {
    name: 'Xian 1980',
    geographicName: 'Xian 1980',
    geographic: 4610,
    ellipsoid: '+a=6378140 +rf=298.257',
    gk3Zone: 2349,
    gk3Cm: 2370,
    gk6Zone: 2327,
    gk6Cm: 2338,
  },
  {
    name: 'Beijing 1954',
    geographicName: 'Beijing 1954',
    geographic: 4214,
    ellipsoid: '+ellps=krass +towgs84=15.8,-154.4,-82.3,0,0,0,0',
    gk3Zone: 2401,
    gk3Cm: 2422,
    gk6Zone: 21413,
    gk6Cm: 21453,
  },
]

/** 3° zones 25–45 cover 73.5°E–136.5°E (central meridians 75°E–135°E). */
const GK3_FIRST_ZONE = 25
const GK3_ZONE_COUNT = 21
/** 6° zones 13–23 cover 72°E–138°E (central meridians 75°E–135°E). */
const GK6_FIRST_ZONE = 13
const GK6_ZONE_COUNT = 11

function tmerc(centralMeridian: number, falseEasting: number, ellipsoid: string): string {
  return `+proj=tmerc +lat_0=0 +lon_0=${centralMeridian} +k=1 +x_0=${falseEasting} +y_0=0 ${ellipsoid} +units=m +no_defs +type=crs`
}

function buildDefinitions(): CrsDefinition[] {
  const defs: CrsDefinition[] = [
    {
      code: 4326,
      name: 'WGS 84',
      kind: 'geographic',
      datum: 'WGS 84',
      proj4: '+proj=longlat +datum=WGS84 +no_defs +type=crs',
    },
    {
      code: 3857,
      name: 'WGS 84 / Pseudo-Mercator',
      kind: 'web-mercator',
      datum: 'WGS 84',
      proj4:
        '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs +type=crs',
    },
  ]
  for (const d of DATUMS) {
    defs.push({
      code: d.geographic,
      name: d.geographicName,
      kind: 'geographic',
      datum: d.name,
      proj4: `+proj=longlat ${d.ellipsoid} +no_defs +type=crs`,
    })
    for (let i = 0; i < GK3_ZONE_COUNT; i++) {
      const zone = GK3_FIRST_ZONE + i
      const cm = zone * 3
      defs.push({
        code: d.gk3Zone + i,
        name: `${d.name} / 3-degree Gauss-Kruger zone ${zone}`,
        kind: 'gauss-kruger',
        datum: d.name,
        zoneWidth: 3,
        zone,
        centralMeridian: cm,
        zonePrefixed: true,
        proj4: tmerc(cm, zone * 1_000_000 + 500_000, d.ellipsoid),
      })
      defs.push({
        code: d.gk3Cm + i,
        name: `${d.name} / 3-degree Gauss-Kruger CM ${cm}E`,
        kind: 'gauss-kruger',
        datum: d.name,
        zoneWidth: 3,
        zone,
        centralMeridian: cm,
        zonePrefixed: false,
        proj4: tmerc(cm, 500_000, d.ellipsoid),
      })
    }
    for (let i = 0; i < GK6_ZONE_COUNT; i++) {
      const zone = GK6_FIRST_ZONE + i
      const cm = zone * 6 - 3
      defs.push({
        code: d.gk6Zone + i,
        name: `${d.name} / Gauss-Kruger zone ${zone}`,
        kind: 'gauss-kruger',
        datum: d.name,
        zoneWidth: 6,
        zone,
        centralMeridian: cm,
        zonePrefixed: true,
        proj4: tmerc(cm, zone * 1_000_000 + 500_000, d.ellipsoid),
      })
      defs.push({
        code: d.gk6Cm + i,
        name: `${d.name} / Gauss-Kruger CM ${cm}E`,
        kind: 'gauss-kruger',
        datum: d.name,
        zoneWidth: 6,
        zone,
        centralMeridian: cm,
        zonePrefixed: false,
        proj4: tmerc(cm, 500_000, d.ellipsoid),
      })
    }
  }
  return defs
}

/** Every CRS the system knows, keyed by EPSG code. */
export const CRS_REGISTRY: ReadonlyMap<number, CrsDefinition> = new Map(
  buildDefinitions().map((d) => [d.code, d]),
)

/** The storage CRS of every geometry in the database. */
export const STORAGE_SRID = 4490

/** `EPSG:n` as used by proj4 and OpenLayers. */
export function epsg(code: number): string {
  return `EPSG:${code}`
}

/** The definition for an EPSG code, or undefined when the system does not know it. */
export function crsByCode(code: number): CrsDefinition | undefined {
  return CRS_REGISTRY.get(code)
}

/**
 * The CGCS2000 Gauss-Krüger CRS for a 3° or 6° zone.
 * `zonePrefixed` chooses the variant whose easting carries the zone number (e.g. 36 500 000).
 */
export function cgcs2000GaussKruger(zoneWidth: 3 | 6, zone: number, zonePrefixed: boolean): CrsDefinition {
  const first = zoneWidth === 3 ? GK3_FIRST_ZONE : GK6_FIRST_ZONE
  const count = zoneWidth === 3 ? GK3_ZONE_COUNT : GK6_ZONE_COUNT
  const i = zone - first
  if (!Number.isInteger(zone) || i < 0 || i >= count) {
    throw new RangeError(`no CGCS2000 ${zoneWidth}-degree Gauss-Kruger zone ${zone}`)
  }
  const base = zoneWidth === 3 ? (zonePrefixed ? 4513 : 4534) : zonePrefixed ? 4491 : 4502
  return CRS_REGISTRY.get(base + i)!
}

/** The 3° zone whose central meridian is nearest to a longitude (zone 36 for 107.2°E). */
export function gk3ZoneForLongitude(lon: number): number {
  return Math.round(lon / 3)
}

/** The 6° zone containing a longitude (zone 18 for 107.2°E). */
export function gk6ZoneForLongitude(lon: number): number {
  return Math.floor(lon / 6) + 1
}

/** Minimal shape of the proj4 function object needed to register definitions. */
export interface Proj4Like {
  defs(name: string, projection: string): void
}

let registered = new WeakSet<object>()

/** Installs every definition of the registry into a proj4 instance (idempotent). */
export function registerAll(proj4: Proj4Like): void {
  if (registered.has(proj4)) return
  for (const def of CRS_REGISTRY.values()) proj4.defs(epsg(def.code), def.proj4)
  registered.add(proj4)
}

/** For tests only: forget which proj4 instances were set up. */
export function resetRegistration(): void {
  registered = new WeakSet<object>()
}
