// Theme names, listed once. No imports but the value lists: the SPA bundles this module (theme switch,
// pre-paint script), the contract builds its schema from it, and the database schema types its column with it. The
// migration's CHECK constraint is frozen in time and does not import it.

export const THEMES = ['light', 'dark', 'system'] as const;
export type ThemeName = (typeof THEMES)[number];

/** localStorage key the SPA caches the theme under, read before first paint. */
export const THEME_STORAGE_KEY = 'usersync:theme';

export function isThemeName(value: unknown): value is ThemeName {
  return (THEMES as readonly unknown[]).includes(value);
}
