import { useSearchParams } from 'react-router-dom';
import { paths, REDIRECT_PARAM } from '../../config/paths.ts';
import { redirectTargetOrDefault } from '../../lib/safe-redirect.ts';

/** The page the visitor originally asked for (`?redirect_to=`), when it is a safe same-origin path; else the dashboard. */
export function useRedirectTarget(): string {
  const [params] = useSearchParams();
  return redirectTargetOrDefault(
    params.get(REDIRECT_PARAM),
    window.location.origin,
    paths.dashboard.root.getHref(),
  );
}
