/**
 * Roles and signed tokens. A client sends a JWT in the Socket.IO handshake `auth.token` (never in
 * the URL); without one it is a viewer. Tokens are HS256, signed with --token-secret (or env
 * LINETWIN_TOKEN_SECRET), and carry `role`. Every client event is checked against its role.
 */
import { jwtVerify, SignJWT } from 'jose';
import type { ClientToServerEvents } from '../../protocol/events.ts';

export const roles = ['viewer', 'presenter', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who may send each client event. A viewer's playback moves only its own cursor. */
export const eventRoles: Record<keyof ClientToServerEvents, readonly Role[]> = {
  'state:resync': roles,
  'state:ack': roles,
  'playback:command': roles,
  'room:create': ['presenter', 'admin'],
  'room:resume': ['presenter', 'admin'],
  'room:join': roles,
  'room:leave': roles,
  // Only the one leading a room moves its members' views (checked again: it must be that room's presenter).
  'room:view': ['presenter', 'admin'],
};

export function allowed(role: Role, event: string): boolean {
  const who = (eventRoles as Record<string, readonly Role[] | undefined>)[event];
  return who !== undefined && who.includes(role);
}

export class TokenError extends Error {
  override name = 'TokenError';
}

export type TokenAuth = {
  verify(token: unknown): Promise<Role>;
  sign(role: Role, opts?: { subject?: string; expiresIn?: string }): Promise<string>;
};

export function tokenAuth(secret: string | undefined): TokenAuth {
  const key = secret ? new TextEncoder().encode(secret) : null;
  return {
    async verify(token: unknown): Promise<Role> {
      if (token === undefined || token === null || token === '') return 'viewer';
      if (typeof token !== 'string' || token.length > 4096) throw new TokenError('token must be a string');
      if (!key) throw new TokenError('this server accepts no tokens (no --token-secret)');
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        const role = payload.role;
        if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) throw new TokenError('token has no valid role');
        return role as Role;
      } catch (e) {
        if (e instanceof TokenError) throw e;
        throw new TokenError(`invalid token (${(e as Error).message})`);
      }
    },
    async sign(role: Role, opts = {}): Promise<string> {
      if (!key) throw new TokenError('no secret to sign with: pass --token-secret or set LINETWIN_TOKEN_SECRET');
      const jwt = new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
      if (opts.subject) jwt.setSubject(opts.subject);
      jwt.setExpirationTime(opts.expiresIn ?? '12h');
      return jwt.sign(key);
    },
  };
}
