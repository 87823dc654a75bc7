// The kubeconfig a user (or a test) points kubectl at: the cluster's CA, its HTTPS address
// and the admin credential.

import YAML from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  name?: string;
}

export function renderKubeconfig(o: KubeconfigOptions): string {
  const name = o.name ?? 'kubelite';
  const user: Record<string, string> = {};
  if (o.token) user.token = o.token;
  if (o.clientCertPem) user['client-certificate-data'] = Buffer.from(o.clientCertPem).toString('base64');
  if (o.clientKeyPem) user['client-key-data'] = Buffer.from(o.clientKeyPem).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') } }],
    users: [{ name: `${name}-admin`, user }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}
