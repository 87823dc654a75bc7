// Who is asking, and may they: authentication and authorization as two replaceable steps of
// the request path, as in Kubernetes (authenticator → authorizer → admission).

import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../request-info.js';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  /** The user a request authenticates as, or undefined when it carries no valid credential. */
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined> | UserInfo | undefined;
}

export interface AuthorizationDecision {
  allowed: boolean;
  reason?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, request: RequestInfo): Promise<AuthorizationDecision> | AuthorizationDecision;
}

export const anonymousUser: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
