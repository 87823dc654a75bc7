// Bearer-token authentication: a static table of tokens (the admin's, each node agent's),
// compared in constant time. Requests with no or an unknown token are not authenticated.

import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Authenticator, UserInfo } from './types.js';

export class StaticTokenAuthenticator implements Authenticator {
  private tokens = new Map<string, UserInfo>();

  add(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const header = req.headers.authorization;
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return undefined;
    const given = Buffer.from(m[1]);
    for (const [token, user] of this.tokens) {
      const known = Buffer.from(token);
      if (known.length === given.length && timingSafeEqual(known, given)) return user;
    }
    return undefined;
  }
}

/** Tries each authenticator in turn, as Kubernetes' union authenticator does. */
export class UnionAuthenticator implements Authenticator {
  constructor(private readonly authenticators: Authenticator[]) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    for (const a of this.authenticators) {
      const user = await a.authenticate(req);
      if (user) return user;
    }
    return undefined;
  }
}
