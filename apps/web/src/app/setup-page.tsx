import { LogoMark } from '../components/logo.tsx';
import type { EnvProblem } from '../config/env.ts';

/**
 * Shown instead of the app when it was built or started without the configuration it needs:
 * says exactly what to set and where, rather than a blank page and a console error.
 */
export function SetupPage(props: { problems: EnvProblem[] }) {
  return (
    <div className="auth-shell">
      <header className="auth-shell-header">
        <span className="logo">
          <LogoMark />
          <span>usersync</span>
        </span>
      </header>
      <main id="main" className="auth-shell-main">
        <section className="card setup-card" aria-labelledby="setup-title">
          <p className="eyebrow">Set-up needed</p>
          <h1 id="setup-title">Connect usersync to your Clerk application</h1>
          <p>The web app can’t start yet:</p>
          <ul className="setup-problems">
            {props.problems.map((problem) => (
              <li key={problem.variable}>
                <code>{problem.variable}</code> {problem.message}
              </li>
            ))}
          </ul>
          <ol className="setup-steps">
            <li>
              In the{' '}
              <a
                href="https://dashboard.clerk.com/last-active?path=api-keys"
                target="_blank"
                rel="noreferrer"
              >
                Clerk Dashboard → API keys
              </a>
              , copy the <strong>Publishable key</strong> (it starts with <code>pk_test_</code> or{' '}
              <code>pk_live_</code>).
            </li>
            <li>
              Add it to the <code>.env</code> file at the root of the repository (create it if needed):
              <pre>
                <code>CLERK_PUBLISHABLE_KEY=pk_test_…</code>
              </pre>
              The API reads the same variable: one key for both. Optionally, set{' '}
              <code>VITE_API_URL=https://api.example.com</code> when the API runs on another origin; leave it
              unset to call <code>/api</code> on this origin.
            </li>
            <li>
              Restart <code>npm run dev</code>. For a production build, set the variable and run{' '}
              <code>npm run build</code> again: Vite reads it at build time.
            </li>
          </ol>
        </section>
      </main>
    </div>
  );
}
