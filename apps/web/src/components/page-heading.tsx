import type { ReactNode } from 'react';

/**
 * A page's h1. Focusable by script (tabIndex -1) so the router can move focus to it after a client-side
 * navigation, which tells screen-reader users the page changed.
 */
export function PageHeading(props: { children: ReactNode; id?: string; className?: string }) {
  return (
    <h1 id={props.id} className={props.className} tabIndex={-1} data-page-heading="">
      {props.children}
    </h1>
  );
}
