/** Far deeper than any Clerk payload (metadata included), far below where JSON.stringify overflows. */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Why Postgres would refuse to store this JSON value (as jsonb or text), or null when it is fine:
 * NUL characters and unpaired UTF-16 surrogates (not valid Unicode) in any key or string, or nesting
 * past MAX_NESTING_DEPTH (JSON.stringify recurses and overflows the stack a few thousand levels down).
 * Walks the value without recursion, so hostile input cannot overflow the stack here either.
 */
export function storableJsonProblem(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return problem;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > MAX_NESTING_DEPTH) return `nested deeper than ${MAX_NESTING_DEPTH} levels`;
    if (Array.isArray(current)) {
      for (const child of current) stack.push([child, depth + 1]);
    } else {
      for (const [key, child] of Object.entries(current)) {
        const problem = stringProblem(key);
        if (problem) return problem;
        stack.push([child, depth + 1]);
      }
    }
  }
  return null;
}

export function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}
