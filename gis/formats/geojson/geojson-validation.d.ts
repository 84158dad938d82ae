/** Types for `geojson-validation` 1.x (CommonJS, no types of its own): the checks this project uses. */
declare module 'geojson-validation' {
  interface Check {
    (object: unknown, trace: true): string[]
    (object: unknown, trace?: false): boolean
  }
  const gjv: {
    valid: Check
    isFeature: Check
    isFeatureCollection: Check
    isGeometryObject: Check
  }
  export = gjv
}
