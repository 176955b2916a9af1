import type { Response } from 'express';
import type { ActionError } from '../case-action.js';

/**
 * The one table from expected refusals to HTTP statuses (CONVENTIONS.md §8). The body is always
 * `{ error, message }` with `error` the stable reason code.
 */
export const ACTION_ERROR_STATUS: Record<ActionError['type'], number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  // The chat channel refused or failed: the upstream is at fault, not the request.
  delivery_failed: 502,
};

export function sendActionError(res: Response, e: ActionError): void {
  res.status(ACTION_ERROR_STATUS[e.type]).json({ error: e.reason, message: e.message });
}
