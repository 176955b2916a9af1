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

/** A credential recognised but refused, with the reason its holder should be told (401). */
export interface AuthRefusal {
  refused: { error: string; message: string };
}

/** A resolver that may also say why it refused (an expired personal token). */
export type RefusingResolver = (req: Request) => Promise<StaffPrincipal | AuthRefusal | null>;

/**
 * Bearer-token authentication for `/api/staff`: the STAFF_API_TOKEN admin token for automation,
 * plus any further resolvers (per-user tokens, console sessions). 401 otherwise: with the
 * reason a resolver gave (e.g. `token_expired`) when no other resolver knows the caller, or
 * `unauthorized`.
 */
export function requireStaff(opts: { envToken?: string; resolvers?: RefusingResolver[] }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (bearer && opts.envToken && sameSecret(bearer, opts.envToken)) {
      res.locals.staff = { userId: null, role: 'admin', via: 'env_token' } satisfies StaffPrincipal;
      return next();
    }
    let refused: AuthRefusal['refused'] | undefined;
    for (const resolve of opts.resolvers ?? []) {
      const found = await resolve(req);
      if (!found) continue;
      // A refused token does not end the search: the console's session cookie may still know
      // the caller, as it does when the bearer is simply unknown.
      if ('refused' in found) refused ??= found.refused;
      else {
        res.locals.staff = found;
        return next();
      }
    }
    if (refused) return void res.status(401).set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${refused.error}"`).json(refused);
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'A valid staff session or bearer token is required.' });
  };
}
