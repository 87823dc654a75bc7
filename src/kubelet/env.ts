// A container's environment, as the kubelet's makeEnvironmentVariables builds it: envFrom
// (config maps and secrets, with prefixes), then env (values with $(VAR) expansion, fieldRef,
// resourceFieldRef, configMapKeyRef, secretKeyRef, optional ones skipped), then the service
// variables (`<SVC>_SERVICE_HOST`… and Docker link variables) the container did not set itself.

import type { KubeObject } from '../api/object.js';
import { podFieldValue, resourceFieldValue, type RuntimeFields } from './fieldpath.js';
import type { Container, Pod } from './types.js';

export interface EnvLookups extends RuntimeFields {
  /** undefined: not found. */
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Services of the pod's namespace and of `default`. */
  services(namespace: string): KubeObject[];
  allocatable: Record<string, string>;
}

/** A reference that cannot be resolved: the container waits in CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

/** `$(VAR)` expansion as Kubernetes does it: `$$` is a literal `$`, unknown references stay as written. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const v = lookup(name);
      out += v ?? `$(${name})`;
      i = end;
      continue;
    }
    out += c;
  }
  return out;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function isServiceIPSet(svc: KubeObject): boolean {
  const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
  return !!ip && ip !== 'None';
}

/** FromServices: the variables a set of services gives a container. */
export function serviceEnvVars(services: KubeObject[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const spec = svc.spec as { clusterIP: string; ports?: { name?: string; port: number; protocol?: string }[] };
    const ports = spec.ports ?? [];
    if (!ports.length) continue;
    const prefix = envName(svc.metadata.name ?? '');
    out.push([`${prefix}_SERVICE_HOST`, spec.clusterIP]);
    out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    const host = spec.clusterIP.includes(':') ? `[${spec.clusterIP}]` : spec.clusterIP;
    ports.forEach((p, i) => {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      if (i === 0) out.push([`${prefix}_PORT`, `${proto}://${host}:${p.port}`]);
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([pp, `${proto}://${host}:${p.port}`], [`${pp}_PROTO`, proto], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, spec.clusterIP]);
    });
  }
  return out;
}

/** The services whose variables a pod gets: `kubernetes` from default always, its namespace's with enableServiceLinks. */
export function serviceEnvMap(pod: Pod, services: KubeObject[]): Map<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const links = pod.spec.enableServiceLinks !== false;
  const chosen = new Map<string, KubeObject>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && name === 'kubernetes') {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (svc.metadata.namespace === ns && links) chosen.set(name, svc);
  }
  const sorted = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return new Map(serviceEnvVars(sorted));
}

function dataOf(obj: KubeObject, secret: boolean): Record<string, string> {
  if (!secret) return { ...((obj.data as Record<string, string>) ?? {}) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((obj.data as Record<string, string>) ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((obj.stringData as Record<string, string>) ?? {})) out[k] = v;
  return out;
}

/** The environment in declaration order (envFrom, env, then service variables). */
export async function makeEnvironment(pod: Pod, container: Container, lk: EnvLookups): Promise<{ name: string; value: string }[]> {
  const ns = pod.metadata.namespace ?? 'default';
  const serviceEnv = serviceEnvMap(pod, lk.services(ns));
  const env = new Map<string, string>();
  const configMaps = new Map<string, KubeObject>();
  const secrets = new Map<string, KubeObject>();
  const getConfigMap = async (name: string, optional: boolean): Promise<KubeObject | undefined> => {
    const cached = configMaps.get(name);
    if (cached) return cached;
    const cm = await lk.configMap(ns, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    configMaps.set(name, cm);
    return cm;
  };
  const getSecret = async (name: string, optional: boolean): Promise<KubeObject | undefined> => {
    const cached = secrets.get(name);
    if (cached) return cached;
    const s = await lk.secret(ns, name);
    if (!s) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    secrets.set(name, s);
    return s;
  };

  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = await getConfigMap(from.configMapRef.name ?? '', from.configMapRef.optional === true);
      if (!cm) continue;
      for (const [k, v] of Object.entries(dataOf(cm, false))) env.set((from.prefix ?? '') + k, v);
    } else if (from.secretRef) {
      const s = await getSecret(from.secretRef.name ?? '', from.secretRef.optional === true);
      if (!s) continue;
      for (const [k, v] of Object.entries(dataOf(s, true))) env.set((from.prefix ?? '') + k, v);
    }
  }

  const lookup = (name: string) => env.get(name) ?? serviceEnv.get(name);
  for (const e of container.env ?? []) {
    let value = e.value ?? '';
    if (value !== '') value = expand(value, lookup);
    else if (e.valueFrom) {
      const vf = e.valueFrom;
      if (vf.fieldRef) value = podFieldValue(vf.fieldRef, pod, lk);
      else if (vf.resourceFieldRef) value = resourceFieldValue(vf.resourceFieldRef, pod, container, lk.allocatable);
      else if (vf.configMapKeyRef) {
        const ref = vf.configMapKeyRef;
        const optional = ref.optional === true;
        const cm = await getConfigMap(ref.name ?? '', optional);
        if (!cm) continue;
        const data = dataOf(cm, false);
        if (!(ref.key in data)) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name ?? ''}`);
        }
        value = data[ref.key];
      } else if (vf.secretKeyRef) {
        const ref = vf.secretKeyRef;
        const optional = ref.optional === true;
        const s = await getSecret(ref.name ?? '', optional);
        if (!s) continue;
        const data = dataOf(s, true);
        if (!(ref.key in data)) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name ?? ''}`);
        }
        value = data[ref.key];
      }
    }
    env.set(e.name, value);
  }

  const out = [...env].map(([name, value]) => ({ name, value }));
  for (const [k, v] of serviceEnv) if (!env.has(k)) out.push({ name: k, value: v });
  return out;
}

/** Command and args with $(VAR) references to the container's environment expanded. */
export function expandCommandAndArgs(container: Container, env: { name: string; value: string }[]): { command: string[]; args: string[] } {
  const m = new Map(env.map((e) => [e.name, e.value]));
  const f = (s: string) => expand(s, (n) => m.get(n));
  return { command: (container.command ?? []).map(f), args: (container.args ?? []).map(f) };
}
