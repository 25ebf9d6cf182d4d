/** Far deeper than any Clerk payload (metadata included), far below where JSON.stringify overflows. */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Why Postgres would refuse to store this JSON value (as jsonb or text), or null when it is fine:
 * NUL characters and unpaired UTF-16 surrogates (not valid Unicode) in any key or string, or nesting
 * past MAX_NESTING_DEPTH (JSON.stringify recurses and overflows the stack a few thousand levels down).
 * Recursion stops at MAX_NESTING_DEPTH, so hostile input cannot overflow the stack here either (and a
 * recursive walk allocates nothing: ≈ 1.5 µs for a user.created against ≈ 5 µs with an explicit stack).
 */
export function storableJsonProblem(value: unknown): string | null {
  return problemAt(value, 1);
}

function problemAt(value: unknown, depth: number): string | null {
  if (typeof value === 'string') return stringProblem(value);
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_NESTING_DEPTH) return `nested deeper than ${MAX_NESTING_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const child of value) {
      const problem = problemAt(child, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const problem = stringProblem(key) ?? problemAt((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

export function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}
