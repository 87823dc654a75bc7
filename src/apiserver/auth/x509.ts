// Client-certificate authentication: a TLS client certificate signed by the cluster CA
// authenticates as its CN, with its O fields as groups (Kubernetes' x509 authenticator).

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Authenticator, UserInfo } from './types.js';

export const x509Authenticator: Authenticator = {
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
    const cert = socket.getPeerCertificate();
    if (!cert || !cert.subject) return undefined;
    const cn = cert.subject.CN;
    if (!cn) return undefined;
    const o = cert.subject.O;
    const groups = Array.isArray(o) ? o : o ? [o] : [];
    return { name: Array.isArray(cn) ? cn[0] : cn, groups: [...groups, 'system:authenticated'] };
  },
};
