// The JSONPath dialect of additionalPrinterColumns (client-go's jsonpath, with missing keys
// allowed): fields `.a.b`, quoted fields `['a.b']`, indexes and slices `[0]`, `[-1]`, `[1:3]`,
// wildcards `[*]` and `.*`, recursive descent `..a`, unions `[0,2]`, and filters
// `[?(@.type=="Ready")]` with ==, !=, <, <=, >, >= or bare existence.

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'fields'; names: string[] }
  | { kind: 'filter'; left: Segment[]; op?: string; right?: FilterOperand };

type FilterOperand = { kind: 'literal'; value: unknown } | { kind: 'path'; path: Segment[] };

export class JsonPathError extends Error {}

export interface JsonPath {
  source: string;
  segments: Segment[];
}

function unquote(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) return s;
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

function parseLiteral(text: string): FilterOperand {
  const t = text.trim();
  if (t.startsWith('@')) return { kind: 'path', path: parseSegments(t.slice(1)) };
  if (t.startsWith("'") || t.startsWith('"')) return { kind: 'literal', value: unquote(t) };
  if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
  if (t === 'null' || t === 'nil') return { kind: 'literal', value: null };
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return { kind: 'literal', value: n };
  throw new JsonPathError(`unrecognized filter value ${t}`);
}

function parseFilter(body: string): Segment {
  // body is what sits between `?(` and `)`.
  const m = /^\s*@(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$/.exec(body);
  if (!m) {
    const path = body.trim();
    if (!path.startsWith('@')) throw new JsonPathError(`unrecognized filter ${body}`);
    return { kind: 'filter', left: parseSegments(path.slice(1)) };
  }
  return { kind: 'filter', left: parseSegments(m[1]), op: m[2], right: parseLiteral(m[3]) };
}

function parseBracket(inner: string): Segment {
  const t = inner.trim();
  if (t.startsWith('?(') && t.endsWith(')')) return parseFilter(t.slice(2, -1));
  if (t === '*') return { kind: 'wildcard' };
  if (t.startsWith("'") || t.startsWith('"')) {
    const names = splitTopLevel(t, ',').map((p) => unquote(p.trim()));
    return { kind: 'fields', names };
  }
  if (t.includes(':')) {
    const parts = t.split(':').map((p) => p.trim());
    const num = (p: string | undefined) => (p === undefined || p === '' ? undefined : parseInteger(p));
    return { kind: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
  }
  const parts = splitTopLevel(t, ',');
  return { kind: 'index', indexes: parts.map((p) => parseInteger(p.trim())) };
}

function parseInteger(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new JsonPathError(`invalid array index ${s}`);
  return Number(s);
}

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The closing bracket matching the one at `open`, minding quotes and nested parentheses. */
function closingBracket(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') {
      depth--;
      if (depth === 0 && ch === ']') return i;
    }
  }
  throw new JsonPathError(`unclosed array expect ]`);
}

function parseSegments(src: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '.') {
      const recursive = src[i + 1] === '.';
      i += recursive ? 2 : 1;
      let j = i;
      while (j < src.length && src[j] !== '.' && src[j] !== '[') j++;
      const name = src.slice(i, j);
      i = j;
      if (recursive) out.push({ kind: 'recursive', name });
      else if (name === '*') out.push({ kind: 'wildcard' });
      else if (name !== '') out.push({ kind: 'field', name });
    } else if (ch === '[') {
      const end = closingBracket(src, i);
      out.push(parseBracket(src.slice(i + 1, end)));
      i = end + 1;
    } else if (/\s/.test(ch)) {
      i++;
    } else {
      // A bare leading name (`spec.x`) reads like `.spec.x`.
      let j = i;
      while (j < src.length && src[j] !== '.' && src[j] !== '[') j++;
      out.push({ kind: 'field', name: src.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** Parses a column's JSONPath; `{…}` around it is optional. */
export function parseJsonPath(source: string): JsonPath {
  let s = source.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  return { source, segments: parseSegments(s) };
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a === 'number' && typeof b === 'number') {
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  return false;
}

function step(values: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (seg.kind) {
      case 'field':
        if (isMap(v) && Object.hasOwn(v, seg.name)) out.push(v[seg.name]);
        break;
      case 'fields':
        if (isMap(v)) for (const n of seg.names) if (Object.hasOwn(v, n)) out.push(v[n]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isMap(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          for (const idx of seg.indexes) {
            const i = idx < 0 ? v.length + idx : idx;
            if (i >= 0 && i < v.length) out.push(v[i]);
          }
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const len = v.length;
          const norm = (x: number | undefined, dflt: number) => (x === undefined ? dflt : x < 0 ? Math.max(0, len + x) : Math.min(x, len));
          const start = norm(seg.start, 0);
          const end = norm(seg.end, len);
          const by = seg.step && seg.step > 0 ? seg.step : 1;
          for (let i = start; i < end; i += by) out.push(v[i]);
        }
        break;
      case 'recursive':
        collectRecursive(v, seg.name, out);
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : isMap(v) ? Object.values(v) : [];
        for (const item of items) {
          const left = find(seg.left, item);
          if (!seg.op) {
            if (left.length > 0) out.push(item);
            continue;
          }
          if (left.length === 0) continue;
          const right = seg.right!.kind === 'literal' ? [seg.right!.value] : find(seg.right!.path, item);
          if (right.length && compare(left[0], seg.op, right[0])) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function collectRecursive(v: unknown, name: string, out: unknown[]): void {
  if (isMap(v)) {
    if (name === '' || name === '*') out.push(...Object.values(v));
    else if (Object.hasOwn(v, name)) out.push(v[name]);
    for (const k of Object.keys(v)) collectRecursive(v[k], name, out);
  } else if (Array.isArray(v)) {
    if (name === '' || name === '*') out.push(...v);
    for (const item of v) collectRecursive(item, name, out);
  }
}

function find(segments: Segment[], data: unknown): unknown[] {
  let values = [data];
  for (const seg of segments) values = step(values, seg);
  return values;
}

/** Every value the path selects in `data`, in document order; none when keys are missing. */
export function evaluateJsonPath(path: JsonPath, data: unknown): unknown[] {
  return find(path.segments, data);
}
