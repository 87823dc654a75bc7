// Image registry configuration in k3s's registries.yaml form, turned into what containerd 1.6
// reads: one hosts.toml per registry under the CRI plugin's config_path (mirrors, endpoints,
// plain HTTP, TLS), and credentials in config.toml's registry.configs (containerd's hosts.toml
// has no place for them). "*" mirrors every registry (containerd's `_default`).
//
//   mirrors:
//     docker.io:
//       endpoint: ["http://127.0.0.1:5000"]
//   configs:
//     "127.0.0.1:5000":
//       auth: { username: u, password: p }
//       tls: { ca_file: …, cert_file: …, key_file: …, insecure_skip_verify: true }

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface RegistryMirror {
  endpoint?: string[];
  /** k3s rewrites: not supported by containerd 1.6 (reported as a warning). */
  rewrite?: Record<string, string>;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
}

export interface RegistryTLS {
  cert_file?: string;
  key_file?: string;
  ca_file?: string;
  insecure_skip_verify?: boolean;
}

export interface RegistriesConfig {
  mirrors?: Record<string, RegistryMirror>;
  configs?: Record<string, { auth?: RegistryAuth; tls?: RegistryTLS }>;
}

/** Reads and checks a registries.yaml. */
export function loadRegistriesFile(path: string): RegistriesConfig {
  return parseRegistries(readFileSync(path, 'utf8'), path);
}

export function parseRegistries(text: string, source = 'registries.yaml'): RegistriesConfig {
  const doc: unknown = parseYaml(text) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: expected a mapping with mirrors and configs`);
  const raw = doc as Record<string, unknown>;
  const out: RegistriesConfig = {};
  for (const key of Object.keys(raw)) if (key !== 'mirrors' && key !== 'configs') throw new Error(`${source}: unknown key ${key} (expected mirrors, configs)`);
  if (raw.mirrors !== undefined) {
    if (typeof raw.mirrors !== 'object' || raw.mirrors === null) throw new Error(`${source}: mirrors must be a mapping`);
    out.mirrors = {};
    for (const [host, m] of Object.entries(raw.mirrors as Record<string, unknown>)) {
      const mirror = (m ?? {}) as Record<string, unknown>;
      const endpoint = mirror.endpoint;
      if (endpoint !== undefined && (!Array.isArray(endpoint) || endpoint.some((e) => typeof e !== 'string'))) throw new Error(`${source}: mirrors.${host}.endpoint must be a list of URLs`);
      for (const e of (endpoint as string[] | undefined) ?? []) endpointURL(e, `${source}: mirrors.${host}.endpoint`);
      out.mirrors[host] = { endpoint: endpoint as string[] | undefined, rewrite: mirror.rewrite as Record<string, string> | undefined };
    }
  }
  if (raw.configs !== undefined) {
    if (typeof raw.configs !== 'object' || raw.configs === null) throw new Error(`${source}: configs must be a mapping`);
    out.configs = {};
    for (const [host, c] of Object.entries(raw.configs as Record<string, unknown>)) {
      const cfg = (c ?? {}) as Record<string, unknown>;
      out.configs[host] = { auth: cfg.auth as RegistryAuth | undefined, tls: cfg.tls as RegistryTLS | undefined };
    }
  }
  return out;
}

function endpointURL(endpoint: string, where: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${where}: ${endpoint} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${where}: ${endpoint}: only http and https endpoints`);
  return url;
}

/** A TOML basic string (JSON's escapes are TOML's). */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** The upstream server containerd falls back to for a registry host. */
function defaultServer(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host === 'docker.io') return 'https://registry-1.docker.io';
  return `https://${host}`;
}

function tlsLines(tls: RegistryTLS | undefined, indent: string): string[] {
  if (!tls) return [];
  const lines: string[] = [];
  if (tls.ca_file) lines.push(`${indent}ca = ${tomlString(tls.ca_file)}`);
  if (tls.cert_file && tls.key_file) lines.push(`${indent}client = [[${tomlString(tls.cert_file)}, ${tomlString(tls.key_file)}]]`);
  else if (tls.cert_file) lines.push(`${indent}client = ${tomlString(tls.cert_file)}`);
  if (tls.insecure_skip_verify) lines.push(`${indent}skip_verify = true`);
  return lines;
}

export interface RenderedRegistries {
  /** hosts.toml contents by directory name under config_path ("docker.io", "_default", "host:port"). */
  hosts: Record<string, string>;
  /** Sections for containerd's config.toml (credentials), or ''. */
  criConfig: string;
  warnings: string[];
}

export function renderRegistries(config: RegistriesConfig): RenderedRegistries {
  const hosts: Record<string, string> = {};
  const warnings: string[] = [];
  const configs = config.configs ?? {};
  for (const [registry, mirror] of Object.entries(config.mirrors ?? {})) {
    if (mirror.rewrite && Object.keys(mirror.rewrite).length) warnings.push(`registries: mirrors.${registry}.rewrite is not supported by containerd 1.6 and is ignored`);
    const lines: string[] = [];
    const server = defaultServer(registry);
    if (server) lines.push(`server = ${tomlString(server)}`);
    const ownTls = configs[registry]?.tls;
    if (server) lines.push(...tlsLines(ownTls, ''));
    for (const endpoint of mirror.endpoint ?? []) {
      const url = endpointURL(endpoint, `mirrors.${registry}.endpoint`);
      const path = url.pathname.replace(/\/+$/, '');
      // A path in the endpoint replaces /v2 (as k3s does); otherwise containerd appends /v2.
      const hostKey = path && path !== '/v2' ? `${url.protocol}//${url.host}${path}` : `${url.protocol}//${url.host}/v2`;
      lines.push('', `[host.${tomlString(hostKey)}]`, `  capabilities = ["pull", "resolve"]`);
      if (path && path !== '/v2') lines.push('  override_path = true');
      lines.push(...tlsLines(configs[url.host]?.tls, '  '));
    }
    hosts[registry === '*' ? '_default' : registry] = lines.join('\n') + '\n';
  }
  // TLS settings for registries pulled from directly (no mirror entry).
  for (const [registry, cfg] of Object.entries(configs)) {
    if (registry === '*' || hosts[registry] || !cfg.tls) continue;
    const lines = [`server = ${tomlString(defaultServer(registry)!)}`, ...tlsLines(cfg.tls, '')];
    hosts[registry] = lines.join('\n') + '\n';
  }
  const cri: string[] = [];
  for (const [registry, cfg] of Object.entries(configs)) {
    const auth = cfg.auth;
    if (!auth) continue;
    cri.push(`[plugins."io.containerd.grpc.v1.cri".registry.configs.${tomlString(registry)}.auth]`);
    if (auth.username !== undefined) cri.push(`  username = ${tomlString(auth.username)}`);
    if (auth.password !== undefined) cri.push(`  password = ${tomlString(auth.password)}`);
    if (auth.auth !== undefined) cri.push(`  auth = ${tomlString(auth.auth)}`);
    if (auth.identitytoken !== undefined) cri.push(`  identitytoken = ${tomlString(auth.identitytoken)}`);
  }
  return { hosts, criConfig: cri.length ? cri.join('\n') + '\n' : '', warnings };
}

/** Writes the hosts.toml files into `configPath`, replacing what an earlier start wrote. */
export function writeRegistryHosts(configPath: string, rendered: RenderedRegistries): void {
  rmSync(configPath, { recursive: true, force: true });
  mkdirSync(configPath, { recursive: true });
  for (const [dir, content] of Object.entries(rendered.hosts)) {
    mkdirSync(join(configPath, dir), { recursive: true });
    writeFileSync(join(configPath, dir, 'hosts.toml'), content);
  }
}
