/**
 * Returns `raw` as a same-origin path (`/path?query#hash`) when it is one, else null. Only relative
 * paths are accepted: absolute URLs (`https://…`), protocol-relative (`//evil.com`), backslash tricks
 * (`/\evil.com`, which browsers treat as `//`), dot segments that resolve to `//` (`/.//evil.com`),
 * `javascript:` and control characters are all refused.
 */
export function safeRedirectPath(raw: string | null | undefined, origin: string): string | null {
  if (!raw || raw.length > 2048) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  // Browsers normalise `\` to `/` and strip tabs/newlines in URLs, which turns `/\evil` into `//evil`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin) return null;
  // Dot segments resolve away: `/.//evil.com`, `/..//evil.com`, `/%2e//evil.com` all become `//evil.com`,
  // which is protocol-relative again once handed to the router or the browser.
  if (url.pathname.startsWith('//')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Where to go after signing in: the requested page when it is safe, else the dashboard. */
export function redirectTargetOrDefault(raw: string | null | undefined, origin: string, fallback: string) {
  const safe = safeRedirectPath(raw, origin);
  // Never send a freshly signed-in user back through the sign-in or callback pages (that would loop).
  if (!safe || /^\/(sign-in|sign-up|auth\/callback)(\/|\?|#|$)/.test(safe)) return fallback;
  return safe;
}
