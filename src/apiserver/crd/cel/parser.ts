// A parser for the Common Expression Language as x-kubernetes-validations rules use it: the full
// expression grammar (ternary, logical, relational with `in`, arithmetic, unary, member
// selection, indexing, calls, list and map literals, optional selection `.?` and `[?]`) and
// every literal form (ints, uints, doubles, strings with escapes, raw and triple-quoted strings,
// bytes). Macros (has, all, exists, exists_one, map, filter) become their own nodes.

export class CelSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export type Node =
  | { k: 'lit'; v: LiteralValue }
  | { k: 'ident'; name: string }
  | { k: 'select'; operand: Node; field: string; optional: boolean }
  | { k: 'has'; operand: Node; field: string }
  | { k: 'index'; operand: Node; index: Node; optional: boolean }
  | { k: 'call'; fn: string; target?: Node; args: Node[] }
  | { k: 'list'; elems: Node[]; optionalIndexes: number[] }
  | { k: 'map'; entries: { key: Node; value: Node; optional: boolean }[] }
  | { k: 'cond'; cond: Node; then: Node; else: Node }
  | { k: 'and' | 'or'; left: Node; right: Node }
  | { k: 'not' | 'neg'; operand: Node }
  | { k: 'binary'; op: BinaryOp; left: Node; right: Node }
  | { k: 'macro'; name: 'all' | 'exists' | 'exists_one' | 'map' | 'filter'; target: Node; iterVar: string; args: Node[] };

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%';

export type LiteralValue = null | boolean | bigint | number | string | Uint8Array | { uint: bigint };

type TokenKind = 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'ident' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  value?: LiteralValue;
  offset: number;
}

const reserved = new Set(['as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

const puncts = ['==', '!=', '<=', '>=', '&&', '||', '.?', '[?', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];

function decodeEscapes(body: string, offset: number, bytes: boolean): number[] {
  // Returns code points (strings) or byte values (bytes).
  const out: number[] = [];
  const pushChar = (cp: number) => {
    if (bytes) out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
    else out.push(cp);
  };
  for (let i = 0; i < body.length; ) {
    const cp = body.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch !== '\\') {
      pushChar(cp);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '`': 96, '?': 63 };
    if (e !== undefined && e in simple) {
      out.push(simple[e]);
      i += 2;
    } else if (e === 'x' || e === 'X') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new CelSyntaxError('invalid escape sequence', offset + i);
      if (bytes) out.push(parseInt(hex, 16));
      else pushChar(parseInt(hex, 16));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (bytes || !new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new CelSyntaxError('invalid escape sequence', offset + i);
      pushChar(parseInt(hex, 16));
      i += 2 + n;
    } else if (e !== undefined && /[0-3]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new CelSyntaxError('invalid escape sequence', offset + i);
      if (bytes) out.push(parseInt(oct, 8));
      else pushChar(parseInt(oct, 8));
      i += 4;
    } else {
      throw new CelSyntaxError('invalid escape sequence', offset + i);
    }
  }
  return out;
}

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // string and bytes literals, with optional r/b prefixes
    const prefix = /^([rRbB]{0,2})(['"])/.exec(src.slice(i, i + 3));
    if (prefix && (prefix[1] === '' || /^(r|R|b|B|rb|rB|Rb|RB|br|bR|Br|BR)$/.test(prefix[1]))) {
      const flags = prefix[1].toLowerCase();
      const raw = flags.includes('r');
      const isBytes = flags.includes('b');
      i += prefix[1].length;
      const q = src[i];
      const triple = src.slice(i, i + 3) === q.repeat(3);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      const bodyStart = i;
      while (i < src.length && src.slice(i, i + delim.length) !== delim) {
        if (!raw && src[i] === '\\') i++;
        if (!triple && (src[i] === '\n' || src[i] === '\r')) throw new CelSyntaxError('unterminated string literal', start);
        i++;
      }
      if (i >= src.length) throw new CelSyntaxError('unterminated string literal', start);
      const body = src.slice(bodyStart, i);
      i += delim.length;
      if (isBytes) {
        const values = raw ? [...new TextEncoder().encode(body)] : decodeEscapes(body, bodyStart, true);
        tokens.push({ kind: 'bytes', text: src.slice(start, i), value: Uint8Array.from(values), offset: start });
      } else {
        const value = raw ? body : String.fromCodePoint(...decodeEscapes(body, bodyStart, false));
        tokens.push({ kind: 'string', text: src.slice(start, i), value, offset: start });
      }
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const hex = /^0[xX][0-9a-fA-F]+[uU]?/.exec(src.slice(i));
      if (hex) {
        i += hex[0].length;
        const isUint = /[uU]$/.test(hex[0]);
        const v = BigInt(hex[0].replace(/[uU]$/, ''));
        tokens.push({ kind: isUint ? 'uint' : 'int', text: hex[0], value: isUint ? { uint: v } : v, offset: start });
        continue;
      }
      const m = /^(\d*\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+\.\d*([eE][+-]?\d+)?)/.exec(src.slice(i));
      if (m && (m[0].includes('.') || /[eE]/.test(m[0]))) {
        // `1.` followed by an identifier is a member access on an int, not a double.
        const after = src[i + m[0].length] ?? '';
        if (m[0].endsWith('.') && /[_a-zA-Z]/.test(after)) {
          // fall through to the int case
        } else {
          i += m[0].length;
          tokens.push({ kind: 'double', text: m[0], value: Number(m[0]), offset: start });
          continue;
        }
      }
      const d = /^\d+[uU]?/.exec(src.slice(i))!;
      i += d[0].length;
      const isUint = /[uU]$/.test(d[0]);
      const v = BigInt(d[0].replace(/[uU]$/, ''));
      tokens.push({ kind: isUint ? 'uint' : 'int', text: d[0], value: isUint ? { uint: v } : v, offset: start });
      continue;
    }
    if (/[_a-zA-Z]/.test(ch)) {
      let j = i;
      while (j < src.length && /[_a-zA-Z0-9]/.test(src[j])) j++;
      const text = src.slice(i, j);
      i = j;
      if (reserved.has(text)) throw new CelSyntaxError(`reserved identifier: ${text}`, start);
      tokens.push({ kind: 'ident', text, offset: start });
      continue;
    }
    const p = puncts.find((x) => src.startsWith(x, i));
    if (!p) throw new CelSyntaxError(`Syntax error: token recognition error at: '${ch}'`, start);
    // `.?` is only optional selection when an identifier follows.
    if (p === '.?' && !/^\.\?\s*[_a-zA-Z]/.test(src.slice(i))) {
      tokens.push({ kind: 'punct', text: '.', offset: start });
      i += 1;
      continue;
    }
    tokens.push({ kind: 'punct', text: p, offset: start });
    i += p.length;
  }
  tokens.push({ kind: 'eof', text: '', offset: src.length });
  return tokens;
}

const relops = new Set(['==', '!=', '<', '<=', '>', '>=', 'in']);
const macroNames = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private is(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'punct' || (t.kind === 'ident' && text === 'in')) && t.text === text;
  }

  private accept(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    if (!this.accept(text)) {
      const t = this.peek();
      throw new CelSyntaxError(`Syntax error: mismatched input '${t.text || '<EOF>'}' expecting '${text}'`, t.offset);
    }
  }

  parse(): Node {
    const e = this.expr();
    const t = this.peek();
    if (t.kind !== 'eof') throw new CelSyntaxError(`Syntax error: extraneous input '${t.text}' expecting <EOF>`, t.offset);
    return e;
  }

  private expr(): Node {
    if (++this.depth > 250) throw new CelSyntaxError('expression recursion limit exceeded', this.peek().offset);
    try {
      const c = this.or();
      if (this.accept('?')) {
        const t = this.or();
        this.expect(':');
        const f = this.expr();
        return { k: 'cond', cond: c, then: t, else: f };
      }
      return c;
    } finally {
      this.depth--;
    }
  }

  private or(): Node {
    let l = this.and();
    while (this.accept('||')) l = { k: 'or', left: l, right: this.and() };
    return l;
  }

  private and(): Node {
    let l = this.relation();
    while (this.accept('&&')) l = { k: 'and', left: l, right: this.relation() };
    return l;
  }

  private relation(): Node {
    let l = this.addition();
    for (;;) {
      const t = this.peek();
      const op = (t.kind === 'punct' || t.kind === 'ident') && relops.has(t.text) ? t.text : undefined;
      if (!op) return l;
      this.pos++;
      l = { k: 'binary', op: op as BinaryOp, left: l, right: this.addition() };
    }
  }

  private addition(): Node {
    let l = this.multiplication();
    for (;;) {
      if (this.accept('+')) l = { k: 'binary', op: '+', left: l, right: this.multiplication() };
      else if (this.accept('-')) l = { k: 'binary', op: '-', left: l, right: this.multiplication() };
      else return l;
    }
  }

  private multiplication(): Node {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && (t.text === '*' || t.text === '/' || t.text === '%')) {
        this.pos++;
        l = { k: 'binary', op: t.text as BinaryOp, left: l, right: this.unary() };
      } else return l;
    }
  }

  private unary(): Node {
    if (this.accept('!')) return { k: 'not', operand: this.unary() };
    if (this.is('-')) {
      // A negative literal is one token's value, so -9223372036854775808 fits.
      const t = this.tokens[this.pos + 1];
      if (t && (t.kind === 'int' || t.kind === 'double') && !this.postfixFollows(this.pos + 2)) {
        this.pos += 2;
        return { k: 'lit', v: t.kind === 'int' ? -(t.value as bigint) : -(t.value as number) };
      }
      this.pos++;
      return { k: 'neg', operand: this.unary() };
    }
    return this.member();
  }

  private postfixFollows(at: number): boolean {
    const t = this.tokens[at];
    return t.kind === 'punct' && (t.text === '.' || t.text === '[' || t.text === '.?' || t.text === '[?');
  }

  private member(): Node {
    let n = this.primary();
    for (;;) {
      if (this.accept('.') || this.is('.?')) {
        const optional = this.accept('.?');
        const id = this.next();
        if (id.kind !== 'ident') throw new CelSyntaxError(`Syntax error: mismatched input '${id.text || '<EOF>'}' expecting IDENTIFIER`, id.offset);
        if (!optional && this.accept('(')) {
          const args = this.args(')');
          n = this.methodCall(n, id.text, args);
        } else {
          n = { k: 'select', operand: n, field: id.text, optional };
        }
      } else if (this.is('[') || this.is('[?')) {
        const optional = this.accept('[?');
        if (!optional) this.expect('[');
        const index = this.expr();
        this.expect(']');
        n = { k: 'index', operand: n, index, optional };
      } else {
        return n;
      }
    }
  }

  private methodCall(target: Node, name: string, args: Node[]): Node {
    if (macroNames.has(name) && args.length >= 2 && args[0].k === 'ident') {
      const expected = name === 'map' ? [2, 3] : [2];
      if (expected.includes(args.length)) {
        return { k: 'macro', name: name as 'all', target, iterVar: args[0].name, args: args.slice(1) };
      }
    }
    return { k: 'call', fn: name, target, args };
  }

  private args(close: string): Node[] {
    const out: Node[] = [];
    if (this.accept(close)) return out;
    do {
      if (this.is(close)) break;
      out.push(this.expr());
    } while (this.accept(','));
    this.expect(close);
    return out;
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'int':
      case 'uint':
      case 'double':
      case 'string':
      case 'bytes':
        return { k: 'lit', v: t.value! };
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return { k: 'lit', v: t.text === 'true' };
        if (t.text === 'null') return { k: 'lit', v: null };
        if (this.accept('(')) {
          const args = this.args(')');
          if (t.text === 'has') {
            const a = args[0];
            if (args.length !== 1 || a.k !== 'select' || a.optional) throw new CelSyntaxError('invalid argument to has() macro', t.offset);
            return { k: 'has', operand: a.operand, field: a.field };
          }
          return { k: 'call', fn: t.text, args };
        }
        return { k: 'ident', name: t.text };
      }
      case 'punct':
        if (t.text === '(') {
          const e = this.expr();
          this.expect(')');
          return e;
        }
        if (t.text === '[') {
          const elems: Node[] = [];
          const optionalIndexes: number[] = [];
          if (!this.accept(']')) {
            do {
              if (this.is(']')) break;
              if (this.accept('?')) optionalIndexes.push(elems.length);
              elems.push(this.expr());
            } while (this.accept(','));
            this.expect(']');
          }
          return { k: 'list', elems, optionalIndexes };
        }
        if (t.text === '{') {
          const entries: { key: Node; value: Node; optional: boolean }[] = [];
          if (!this.accept('}')) {
            do {
              if (this.is('}')) break;
              const optional = this.accept('?');
              const key = this.expr();
              this.expect(':');
              entries.push({ key, value: this.expr(), optional });
            } while (this.accept(','));
            this.expect('}');
          }
          return { k: 'map', entries };
        }
        if (t.text === '.') {
          // A leading dot names the root scope: `.self` is `self`.
          const id = this.next();
          if (id.kind === 'ident') return { k: 'ident', name: id.text };
        }
        throw new CelSyntaxError(`Syntax error: mismatched input '${t.text}' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}`, t.offset);
      default:
        throw new CelSyntaxError(`Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}`, t.offset);
    }
  }
}

/** Parses one CEL expression. */
export function parseCel(source: string): Node {
  return new Parser(lex(source)).parse();
}

/** Whether an expression reads `oldSelf` (a transition rule). */
export function usesIdentifier(n: Node, name: string): boolean {
  switch (n.k) {
    case 'ident':
      return n.name === name;
    case 'lit':
      return false;
    case 'select':
    case 'has':
    case 'not':
    case 'neg':
      return usesIdentifier(n.operand, name);
    case 'index':
      return usesIdentifier(n.operand, name) || usesIdentifier(n.index, name);
    case 'call':
      return (!!n.target && usesIdentifier(n.target, name)) || n.args.some((a) => usesIdentifier(a, name));
    case 'list':
      return n.elems.some((e) => usesIdentifier(e, name));
    case 'map':
      return n.entries.some((e) => usesIdentifier(e.key, name) || usesIdentifier(e.value, name));
    case 'cond':
      return usesIdentifier(n.cond, name) || usesIdentifier(n.then, name) || usesIdentifier(n.else, name);
    case 'and':
    case 'or':
    case 'binary':
      return usesIdentifier(n.left, name) || usesIdentifier(n.right, name);
    case 'macro':
      return usesIdentifier(n.target, name) || (n.iterVar !== name && n.args.some((a) => usesIdentifier(a, name)));
  }
}
