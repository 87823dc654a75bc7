// The pod sandbox's image, made here instead of pulled: no registry on the internet is
// reachable from the machines kubelite runs on, and containerd needs the sandbox image before
// it can start any pod. The image holds one file, /pause: a static x86-64 Linux program of a
// few dozen bytes that reaps orphaned children (a pod sharing its PID namespace makes it the
// init) and otherwise sleeps, as the real pause container does.

import { createHash } from 'node:crypto';
import { tarArchive, type TarEntry } from './tar.js';

/** The reference the built-in sandbox image is imported under. */
export const builtinPauseImage = 'localhost/kubelite/pause:3.10';

/**
 * A minimal ELF64 executable: loop { if wait4(-1, 0, 0, 0) > 0 continue; nanosleep(1 s) }.
 * PID 1 ignores SIGTERM without a handler; containerd stops sandboxes with SIGKILL.
 */
export function pauseProgram(): Buffer {
  const base = 0x400000;
  const headerSize = 64 + 56;
  // prettier-ignore
  const code = Buffer.from([
    0xbf, 0xff, 0xff, 0xff, 0xff,       //  0: mov edi, -1        (any child)
    0x31, 0xf6,                         //  5: xor esi, esi       (no status)
    0x31, 0xd2,                         //  7: xor edx, edx       (no options: block)
    0x45, 0x31, 0xd2,                   //  9: xor r10d, r10d     (no rusage)
    0xb8, 0x3d, 0x00, 0x00, 0x00,       // 12: mov eax, 61        (wait4)
    0x0f, 0x05,                         // 17: syscall
    0x85, 0xc0,                         // 19: test eax, eax
    0x7f, 0xe9,                         // 21: jg 0               (reaped one: wait again)
    0x48, 0x8d, 0x3d, 0x12, 0x00, 0x00, 0x00, // 23: lea rdi, [rip+18] (the timespec at 48)
    0x31, 0xf6,                         // 30: xor esi, esi
    0xb8, 0x23, 0x00, 0x00, 0x00,       // 32: mov eax, 35        (nanosleep)
    0x0f, 0x05,                         // 37: syscall
    0xeb, 0xd7,                         // 39: jmp 0
    0, 0, 0, 0, 0, 0, 0,                // 41: padding
    1, 0, 0, 0, 0, 0, 0, 0,             // 48: tv_sec = 1
    0, 0, 0, 0, 0, 0, 0, 0,             // 56: tv_nsec = 0
  ]);
  const total = headerSize + code.length;
  const elf = Buffer.alloc(total);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // magic, 64-bit, little-endian, version 1, System V
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(0x3e, 18); // x86-64
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(base + headerSize), 24); // entry
  elf.writeBigUInt64LE(64n, 32); // program headers follow the ELF header
  elf.writeBigUInt64LE(0n, 40); // no section headers
  elf.writeUInt32LE(0, 48);
  elf.writeUInt16LE(64, 52);
  elf.writeUInt16LE(56, 54);
  elf.writeUInt16LE(1, 56);
  elf.writeUInt16LE(64, 58);
  elf.writeUInt16LE(0, 60);
  elf.writeUInt16LE(0, 62);
  // One PT_LOAD segment, read + execute, mapping the whole file at `base`.
  elf.writeUInt32LE(1, 64);
  elf.writeUInt32LE(5, 68);
  elf.writeBigUInt64LE(0n, 72);
  elf.writeBigUInt64LE(BigInt(base), 80);
  elf.writeBigUInt64LE(BigInt(base), 88);
  elf.writeBigUInt64LE(BigInt(total), 96);
  elf.writeBigUInt64LE(BigInt(total), 104);
  elf.writeBigUInt64LE(0x1000n, 112);
  code.copy(elf, headerSize);
  return elf;
}

function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export interface OciImageFile {
  path: string;
  mode: number;
  content?: Buffer;
  /** A directory when content is absent and this is true. */
  directory?: boolean;
  linkTarget?: string;
}

/**
 * An OCI image archive (an image layout in a tar, as `ctr images import` takes it) with one
 * uncompressed layer holding `files`, named `ref` (a full reference: docker.io/library/x:tag).
 */
export function ociArchive(ref: string, files: OciImageFile[], config: { cmd: string[]; env?: string[]; workingDir?: string }): Buffer {
  const layer = tarArchive(
    files.map((f): TarEntry => (f.directory ? { path: f.path, mode: f.mode, type: 'directory' } : f.linkTarget ? { path: f.path, mode: f.mode, type: 'symlink', linkTarget: f.linkTarget } : { path: f.path, mode: f.mode, type: 'file', content: f.content ?? Buffer.alloc(0) })),
  );
  const layerDigest = sha256(layer);
  const created = '1970-01-01T00:00:00Z';
  const imageConfig = Buffer.from(
    JSON.stringify({
      created,
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: config.cmd, Env: config.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: config.workingDir ?? '/' },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      history: [{ created, created_by: 'kubelite' }],
    }),
  );
  const configDigest = sha256(imageConfig);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: imageConfig.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  const manifestDigest = sha256(manifest);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': ref } }],
    }),
  );
  const blob = (digest: string, content: Buffer): TarEntry => ({ path: `blobs/sha256/${digest.slice('sha256:'.length)}`, mode: 0o644, type: 'file', content });
  return tarArchive([
    { path: 'oci-layout', mode: 0o644, type: 'file', content: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { path: 'index.json', mode: 0o644, type: 'file', content: index },
    { path: 'blobs', mode: 0o755, type: 'directory' },
    { path: 'blobs/sha256', mode: 0o755, type: 'directory' },
    blob(layerDigest, layer),
    blob(configDigest, imageConfig),
    blob(manifestDigest, manifest),
  ]);
}

/** The built-in sandbox image as an OCI archive (x86-64 only). */
export function pauseImageArchive(ref = builtinPauseImage): Buffer {
  if (process.arch !== 'x64') throw new Error(`the built-in pause image is x86-64 only (this is ${process.arch}): set a sandbox image of your own`);
  return ociArchive(
    ref,
    [
      { path: 'pause', mode: 0o755, content: pauseProgram() },
      { path: 'dev', mode: 0o755, directory: true },
      { path: 'proc', mode: 0o755, directory: true },
      { path: 'sys', mode: 0o755, directory: true },
      { path: 'etc', mode: 0o755, directory: true },
    ],
    { cmd: ['/pause'], env: [] },
  );
}
