import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** Who is calling the staff API. */
export interface StaffPrincipal {
  userId: string | null;
  role: StaffRole;
  via: 'env_token' | 'user_token' | 'session';
  displayName?: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

/** Resolves an Authorization bearer token, or a session, into a principal; null when unknown. */
export type PrincipalResolver = (req: Request) => Promise<StaffPrincipal | null>;

/**
 * Bearer-token authentication for `/api/staff`: the STAFF_API_TOKEN admin token for automation,
 * plus any further resolvers (per-user tokens, console sessions). 401 with a reason otherwise.
 */
export function requireStaff(opts: { envToken?: string; resolvers?: PrincipalResolver[] }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (bearer && opts.envToken && sameSecret(bearer, opts.envToken)) {
      res.locals.staff = { userId: null, role: 'admin', via: 'env_token' } satisfies StaffPrincipal;
      return next();
    }
    for (const resolve of opts.resolvers ?? []) {
      const principal = await resolve(req);
      if (principal) {
        res.locals.staff = principal;
        return next();
      }
    }
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'A valid staff session or bearer token is required.' });
  };
}
