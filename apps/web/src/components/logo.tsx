import { Link } from 'react-router-dom';

export function LogoMark() {
  return (
    <svg className="logo-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path
        d="M9 11a4 4 0 0 1 4-4h6m4 14a4 4 0 0 1-4 4h-6"
        stroke="var(--color-on-accent)"
        strokeWidth="3"
        fill="none"
        strokeLinecap="round"
      />
      <path
        d="M17 4l3 3-3 3M15 22l-3 3 3 3"
        stroke="var(--color-on-accent)"
        strokeWidth="3"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The product name as a home link. */
export function Logo(props: { to?: string }) {
  return (
    <Link to={props.to ?? '/'} className="logo">
      <LogoMark />
      <span>usersync</span>
    </Link>
  );
}
