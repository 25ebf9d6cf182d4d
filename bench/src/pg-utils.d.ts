// node-postgres serialises parameters with this (Dates, booleans, objects); the ceiling uses the same.
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
