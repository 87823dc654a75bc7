// The version the API server reports at /version: the Kubernetes release whose API and
// behaviour kubelite follows, with kubelite's own build as the suffix (as k3s does).

import { readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout: source tree or bundle */
    }
  }
  return '0.0.0';
}

export const kubernetesVersion = { major: '1', minor: '32', patch: '4' } as const;
export const kubeliteVersion = packageVersion();

export const gitVersion = `v${kubernetesVersion.major}.${kubernetesVersion.minor}.${kubernetesVersion.patch}+kubelite${kubeliteVersion}`;

export function versionInfo(): Record<string, string> {
  return {
    major: kubernetesVersion.major,
    minor: kubernetesVersion.minor,
    gitVersion,
    gitCommit: 'kubelite',
    gitTreeState: 'clean',
    buildDate: '2026-11-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
