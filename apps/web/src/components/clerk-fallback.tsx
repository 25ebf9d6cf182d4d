import { Spinner } from './spinner.tsx';

/** Shown while Clerk's own sign-in / sign-up UI loads; sized like it so nothing jumps. */
export function ClerkFallback(props: { label: string }) {
  return (
    <div className="clerk-fallback" role="status">
      <Spinner size="large" />
      <span>{props.label}</span>
    </div>
  );
}
