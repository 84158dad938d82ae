export * from './registry'
export { proj4, transformer, toStorage } from './proj'
