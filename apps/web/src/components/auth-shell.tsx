import type { ReactNode } from 'react';
import { Logo } from './logo.tsx';
import { SkipLink } from './skip-link.tsx';

/** The centred layout shared by sign-in, sign-up, the callback and the error pages. */
export function AuthShell(props: { children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth-shell">
      <SkipLink />
      <header className="auth-shell-header">
        <Logo />
      </header>
      <main id="main" className="auth-shell-main">
        {props.children}
      </main>
      <footer className="auth-shell-footer">{props.footer}</footer>
    </div>
  );
}
