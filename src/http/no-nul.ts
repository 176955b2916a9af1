import type { NextFunction, Request, Response } from 'express';

/**
 * NUL characters are refused at the door: they are never meaningful in a complaint, a form or
 * a query, and PostgreSQL rejects them in text columns (a 500 deep inside a query otherwise).
 * The reviver makes express.json answer 400; the middleware covers URLs and form fields.
 */
export function rejectNulReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('NUL characters are not accepted');
  return value;
}

const hasNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) ? v.some(hasNul) : typeof v === 'object' && v !== null ? Object.values(v).some(hasNul) : false;

/** 400 for a request whose URL or parsed form fields hold a NUL character. */
export function rejectNul(req: Request, res: Response, next: NextFunction): void {
  if (/%00/i.test(req.originalUrl) || hasNul(req.body)) {
    res.status(400).json({ error: 'bad_request', message: 'NUL characters are not accepted.' });
    return;
  }
  next();
}
