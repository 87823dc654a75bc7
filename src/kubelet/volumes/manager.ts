// Pod volumes on the node's disk, under `<dataDir>/pods/<uid>/volumes/<plugin>/<name>` as the
// kubelet lays them out: emptyDir (a directory; medium Memory a tmpfs when running as root),
// hostPath (with its type checks), configMap, secret, downwardAPI and projected (written by the
// atomic writer, refreshed when their sources change), and persistentVolumeClaim (the bound
// PV's hostPath or local path). Container mounts, with subPath and subPathExpr, come from here.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import type { Mount } from '../runtime/interface.js';
import { objectFieldValue, podFieldValue, resourceFieldValue, type RuntimeFields } from '../fieldpath.js';
import { expand } from '../env.js';
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, Volume } from '../types.js';
import { writeAtomically, type Payload } from './atomic-writer.js';

export interface VolumeSources extends RuntimeFields {
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  pvc(namespace: string, name: string): Promise<KubeObject | undefined>;
  pv(name: string): Promise<KubeObject | undefined>;
  /** A bound service account token for the pod (TokenRequest). */
  serviceAccountToken(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
  allocatable: Record<string, string>;
}

export interface MountedVolume {
  name: string;
  path: string;
  readOnly: boolean;
  plugin: string;
}

export interface VolumeSetupResult {
  volumes: Map<string, MountedVolume>;
  errors: { volume: string; message: string }[];
}

const defaultMode = 0o644;

function pluginOf(v: Volume): string {
  if (v.emptyDir) return 'kubernetes.io~empty-dir';
  if (v.hostPath) return 'kubernetes.io~host-path';
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.secret) return 'kubernetes.io~secret';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  if (v.projected) return 'kubernetes.io~projected';
  if (v.persistentVolumeClaim) return 'kubernetes.io~local-volume';
  return 'kubernetes.io~unsupported';
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function decoded(obj: KubeObject, secret: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((obj.data as Record<string, string>) ?? {})) out.set(k, secret ? Buffer.from(v, 'base64') : Buffer.from(v));
  if (!secret) for (const [k, v] of Object.entries((obj.binaryData as Record<string, string>) ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

class VolumeError extends Error {}

function hostPathTypeCheck(path: string, type: string | undefined): void {
  const st = (() => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  })();
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) {
        mkdirSync(path, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!st) {
        writeFileSync(path, '', { mode: 0o644 });
        return;
      }
      if (!st.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!st?.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new VolumeError(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new VolumeError(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new VolumeError(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new VolumeError(`hostPath type check failed: unknown type ${type}`);
  }
}

export interface VolumeManagerOptions {
  /** `<dataDir>/pods` */
  podsDir: string;
  /** Mount tmpfs for emptyDir medium Memory (default: when running as root). */
  tmpfs?: boolean;
  log?: (msg: string) => void;
}

export class VolumeManager {
  private readonly tmpfs: boolean;
  private readonly mountedTmpfs = new Set<string>();

  constructor(private readonly opts: VolumeManagerOptions) {
    this.tmpfs = opts.tmpfs ?? isRoot();
  }

  podDir(uid: string): string {
    return join(this.opts.podsDir, uid);
  }

  volumePath(pod: Pod, v: Volume): string {
    return join(this.podDir(pod.metadata.uid ?? ''), 'volumes', pluginOf(v), v.name);
  }

  /** Sets up (or refreshes) every volume of the pod; errors are per volume. */
  async setUp(pod: Pod, src: VolumeSources): Promise<VolumeSetupResult> {
    const volumes = new Map<string, MountedVolume>();
    const errors: { volume: string; message: string }[] = [];
    for (const v of pod.spec.volumes ?? []) {
      try {
        volumes.set(v.name, await this.setUpOne(pod, v, src));
      } catch (e) {
        errors.push({ volume: v.name, message: (e as Error).message });
      }
    }
    return { volumes, errors };
  }

  private async setUpOne(pod: Pod, v: Volume, src: VolumeSources): Promise<MountedVolume> {
    const ns = pod.metadata.namespace ?? 'default';
    const path = this.volumePath(pod, v);
    const plugin = pluginOf(v);
    if (v.emptyDir) {
      if (!existsSync(path)) {
        mkdirSync(path, { recursive: true });
        chmodSync(path, 0o777);
      }
      if (v.emptyDir.medium === 'Memory' && this.tmpfs && !this.mountedTmpfs.has(path)) {
        const size = v.emptyDir.sizeLimit ? [`-o`, `size=${String(v.emptyDir.sizeLimit).replace(/i$/, '')}`] : [];
        try {
          execFileSync('mount', ['-t', 'tmpfs', ...size, 'tmpfs', path], { stdio: 'ignore' });
          chmodSync(path, 0o777);
          this.mountedTmpfs.add(path);
        } catch (e) {
          this.opts.log?.(`emptyDir ${v.name}: tmpfs mount failed, using disk: ${(e as Error).message}`);
        }
      }
      return { name: v.name, path, readOnly: false, plugin };
    }
    if (v.hostPath) {
      const hp = normalize(v.hostPath.path);
      hostPathTypeCheck(hp, v.hostPath.type);
      return { name: v.name, path: hp, readOnly: false, plugin };
    }
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      const cm = await src.configMap(ns, name);
      const optional = v.configMap.optional === true;
      if (!cm && !optional) throw new VolumeError(`configmap "${name}" not found`);
      const payload = cm ? this.keyPayload(decoded(cm, false), v.configMap.items, v.configMap.defaultMode ?? defaultMode, optional, 'configmap references non-existent config key') : new Map();
      writeAtomically(path, payload);
      return { name: v.name, path, readOnly: true, plugin };
    }
    if (v.secret) {
      const name = v.secret.secretName ?? '';
      const s = await src.secret(ns, name);
      const optional = v.secret.optional === true;
      if (!s && !optional) throw new VolumeError(`secret "${name}" not found`);
      const payload = s ? this.keyPayload(decoded(s, true), v.secret.items, v.secret.defaultMode ?? defaultMode, optional, 'references non-existent secret key') : new Map();
      writeAtomically(path, payload);
      return { name: v.name, path, readOnly: true, plugin };
    }
    if (v.downwardAPI) {
      const payload: Payload = new Map();
      this.downwardPayload(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? defaultMode, src, payload);
      writeAtomically(path, payload);
      return { name: v.name, path, readOnly: true, plugin };
    }
    if (v.projected) {
      const mode = v.projected.defaultMode ?? defaultMode;
      const payload: Payload = new Map();
      for (const source of v.projected.sources ?? []) {
        if (source.configMap) {
          const name = source.configMap.name ?? '';
          const cm = await src.configMap(ns, name);
          if (!cm) {
            if (source.configMap.optional) continue;
            throw new VolumeError(`configmap "${name}" not found`);
          }
          for (const [k, f] of this.keyPayload(decoded(cm, false), source.configMap.items, mode, source.configMap.optional === true, 'configmap references non-existent config key')) payload.set(k, f);
        } else if (source.secret) {
          const name = source.secret.name ?? '';
          const s = await src.secret(ns, name);
          if (!s) {
            if (source.secret.optional) continue;
            throw new VolumeError(`secret "${name}" not found`);
          }
          for (const [k, f] of this.keyPayload(decoded(s, true), source.secret.items, mode, source.secret.optional === true, 'references non-existent secret key')) payload.set(k, f);
        } else if (source.downwardAPI) {
          this.downwardPayload(pod, source.downwardAPI.items ?? [], mode, src, payload);
        } else if (source.serviceAccountToken) {
          const t = source.serviceAccountToken;
          const token = await src.serviceAccountToken(pod, t.audience, t.expirationSeconds ?? 3600);
          // Token files are readable by the pod's user only (0600), as the kubelet writes them.
          payload.set(t.path, { data: Buffer.from(token), mode: v.projected.defaultMode ?? 0o600 });
        }
      }
      writeAtomically(path, payload);
      return { name: v.name, path, readOnly: true, plugin };
    }
    if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim.claimName;
      const pvc = await src.pvc(ns, claim);
      if (!pvc) throw new VolumeError(`persistentvolumeclaim "${claim}" not found`);
      const volumeName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
      const phase = (pvc.status as { phase?: string } | undefined)?.phase;
      if (!volumeName || phase !== 'Bound') throw new VolumeError(`PVC ${ns}/${claim} is not bound`);
      const pv = await src.pv(volumeName);
      if (!pv) throw new VolumeError(`persistentvolume "${volumeName}" not found`);
      const spec = (pv.spec ?? {}) as { hostPath?: { path: string; type?: string }; local?: { path: string } };
      const pvPath = spec.hostPath?.path ?? spec.local?.path;
      if (!pvPath) throw new VolumeError(`persistentvolume "${volumeName}" has no hostPath or local path this node can mount`);
      if (!existsSync(pvPath)) {
        if (spec.local) throw new VolumeError(`path "${pvPath}" does not exist`);
        mkdirSync(pvPath, { recursive: true, mode: 0o777 });
      }
      if (spec.hostPath) hostPathTypeCheck(pvPath, spec.hostPath.type);
      return { name: v.name, path: pvPath, readOnly: v.persistentVolumeClaim.readOnly === true, plugin };
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new VolumeError(`volume type ${kind} is not supported on this node`);
  }

  private keyPayload(data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean, missingMessage: string): Payload {
    const payload: Payload = new Map();
    if (!items?.length) {
      for (const [k, v] of data) payload.set(k, { data: v, mode });
      return payload;
    }
    for (const item of items) {
      const v = data.get(item.key);
      if (!v) {
        if (optional) continue;
        throw new VolumeError(`${missingMessage}: ${item.key}`);
      }
      payload.set(item.path, { data: v, mode: item.mode ?? mode });
    }
    return payload;
  }

  private downwardPayload(pod: Pod, items: DownwardAPIVolumeFile[], mode: number, src: VolumeSources, into: Payload): void {
    for (const item of items) {
      let value: string;
      if (item.fieldRef) {
        value = item.fieldRef.fieldPath.startsWith('metadata.') ? objectFieldValue(pod, item.fieldRef.fieldPath) : podFieldValue(item.fieldRef, pod, src);
      } else if (item.resourceFieldRef) {
        value = resourceFieldValue(item.resourceFieldRef, pod, undefined, src.allocatable);
      } else continue;
      into.set(item.path, { data: Buffer.from(value), mode: item.mode ?? mode });
    }
  }

  /** The container's volume mounts (subPath and subPathExpr resolved, missing subpaths created). */
  mountsFor(pod: Pod, c: Container, volumes: Map<string, MountedVolume>, env: { name: string; value: string }[]): Mount[] {
    const mounts: Mount[] = [];
    const envMap = new Map(env.map((e) => [e.name, e.value]));
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) throw new Error(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
      let hostPath = v.path;
      const sub = m.subPathExpr ? expand(m.subPathExpr, (n) => envMap.get(n)) : m.subPath;
      if (sub) {
        if (sub.startsWith('/') || sub.split('/').includes('..')) throw new Error(`subPath "${sub}" must be a relative path without ".."`);
        hostPath = join(v.path, sub);
        if (!existsSync(hostPath)) {
          mkdirSync(hostPath, { recursive: true });
          chmodSync(hostPath, 0o777);
        }
      }
      const mount: Mount = { containerPath: m.mountPath, hostPath, readonly: m.readOnly === true || v.readOnly };
      if (m.mountPropagation === 'HostToContainer') mount.propagation = 'host-to-container';
      else if (m.mountPropagation === 'Bidirectional') mount.propagation = 'bidirectional';
      mounts.push(mount);
    }
    return mounts;
  }

  /** Unmounts what the pod's volumes mounted and removes its emptyDirs (the pod has stopped). */
  tearDown(pod: Pod): void {
    for (const v of pod.spec.volumes ?? []) {
      if (!v.emptyDir) continue;
      const path = this.volumePath(pod, v);
      this.unmount(path);
      rmSync(path, { recursive: true, force: true });
    }
  }

  private unmount(path: string): void {
    if (!this.mountedTmpfs.has(path)) return;
    try {
      execFileSync('umount', [path], { stdio: 'ignore' });
    } catch (e) {
      this.opts.log?.(`umount ${path}: ${(e as Error).message}`);
    }
    this.mountedTmpfs.delete(path);
  }

  /** Removes everything the kubelet kept for a pod (volumes, hosts file, termination logs). */
  removePodDir(uid: string): void {
    const dir = this.podDir(uid);
    for (const path of [...this.mountedTmpfs]) if (path.startsWith(`${dir}/`)) this.unmount(path);
    rmSync(dir, { recursive: true, force: true });
  }
}
