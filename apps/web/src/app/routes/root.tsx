import { useEffect, useRef } from 'react';
import { Outlet, useLocation } from 'react-router-dom';

/** The root route: focus management across client-side navigations. */
export function RootLayout() {
  useFocusPageHeadingOnNavigation();
  return <Outlet />;
}

/** After a client-side navigation, move focus to the new page's h1 so it is announced. */
function useFocusPageHeadingOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on path changes only
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('[data-page-heading]')?.focus();
  }, [pathname]);
}
