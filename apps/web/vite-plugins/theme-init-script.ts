import { THEME_STORAGE_KEY, THEMES } from '@usersync/core/http-contract/themes';
import type { Plugin } from 'vite';

/**
 * The pre-paint theme script (`/theme-init.js`, render-blocking, a few hundred bytes): applies the theme
 * the app cached in localStorage so a reload never flashes the wrong colours. Generated from the
 * contract's theme list and storage key, so neither is written twice. A file rather than inline, so a
 * strict CSP (script-src 'self') allows it.
 */
export function themeInitScriptSource(): string {
  return `(() => {
  let theme = 'system';
  try {
    const saved = localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});
    if (${JSON.stringify(THEMES)}.includes(saved)) theme = saved;
  } catch {}
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  const root = document.documentElement;
  root.dataset.theme = dark ? 'dark' : 'light';
  root.dataset.themePreference = theme;
  root.style.colorScheme = dark ? 'dark' : 'light';
})();
`;
}

/** Serves `/theme-init.js` in development and writes it beside index.html in a build. */
export function themeInitScript(): Plugin {
  return {
    name: 'usersync:theme-init-script',
    configureServer(server) {
      server.middlewares.use('/theme-init.js', (_request, response) => {
        response.setHeader('content-type', 'text/javascript; charset=utf-8');
        response.end(themeInitScriptSource());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'theme-init.js', source: themeInitScriptSource() });
    },
  };
}
