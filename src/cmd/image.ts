// `kubelite image import FILE.tar` and `kubelite image ls`: the images of a node's containerd
// (the one `kubelite up` or `kubelite agent` started under its data directory), as
// `k3s ctr images import` and `crictl images` show them. The process runtime uses no images,
// so these need containerd.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { archiveImageNames, containerdPaths, importImageArchive } from '../kubelet/runtime/cri/containerd.js';
import { CriRuntime } from '../kubelet/runtime/cri/cri-runtime.js';

export interface ImageCommandOptions {
  dataDir: string;
  /** The node whose containerd to use; default the only one under the data dir. */
  node?: string;
}

function startHint(dataDir: string): string {
  return `start \`kubelite up --runtime containerd --data-dir ${dataDir}\` (or \`kubelite agent … --data-dir ${dataDir}\`) first, or point --data-dir at the node's data directory`;
}

/** The CRI socket of the node's containerd, or an error that says what to do. */
export function nodeContainerdSocket(o: ImageCommandOptions): string {
  const base = join(o.dataDir, 'containerd');
  const nodes = existsSync(base) ? readdirSync(base).filter((n) => existsSync(containerdPaths(join(base, n)).socket)) : [];
  if (o.node) {
    if (!nodes.includes(o.node)) throw new Error(`no containerd is running for node ${o.node} under ${o.dataDir}${nodes.length ? ` (nodes with one: ${nodes.join(', ')})` : ''}: ${startHint(o.dataDir)}`);
    return containerdPaths(join(base, o.node)).socket;
  }
  if (nodes.length === 0) throw new Error(`no containerd is running under ${o.dataDir}: ${startHint(o.dataDir)} (the process runtime uses no images)`);
  if (nodes.length > 1) throw new Error(`several nodes run containerd under ${o.dataDir} (${nodes.join(', ')}): choose one with --node`);
  return containerdPaths(join(base, nodes[0])).socket;
}

export async function imageImport(file: string, o: ImageCommandOptions & { name?: string }): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const { format, names: own } = await archiveImageNames(file);
  if (format === 'oci' && !o.name && own.some((n) => !n.includes('/'))) {
    throw new Error(`${file} names its image only by tag (${own.join(', ') || 'none'}): name it with --name, e.g. --name docker.io/library/busybox:1.36`);
  }
  const names = await importImageArchive({ socket: nodeContainerdSocket(o), file, baseName: o.name });
  for (const n of names) console.log(`imported ${n}`);
}

function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}${units[i]}`;
}

/** The images, in crictl's columns: IMAGE TAG IMAGE ID SIZE. */
export async function imageList(o: ImageCommandOptions): Promise<void> {
  const runtime = new CriRuntime({ socket: nodeContainerdSocket(o) });
  try {
    const rows: string[][] = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
    for (const img of await runtime.listImages()) {
      const id = img.id.replace(/^sha256:/, '').slice(0, 13);
      const tags = img.repoTags.length ? img.repoTags : img.repoDigests.map((d) => d.replace(/@.*/, '@<none>'));
      for (const t of tags.length ? tags : ['<none>:<none>']) {
        const at = t.lastIndexOf(':');
        const repo = t.includes('@') ? t.slice(0, t.indexOf('@')) : t.slice(0, at);
        const tag = t.includes('@') ? '<none>' : t.slice(at + 1);
        rows.push([repo, tag, id, humanSize(img.size)]);
      }
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join(''));
  } finally {
    await runtime.close();
  }
}
