import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppConfig } from './app/app-config.tsx';
import { App } from './app/index.tsx';
import { applyTheme, readCachedTheme } from './lib/theme.ts';
import './styles/index.css';

async function start() {
  // public/theme-init.js already painted the cached theme; this also follows OS changes for "system".
  applyTheme(readCachedTheme());
  const config: Partial<AppConfig> = {};
  // Compile-time constant: false in every build but `vite build --mode e2e`, so this branch and the
  // fake Clerk it imports are removed from normal builds (the build's size report verifies that).
  if (__USERSYNC_E2E__) {
    const { testClerkFromWindow } = await import('./testing/e2e-clerk-hook.ts');
    config.clerk = testClerkFromWindow() as unknown as AppConfig['clerk'];
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  );
}

void start();
