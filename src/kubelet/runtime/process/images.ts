// Images in the host-process runtime are names only: nothing is downloaded and no file system is
// unpacked (a container sees the host's own files). A pull records the name so that
// imageStatus/listImages report what pods asked for, as the kubelet and `kubectl describe node`
// expect; the record survives restarts in a small JSON file.
//
// Image IDs are sha256 digests of the normalized name, stable across runs. The size is that of
// the host binary standing in for the image where there is one (busybox images run on the host's
// busybox), else 0.

import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ImageInfo } from '../interface.js';

export interface ParsedImageRef {
  /** docker.io/library/busybox */
  repository: string;
  /** latest, unless a digest alone was given */
  tag?: string;
  digest?: string;
}

/** Parses a reference as Docker does: default registry docker.io, library/ for one-part names, tag latest. */
export function parseImageRef(ref: string): ParsedImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository: string;
  if (hasRegistry) repository = rest;
  else if (parts.length === 1) repository = `docker.io/library/${rest}`;
  else repository = `docker.io/${rest}`;
  if (!tag && !digest) tag = 'latest';
  return { repository, tag, digest };
}

/** The normalized name: `docker.io/library/busybox:latest` (or `repo@digest`). */
export function normalizeImageRef(ref: string): string {
  const p = parseImageRef(ref);
  return p.tag ? `${p.repository}:${p.tag}` : `${p.repository}@${p.digest}`;
}

/** A stable, fake image ID: the sha256 of the normalized name. */
export function imageIdOf(ref: string): string {
  return `sha256:${createHash('sha256').update(normalizeImageRef(ref)).digest('hex')}`;
}

/** busybox images: their commands are busybox applets, which the host's busybox provides. */
export function isBusyboxImage(ref: string): boolean {
  const repo = parseImageRef(ref).repository;
  return /(^|\/)busybox$/.test(repo);
}

interface StoredImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export class ImageStore {
  private images = new Map<string, StoredImage>();

  constructor(
    private readonly file: string | undefined,
    private readonly sizeOf: (ref: string) => number = () => 0,
  ) {
    if (!file) return;
    try {
      const list = JSON.parse(readFileSync(file, 'utf8')) as StoredImage[];
      for (const i of list) if (i && typeof i.id === 'string') this.images.set(i.id, i);
    } catch {
      /* first run, or an unreadable file: start empty */
    }
  }

  /** Records the image; returns its ID. */
  pull(ref: string): string {
    const id = imageIdOf(ref);
    const p = parseImageRef(ref);
    const existing = this.images.get(id);
    const repoTags = p.tag ? [`${p.repository}:${p.tag}`] : [];
    const repoDigests = p.digest ? [`${p.repository}@${p.digest}`] : [];
    if (existing) {
      for (const t of repoTags) if (!existing.repoTags.includes(t)) existing.repoTags.push(t);
      for (const d of repoDigests) if (!existing.repoDigests.includes(d)) existing.repoDigests.push(d);
    } else {
      this.images.set(id, { id, repoTags, repoDigests, size: this.sizeOf(ref) });
    }
    this.save();
    return id;
  }

  status(ref: string): ImageInfo | undefined {
    const byId = this.images.get(ref) ?? this.images.get(`sha256:${ref}`);
    const found = byId ?? this.images.get(imageIdOf(ref));
    return found && { ...found, repoTags: [...found.repoTags], repoDigests: [...found.repoDigests] };
  }

  list(): ImageInfo[] {
    return [...this.images.values()].map((i) => ({ ...i, repoTags: [...i.repoTags], repoDigests: [...i.repoDigests] }));
  }

  /** Removes the image (every tag of it, as containerd does). */
  remove(ref: string): void {
    const found = this.status(ref);
    if (!found) return;
    this.images.delete(found.id);
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.images.values()], null, 1));
    renameSync(tmp, this.file);
  }
}
