import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * A list page's filters live in the URL (shareable, kept on reload and Back). Returns the current
 * parameters and a setter: an empty value removes the parameter; filter changes replace the history
 * entry, `push` adds one (e.g. opening a detail drawer, so Back closes it).
 */
export function useUrlFilters() {
  const [search, setSearch] = useSearchParams();
  const setParam = useCallback(
    (name: string, value: string | null, options: { push?: boolean } = {}) =>
      setSearch(
        (previous) => {
          const next = new URLSearchParams(previous);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: !options.push },
      ),
    [setSearch],
  );
  return { search, setParam };
}
