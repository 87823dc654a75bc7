// A small ustar writer: enough for image layers and OCI archives made in memory (the pause
// image, test fixtures). Entries are written in the order given, with fixed owner and time so
// the same input always gives the same bytes (and so the same image digest).

export interface TarEntry {
  path: string;
  mode: number;
  type: 'file' | 'directory' | 'symlink';
  content?: Buffer;
  linkTarget?: string;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  let name = entry.path.replace(/^\/+/, '');
  if (entry.type === 'directory' && !name.endsWith('/')) name += '/';
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2 - (Buffer.byteLength(name) - 100 - 1));
    if (cut <= 0 || cut > 155) throw new Error(`tar: path too long: ${entry.path}`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(entry.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0', 156, 'ascii');
  if (entry.linkTarget) h.write(entry.linkTarget, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  if (prefix) h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A complete tar archive (with the two zero blocks that end it). */
export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const content = e.type === 'file' ? (e.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(header(e, content.length));
    if (content.length) {
      parts.push(content);
      const pad = (512 - (content.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
