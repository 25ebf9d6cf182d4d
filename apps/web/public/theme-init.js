// Runs before first paint (render-blocking, a few hundred bytes): applies the theme saved by the app in
// localStorage so a reload never flashes the wrong colours. Kept in step with src/lib/theme.ts.
(() => {
  let theme = 'system';
  try {
    const saved = localStorage.getItem('usersync:theme');
    if (saved === 'light' || saved === 'dark') theme = saved;
  } catch {}
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  const root = document.documentElement;
  root.dataset.theme = dark ? 'dark' : 'light';
  root.dataset.themePreference = theme;
  root.style.colorScheme = dark ? 'dark' : 'light';
})();
