import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Whether two secrets are equal, in time that depends on neither: both are hashed first, so
 * the comparison does not even leak the expected secret's length.
 */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * A guard that lets a request through only with `Authorization: Bearer <token>`, or every
 * request when no token is configured (the route is then left to the proxy in front, as
 * `/metrics` was). 401 with `WWW-Authenticate: Bearer` otherwise.
 */
export function requireBearer(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!token) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
    if (bearer && sameSecret(bearer, token)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'A valid bearer token is required.' });
  };
}
