/**
 * Expected outcomes of domain functions are values, not throws (CONVENTIONS.md §8): a caller
 * must look at `ok` before it can reach `value`, so a refused action cannot be mistaken for a
 * success. Infrastructure faults still throw.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a successful outcome. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps an expected failure, e.g. `err({ type: 'not_found' })`. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
