import { isThemeName, THEME_STORAGE_KEY, type ThemeName } from '@usersync/core/http-contract/themes';

// The theme list and the storage key come from the contract (a module with no imports): the SPA, the
// API's schema and the pre-paint script (vite-plugins/theme-init-script.ts) all derive from it.
export { THEME_STORAGE_KEY, THEMES } from '@usersync/core/http-contract/themes';

/** Theme preference as stored by the API (`settings.theme`). */
export type Theme = ThemeName;

export function readCachedTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_STORAGE_KEY);
    return isThemeName(saved) ? saved : 'system';
  } catch {
    return 'system';
  }
}

function prefersDark() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

let stopFollowingSystem: (() => void) | null = null;

/**
 * Applies `theme` to the page now and caches it for the next first paint. `system` follows the OS
 * setting, also when it changes while the page is open.
 */
export function applyTheme(theme: Theme) {
  const root = document.documentElement;
  const paint = () => {
    const dark = theme === 'dark' || (theme === 'system' && prefersDark());
    root.dataset.theme = dark ? 'dark' : 'light';
    root.dataset.themePreference = theme;
    root.style.colorScheme = dark ? 'dark' : 'light';
  };
  paint();
  stopFollowingSystem?.();
  stopFollowingSystem = null;
  if (theme === 'system' && typeof matchMedia === 'function') {
    const query = matchMedia('(prefers-color-scheme: dark)');
    query.addEventListener('change', paint);
    stopFollowingSystem = () => query.removeEventListener('change', paint);
  }
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {}
}
