// How the API server's proxy (pods/NAME/proxy, services/NAME/proxy) rewrites what a backend
// answers so that links keep working behind the proxy prefix, as apimachinery's proxy
// Transport does: a redirect's Location and the URL-valued attributes of HTML tags that point
// at the backend itself (a path, or an absolute URL naming the backend's or the request's host)
// get the prefix `/api/v1/namespaces/NS/services/NAME/proxy` put in front; links to other hosts,
// relative links and fragments are left alone.

import { posix } from 'node:path';

export interface RewriteContext {
  /** The proxy prefix, e.g. `/api/v1/namespaces/default/services/ver/proxy`. */
  prefix: string;
  /** host:port the request went to (the pod or endpoint). */
  backendHost: string;
  /** The Host header of the request the API server received. */
  requestHost: string;
}

interface UrlParts {
  /** `http:` and the like, or '' */
  scheme: string;
  /** Whether `//authority` was written. */
  hasAuthority: boolean;
  host: string;
  path: string;
  /** `?query#fragment`, as written. */
  tail: string;
}

/** Splits a URL the way Go's url.Parse does for the parts the rewrite looks at; undefined for an opaque URL (`mailto:x`). */
function splitUrl(raw: string): UrlParts | undefined {
  let rest = raw;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1] + ':';
    rest = rest.slice(scheme.length);
    if (!rest.startsWith('/')) return undefined;
  }
  let host = '';
  let hasAuthority = false;
  if (rest.startsWith('//')) {
    hasAuthority = true;
    const end = rest.slice(2).search(/[/?#]/);
    host = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
  }
  const q = rest.search(/[?#]/);
  return { scheme, hasAuthority, host, path: q < 0 ? rest : rest.slice(0, q), tail: q < 0 ? '' : rest.slice(q) };
}

/**
 * apimachinery's rewriteURL: a URL on the backend's (or the request's) host with an absolute
 * path is moved under the proxy prefix; anything else is returned unchanged.
 */
export function rewriteProxiedUrl(raw: string, ctx: RewriteContext): string {
  const u = splitUrl(raw.trim());
  if (!u) return raw;
  const differentHost = u.host !== '' && u.host !== ctx.backendHost && u.host !== ctx.requestHost;
  if (differentHost || !u.path.startsWith('/')) return raw;
  // A URL naming the host the client used stays absolute; one naming the backend loses its
  // scheme and host (the client cannot reach that address).
  const keepOrigin = u.hasAuthority && u.host === ctx.requestHost;
  const origin = keepOrigin ? `${u.scheme}//${u.host}` : '';
  if (u.path.startsWith(ctx.prefix)) return origin + u.path + u.tail;
  let joined = posix.join(ctx.prefix, u.path);
  if (u.path.endsWith('/') && !joined.endsWith('/')) joined += '/';
  return origin + joined + u.tail;
}

/** Tags whose attributes hold URLs (apimachinery's atomsToAttrs). */
const urlAttributes: Record<string, readonly string[]> = {
  a: ['href'],
  applet: ['codebase'],
  area: ['href'],
  audio: ['src'],
  base: ['href'],
  blockquote: ['cite'],
  body: ['background'],
  button: ['formaction'],
  command: ['icon'],
  del: ['cite'],
  embed: ['src'],
  form: ['action'],
  frame: ['longdesc', 'src'],
  head: ['profile'],
  html: ['manifest'],
  iframe: ['longdesc', 'src'],
  img: ['longdesc', 'src', 'usemap'],
  input: ['src', 'usemap', 'formaction'],
  ins: ['cite'],
  link: ['href'],
  object: ['classid', 'codebase', 'data', 'usemap'],
  q: ['cite'],
  script: ['src'],
  source: ['src'],
  video: ['poster', 'src'],
};

/** Elements whose content is raw text, not markup: nothing inside is a tag. */
const rawTextElements = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

const attributePattern = /([^\s"'>/=]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function decodeEntities(s: string): string {
  return s.replace(/&(amp|quot|#39|apos|lt|gt);/g, (_, e: string) => ({ amp: '&', quot: '"', '#39': "'", apos: "'", lt: '<', gt: '>' })[e] ?? '');
}

function encodeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** Rewrites the URL attributes of one start tag (`<a href="/x" class=y>`), keeping everything else as written. */
function rewriteTag(tag: string, name: string, rewrite: (url: string) => string): string {
  const attrs = urlAttributes[name];
  if (!attrs) return tag;
  const openLength = 1 + name.length;
  const body = tag.slice(openLength);
  const out = body.replace(attributePattern, (whole, key: string, assignment: string | undefined, dq?: string, sq?: string, bare?: string) => {
    if (!assignment || !attrs.includes(key.toLowerCase())) return whole;
    const value = decodeEntities(dq ?? sq ?? bare ?? '');
    const rewritten = rewrite(value);
    if (rewritten === value) return whole;
    return `${key}="${encodeAttribute(rewritten)}"`;
  });
  return tag.slice(0, openLength) + out;
}

/**
 * Rewrites the URL-valued attributes of an HTML document's tags (apimachinery's rewriteHTML),
 * skipping comments and the contents of raw-text elements such as <script>.
 */
export function rewriteHtml(html: string, rewrite: (url: string) => string): string {
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    out += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      const stop = end < 0 ? html.length : end + 3;
      out += html.slice(lt, stop);
      i = stop;
      continue;
    }
    const m = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!m) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const close = findTagEnd(html, lt + m[0].length);
    const tag = html.slice(lt, close);
    const name = m[1].toLowerCase();
    out += rewriteTag(tag, name, rewrite);
    i = close;
    if (rawTextElements.has(name) && !tag.endsWith('/>')) {
      const endTag = html.toLowerCase().indexOf(`</${name}`, i);
      const stop = endTag < 0 ? html.length : endTag;
      out += html.slice(i, stop);
      i = stop;
    }
  }
  return out + html.slice(i);
}

/** The index just past a tag's closing `>`, honouring quoted attribute values. */
function findTagEnd(html: string, from: number): number {
  let quote = '';
  for (let j = from; j < html.length; j++) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // Only a quote that opens an attribute value counts.
      if (/=\s*$/.test(html.slice(Math.max(from, j - 8), j))) quote = c;
    } else if (c === '>') {
      return j + 1;
    }
  }
  return html.length;
}
