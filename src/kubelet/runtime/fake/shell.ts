// A small POSIX-sh subset, so the fake runtime runs the same commands tests give busybox
// containers: `sh -c 'echo hi; sleep 2; exit 3'`, `while true; do …; done`, `trap 'exit 0' TERM`,
// redirections, `$VAR`, `$(cmd)`, `$((i+1))`, `test`/`[`, and a handful of busybox applets
// (echo, printf, cat, sleep, touch, mkdir, rm, date, hostname, env, httpd, nc, tail /dev/zero).
// Time, files and sockets come from a ShellHost: the fake runtime's clock, the container's
// mounts and its pod's in-memory network.

import type { Duplex } from 'node:stream';

export interface ShellHost {
  now(): number;
  /** Waits on the runtime's clock; rejects with ProcessGone once the process has ended. */
  sleep(ms: number): Promise<void>;
  readFile(path: string): Buffer | undefined;
  writeFile(path: string, data: string, append: boolean): void;
  stat(path: string): 'file' | 'dir' | undefined;
  mkdir(path: string): void;
  remove(path: string): void;
  /** Serves connections to the pod's `port`; returns a function that stops listening. */
  listen(port: number, onConnection: (conn: Duplex) => void): () => void;
  /** The next chunk of stdin, or null at its end. */
  readStdin(): Promise<string | null>;
  setTrap(signal: string, action: string | undefined): void;
  /** The memory limit: `tail /dev/zero` is killed by the OOM killer when there is one. */
  oom(): never | Promise<never>;
  hostname: string;
}

/** `exit N` (or the end of the script) unwinds the interpreter with this. */
export class ShellExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Thrown from host calls once the process was killed: nothing more may run. */
export class ProcessGone extends Error {
  constructor() {
    super('process gone');
  }
}

// ---- tokens ----

type Segment = { text: string; quote: 'none' | 'single' | 'double' } | { subst: string; quote: 'none' | 'double' };

interface WordToken {
  t: 'word';
  segs: Segment[];
  /** Started right after the previous token (no blank), for `2>` detection. */
  adjacent: boolean;
}
interface OpToken {
  t: 'op';
  v: string;
  adjacent: boolean;
}
type Token = WordToken | OpToken;

const ops = ['&&', '||', ';;', '>>', '>&', '<<', ';', '&', '|', '>', '<', '(', ')', '\n'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let adjacent = false;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      adjacent = false;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#' && !adjacent) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op, adjacent });
      i += op.length;
      adjacent = op !== '\n';
      continue;
    }
    const segs: Segment[] = [];
    let plain = '';
    const flush = () => {
      if (plain) segs.push({ text: plain, quote: 'none' });
      plain = '';
    };
    while (i < src.length) {
      const ch = src[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '&' || ch === '|' || ch === '>' || ch === '<' || ch === '(' || ch === ')') break;
      if (ch === '\\') {
        plain += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === "'") {
        flush();
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new Error('unterminated quoted string');
        segs.push({ text: src.slice(i + 1, end), quote: 'single' });
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        flush();
        i++;
        let text = '';
        while (i < src.length && src[i] !== '"') {
          if (src[i] === '\\' && '"\\$`'.includes(src[i + 1] ?? '')) {
            text += src[i + 1];
            i += 2;
          } else if (src[i] === '$' && src[i + 1] === '(' && src[i + 2] !== '(') {
            if (text) segs.push({ text, quote: 'double' });
            text = '';
            const [inner, next] = balanced(src, i + 1);
            segs.push({ subst: inner, quote: 'double' });
            i = next;
          } else text += src[i++];
        }
        if (src[i] !== '"') throw new Error('unterminated quoted string');
        i++;
        segs.push({ text, quote: 'double' });
        continue;
      }
      if (ch === '$' && src[i + 1] === '(') {
        if (src[i + 2] === '(') {
          // $((arithmetic)): kept as text, expanded later.
          const end = src.indexOf('))', i);
          if (end < 0) throw new Error('unterminated arithmetic');
          plain += src.slice(i, end + 2);
          i = end + 2;
          continue;
        }
        flush();
        const [inner, next] = balanced(src, i + 1);
        segs.push({ subst: inner, quote: 'none' });
        i = next;
        continue;
      }
      plain += ch;
      i++;
    }
    flush();
    out.push({ t: 'word', segs, adjacent });
    adjacent = true;
  }
  return out;
}

/** The text inside the parentheses starting at `open`, and the index after the closing one. */
function balanced(src: string, open: number): [string, number] {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')') {
      depth--;
      if (depth === 0) return [src.slice(open + 1, i), i + 1];
    }
  }
  throw new Error('unterminated command substitution');
}

// ---- syntax ----

interface Redirect {
  fd: number;
  kind: '>' | '>>' | '>&' | '<';
  target: WordToken;
}
type Node =
  | { k: 'simple'; assigns: [string, WordToken][]; words: WordToken[]; redirects: Redirect[] }
  | { k: 'list'; items: { node: Node; background: boolean }[] }
  | { k: 'andor'; first: Node; rest: { op: '&&' | '||'; node: Node }[] }
  | { k: 'pipe'; commands: Node[] }
  | { k: 'while'; until: boolean; cond: Node; body: Node }
  | { k: 'for'; name: string; words: WordToken[] | undefined; body: Node }
  | { k: 'if'; branches: { cond: Node; body: Node }[]; otherwise?: Node }
  | { k: 'group'; body: Node; subshell: boolean };

const reserved = new Set(['while', 'until', 'for', 'if', 'then', 'elif', 'else', 'fi', 'do', 'done', '{', '}', 'in']);

function literal(w: Token | undefined): string | undefined {
  if (!w || w.t !== 'word' || w.segs.length !== 1) return undefined;
  const s = w.segs[0];
  return 'text' in s && s.quote === 'none' ? s.text : undefined;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseProgram(): Node {
    const list = this.list([]);
    if (this.i < this.tokens.length) throw new Error(`syntax error near unexpected token '${this.show(this.tokens[this.i])}'`);
    return list;
  }

  private show(t: Token): string {
    return t.t === 'op' ? t.v : literal(t) ?? 'word';
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.v === v;
  }

  private isWord(v: string): boolean {
    return literal(this.peek()) === v;
  }

  private skipNewlines(): void {
    while (this.isOp('\n') || this.isOp(';')) this.i++;
  }

  private expectWord(v: string): void {
    this.skipNewlines();
    if (!this.isWord(v)) throw new Error(`syntax error: expected '${v}'`);
    this.i++;
  }

  private list(terminators: string[]): Node {
    const items: { node: Node; background: boolean }[] = [];
    for (;;) {
      while (this.isOp('\n') || this.isOp(';')) this.i++;
      const t = this.peek();
      if (!t) break;
      if (t.t === 'op' && t.v === ')') break;
      if (terminators.includes(literal(t) ?? '\u0000')) break;
      const node = this.andOr();
      let background = false;
      if (this.isOp('&')) {
        this.i++;
        background = true;
      }
      items.push({ node, background });
    }
    return { k: 'list', items };
  }

  private andOr(): Node {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.tokens[this.i++] as OpToken).v as '&&' | '||';
      while (this.isOp('\n')) this.i++;
      rest.push({ op, node: this.pipeline() });
    }
    return rest.length ? { k: 'andor', first, rest } : first;
  }

  private pipeline(): Node {
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.i++;
      while (this.isOp('\n')) this.i++;
      commands.push(this.command());
    }
    return commands.length > 1 ? { k: 'pipe', commands } : commands[0];
  }

  private command(): Node {
    const word = literal(this.peek());
    if (word === 'while' || word === 'until') {
      this.i++;
      const cond = this.list(['do']);
      this.expectWord('do');
      const body = this.list(['done']);
      this.expectWord('done');
      return { k: 'while', until: word === 'until', cond, body };
    }
    if (word === 'for') {
      this.i++;
      const name = literal(this.tokens[this.i++]);
      if (!name) throw new Error('syntax error: bad for loop variable');
      let words: WordToken[] | undefined;
      while (this.isOp('\n')) this.i++;
      if (this.isWord('in')) {
        this.i++;
        words = [];
        while (this.peek()?.t === 'word') words.push(this.tokens[this.i++] as WordToken);
      }
      this.expectWord('do');
      const body = this.list(['done']);
      this.expectWord('done');
      return { k: 'for', name, words, body };
    }
    if (word === 'if') {
      this.i++;
      const branches: { cond: Node; body: Node }[] = [];
      let otherwise: Node | undefined;
      const cond = this.list(['then']);
      this.expectWord('then');
      branches.push({ cond, body: this.list(['elif', 'else', 'fi']) });
      for (;;) {
        this.skipNewlines();
        if (this.isWord('elif')) {
          this.i++;
          const c = this.list(['then']);
          this.expectWord('then');
          branches.push({ cond: c, body: this.list(['elif', 'else', 'fi']) });
        } else if (this.isWord('else')) {
          this.i++;
          otherwise = this.list(['fi']);
        } else break;
      }
      this.expectWord('fi');
      return { k: 'if', branches, otherwise };
    }
    if (word === '{') {
      this.i++;
      const body = this.list(['}']);
      this.expectWord('}');
      return { k: 'group', body, subshell: false };
    }
    if (this.isOp('(')) {
      this.i++;
      const body = this.list([]);
      if (!this.isOp(')')) throw new Error("syntax error: expected ')'");
      this.i++;
      return { k: 'group', body, subshell: true };
    }
    return this.simple();
  }

  private simple(): Node {
    const assigns: [string, WordToken][] = [];
    const words: WordToken[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === 'op') {
        if (t.v === '>' || t.v === '>>' || t.v === '>&' || t.v === '<') {
          this.i++;
          // `2>` : the digits just before belong to the redirect.
          let fd = t.v === '<' ? 0 : 1;
          const prev = words[words.length - 1];
          const prevText = literal(prev);
          if (t.adjacent && prev && prevText !== undefined && /^\d$/.test(prevText)) {
            fd = Number(prevText);
            words.pop();
          }
          const target = this.tokens[this.i++];
          if (!target || target.t !== 'word') throw new Error('syntax error: redirection without a target');
          redirects.push({ fd, kind: t.v, target });
          continue;
        }
        break;
      }
      const text = literal(t);
      if (words.length === 0 && text !== undefined && reserved.has(text) && text !== '{' && text !== '}') break;
      if (words.length === 0 && (text === '}' || text === 'done' || text === 'fi' || text === 'then' || text === 'do' || text === 'else' || text === 'elif')) break;
      const first = t.segs[0];
      if (words.length === 0 && first && 'text' in first && first.quote === 'none' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) {
        const eq = first.text.indexOf('=');
        const name = first.text.slice(0, eq);
        const rest: Segment[] = [{ text: first.text.slice(eq + 1), quote: 'none' }, ...t.segs.slice(1)];
        assigns.push([name, { t: 'word', segs: rest, adjacent: false }]);
        this.i++;
        continue;
      }
      words.push(t);
      this.i++;
    }
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) {
      const t = this.peek();
      throw new Error(`syntax error near unexpected token '${t ? this.show(t) : 'end of file'}'`);
    }
    return { k: 'simple', assigns, words, redirects };
  }
}

export function parseScript(src: string): Node {
  return new Parser(tokenize(src)).parseProgram();
}

// ---- evaluation ----

type Writer = (text: string) => void;

interface Frame {
  vars: Map<string, string>;
  status: number;
  out: Writer;
  err: Writer;
  /** Input for this command: a buffered string (pipes, `<`), or the process's stdin. */
  input: { text: string } | undefined;
  background: Promise<unknown>[];
}

function arith(expr: string, vars: Map<string, string>): number {
  const src = expr.replace(/\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => String(Number(vars.get(name) ?? '0') || 0));
  if (!/^[\d\s+\-*/%()<>=!&|]*$/.test(src)) throw new Error(`arithmetic syntax error: ${expr}`);
  // Only digits and operators remain: evaluate with integer division.
  const value = Function(`"use strict"; return (${src.replace(/(\d+)\s*\/\s*(\d+)/g, 'Math.trunc($1/$2)')});`)() as number | boolean;
  return typeof value === 'boolean' ? (value ? 1 : 0) : Math.trunc(value);
}

export interface ShellOptions {
  host: ShellHost;
  env: Record<string, string>;
  stdout: Writer;
  stderr: Writer;
}

/** Runs a script or a plain command line (argv); resolves with its exit code. */
export class Shell {
  private readonly host: ShellHost;
  private readonly vars: Map<string, string>;
  private readonly traps = new Map<string, string>();

  constructor(private readonly opts: ShellOptions) {
    this.host = opts.host;
    this.vars = new Map(Object.entries(opts.env));
    if (!this.vars.has('HOSTNAME')) this.vars.set('HOSTNAME', opts.host.hostname);
    if (!this.vars.has('PATH')) this.vars.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  }

  /** The action a `trap` set for the signal, if any. */
  trapFor(signal: string): string | undefined {
    return this.traps.get(signal);
  }

  async runScript(src: string): Promise<number> {
    let node: Node;
    try {
      node = parseScript(src);
    } catch (e) {
      this.opts.stderr(`sh: ${(e as Error).message}\n`);
      return 2;
    }
    return this.top(node);
  }

  async runArgv(argv: string[]): Promise<number> {
    const frame = this.frame();
    try {
      return await this.runCommand(argv, frame);
    } catch (e) {
      if (e instanceof ShellExit) return e.code;
      throw e;
    }
  }

  /** Runs a trap's action in this shell (its variables); resolves with the exit code it asks for, if any. */
  async runTrap(action: string): Promise<number | undefined> {
    try {
      await this.eval(parseScript(action), this.frame());
      return undefined;
    } catch (e) {
      if (e instanceof ShellExit) return e.code;
      throw e;
    }
  }

  private frame(): Frame {
    return { vars: this.vars, status: 0, out: this.opts.stdout, err: this.opts.stderr, input: undefined, background: [] };
  }

  private async top(node: Node): Promise<number> {
    const frame = this.frame();
    try {
      const code = await this.eval(node, frame);
      await Promise.allSettled(frame.background);
      return code;
    } catch (e) {
      if (e instanceof ShellExit) return e.code;
      throw e;
    }
  }

  private async eval(node: Node, f: Frame): Promise<number> {
    switch (node.k) {
      case 'list': {
        let code = f.status;
        for (const item of node.items) {
          if (item.background) {
            const job = this.eval(item.node, { ...f, background: [] }).catch((e) => {
              if (!(e instanceof ShellExit) && !(e instanceof ProcessGone)) f.err(`sh: ${(e as Error).message}\n`);
            });
            f.background.push(job);
            code = 0;
          } else code = await this.eval(item.node, f);
          f.status = code;
        }
        return code;
      }
      case 'andor': {
        let code = await this.eval(node.first, f);
        for (const r of node.rest) {
          if ((r.op === '&&' && code === 0) || (r.op === '||' && code !== 0)) code = await this.eval(r.node, f);
        }
        return (f.status = code);
      }
      case 'pipe': {
        let input = f.input;
        let code = 0;
        for (let i = 0; i < node.commands.length; i++) {
          const last = i === node.commands.length - 1;
          let captured = '';
          const sub: Frame = { ...f, input, out: last ? f.out : (t) => (captured += t) };
          code = await this.eval(node.commands[i], sub);
          input = { text: captured };
        }
        return (f.status = code);
      }
      case 'while': {
        let code = 0;
        for (;;) {
          const c = await this.eval(node.cond, f);
          if (node.until ? c === 0 : c !== 0) break;
          code = await this.eval(node.body, f);
          // A loop with nothing that waits must still let timers and kills through.
          await new Promise((r) => setImmediate(r));
        }
        return (f.status = code);
      }
      case 'for': {
        const words = node.words ? (await Promise.all(node.words.map((w) => this.expandWord(w, f)))).flat() : [];
        let code = 0;
        for (const w of words) {
          f.vars.set(node.name, w);
          code = await this.eval(node.body, f);
        }
        return (f.status = code);
      }
      case 'if': {
        for (const b of node.branches) {
          if ((await this.eval(b.cond, f)) === 0) return (f.status = await this.eval(b.body, f));
        }
        return (f.status = node.otherwise ? await this.eval(node.otherwise, f) : 0);
      }
      case 'group':
        if (node.subshell) {
          const sub: Frame = { ...f, vars: new Map(f.vars) };
          try {
            return await this.eval(node.body, sub);
          } catch (e) {
            if (e instanceof ShellExit) return e.code;
            throw e;
          }
        }
        return this.eval(node.body, f);
      case 'simple':
        return (f.status = await this.simple(node, f));
    }
  }

  private async simple(node: Extract<Node, { k: 'simple' }>, f: Frame): Promise<number> {
    const argv: string[] = [];
    for (const w of node.words) argv.push(...(await this.expandWord(w, f)));
    const assigned: [string, string][] = [];
    for (const [name, w] of node.assigns) assigned.push([name, (await this.expandWord(w, f, false)).join('')]);
    if (argv.length === 0) {
      for (const [k, v] of assigned) f.vars.set(k, v);
      return 0;
    }
    const sub: Frame = { ...f };
    if (assigned.length) {
      sub.vars = new Map(f.vars);
      for (const [k, v] of assigned) sub.vars.set(k, v);
    }
    for (const r of node.redirects) {
      const target = (await this.expandWord(r.target, f, false)).join('');
      if (r.kind === '>&') {
        const to = target === '2' ? sub.err : target === '1' ? sub.out : undefined;
        if (!to) throw new Error(`bad file descriptor: ${target}`);
        if (r.fd === 2) sub.err = to;
        else sub.out = to;
        continue;
      }
      if (r.kind === '<') {
        const data = this.host.readFile(target);
        if (!data) {
          f.err(`sh: can't open '${target}': No such file or directory\n`);
          return 1;
        }
        sub.input = { text: data.toString() };
        continue;
      }
      const writer = this.fileWriter(target, r.kind === '>>');
      if (!writer) {
        f.err(`sh: can't create ${target}: nonexistent directory\n`);
        return 1;
      }
      if (r.fd === 2) sub.err = writer;
      else sub.out = writer;
    }
    return this.runCommand(argv, sub);
  }

  private fileWriter(path: string, append: boolean): Writer | undefined {
    if (path === '/dev/null') return () => {};
    if (path === '/dev/stdout') return this.opts.stdout;
    if (path === '/dev/stderr') return this.opts.stderr;
    try {
      this.host.writeFile(path, '', append);
    } catch {
      return undefined;
    }
    return (text) => this.host.writeFile(path, text, true);
  }

  private async expandWord(w: WordToken, f: Frame, split = true): Promise<string[]> {
    let text = '';
    let anyQuoted = false;
    for (const s of w.segs) {
      if ('subst' in s) {
        let captured = '';
        await this.eval(parseScript(s.subst), { ...f, vars: new Map(f.vars), out: (t) => (captured += t) }).catch((e) => {
          if (!(e instanceof ShellExit)) throw e;
        });
        text += captured.replace(/\n+$/, '');
        if (s.quote === 'double') anyQuoted = true;
        continue;
      }
      if (s.quote === 'single') {
        text += s.text;
        anyQuoted = true;
        continue;
      }
      if (s.quote === 'double') anyQuoted = true;
      text += this.expandVars(s.text, f);
    }
    if (!split || anyQuoted) return [text];
    const fields = text.split(/[ \t\n]+/).filter((x) => x !== '');
    return fields;
  }

  private expandVars(text: string, f: Frame): string {
    return text.replace(/\$\(\((.*?)\)\)|\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])/g, (_m, expr, braced, hasDefault, dflt, plain) => {
      if (expr !== undefined) return String(arith(expr, f.vars));
      const name = braced ?? plain;
      if (name === '?') return String(f.status);
      if (name === '$') return '1';
      if (name === '#') return '0';
      if (/^\d$/.test(name)) return name === '0' ? 'sh' : '';
      const v = f.vars.get(name);
      if ((v === undefined || v === '') && hasDefault !== undefined) return this.expandVars(dflt ?? '', f);
      return v ?? '';
    });
  }

  private async readAllInput(f: Frame): Promise<string> {
    if (f.input) return f.input.text;
    let all = '';
    for (let chunk = await this.host.readStdin(); chunk !== null; chunk = await this.host.readStdin()) all += chunk;
    return all;
  }

  private async runCommand(argv: string[], f: Frame): Promise<number> {
    const [cmd0, ...args] = argv;
    const cmd = cmd0.includes('/') ? cmd0.slice(cmd0.lastIndexOf('/') + 1) : cmd0;
    const h = this.host;
    switch (cmd) {
      case 'true':
      case ':':
        return 0;
      case 'false':
        return 1;
      case 'exit':
        throw new ShellExit(args.length ? Number(args[0]) & 0xff : f.status);
      case 'echo': {
        let newline = true;
        let rest = args;
        if (rest[0] === '-n') {
          newline = false;
          rest = rest.slice(1);
        } else if (rest[0] === '-e') rest = rest.slice(1);
        f.out(rest.join(' ') + (newline ? '\n' : ''));
        return 0;
      }
      case 'printf': {
        const fmt = (args[0] ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
        let k = 1;
        f.out(fmt.replace(/%[sd]/g, () => args[k++] ?? ''));
        return 0;
      }
      case 'sleep': {
        const spec = args[0] ?? '0';
        if (spec === 'infinity') {
          for (;;) await h.sleep(3_600_000);
        }
        const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(spec);
        if (!m) {
          f.err(`sleep: invalid number '${spec}'\n`);
          return 1;
        }
        const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
        await h.sleep(Number(m[1]) * unit);
        return 0;
      }
      case 'cat': {
        if (args.length === 0 || (args.length === 1 && args[0] === '-')) {
          if (f.input) {
            f.out(f.input.text);
            return 0;
          }
          for (let chunk = await h.readStdin(); chunk !== null; chunk = await h.readStdin()) f.out(chunk);
          return 0;
        }
        let code = 0;
        for (const p of args) {
          const data = h.readFile(p);
          if (data === undefined) {
            f.err(`cat: can't open '${p}': No such file or directory\n`);
            code = 1;
          } else f.out(data.toString());
        }
        return code;
      }
      case 'touch':
        for (const p of args) if (!h.stat(p)) h.writeFile(p, '', true);
        return 0;
      case 'mkdir':
        for (const p of args.filter((a) => !a.startsWith('-'))) h.mkdir(p);
        return 0;
      case 'rm':
        for (const p of args.filter((a) => !a.startsWith('-'))) h.remove(p);
        return 0;
      case 'date':
        f.out(`${new Date(h.now()).toUTCString()}\n`);
        return 0;
      case 'hostname':
        f.out(`${h.hostname}\n`);
        return 0;
      case 'env':
      case 'printenv': {
        if (cmd === 'printenv' && args.length) {
          const v = f.vars.get(args[0]);
          if (v === undefined) return 1;
          f.out(`${v}\n`);
          return 0;
        }
        f.out([...f.vars].map(([k, v]) => `${k}=${v}\n`).join(''));
        return 0;
      }
      case 'wait':
        await Promise.allSettled(f.background);
        return 0;
      case 'trap': {
        if (args.length < 2) return 0;
        const action = args[0];
        for (const sig of args.slice(1)) {
          const name = sig.replace(/^SIG/, '');
          const normalized = name === '15' ? 'TERM' : name === '2' ? 'INT' : name;
          if (action === '-' || action === '') {
            this.traps.delete(normalized);
            h.setTrap(normalized, undefined);
          } else {
            this.traps.set(normalized, action);
            h.setTrap(normalized, action);
          }
        }
        return 0;
      }
      case 'test':
      case '[': {
        const t = cmd === '[' ? args.slice(0, args[args.length - 1] === ']' ? -1 : args.length) : args;
        return testExpr(t, h) ? 0 : 1;
      }
      case 'tail': {
        const target = args.filter((a) => !a.startsWith('-') && !/^\d+$/.test(a)).pop();
        if (target === '/dev/zero') return h.oom();
        if (args.includes('-f') || target === '/dev/null') {
          for (;;) await h.sleep(3_600_000);
        }
        const data = target ? h.readFile(target) : Buffer.from(await this.readAllInput(f));
        if (data === undefined) {
          f.err(`tail: can't open '${target}': No such file or directory\n`);
          return 1;
        }
        f.out(data.toString().split('\n').slice(-11).join('\n'));
        return 0;
      }
      case 'httpd':
        return this.httpd(args, f);
      case 'nc':
        return this.nc(args, f);
      case 'wc': {
        const text = await this.readAllInput(f);
        f.out(`${args.includes('-l') ? text.split('\n').length - 1 : text.length}\n`);
        return 0;
      }
      case 'sh':
      case 'ash':
      case 'bash': {
        if (args[0] === '-c' && args[1] !== undefined) {
          const sub = new Shell({ ...this.opts, env: Object.fromEntries(f.vars), stdout: f.out, stderr: f.err });
          return sub.runScript(args[1]);
        }
        const script = args[0] ? h.readFile(args[0])?.toString() : await this.readAllInput(f);
        if (script === undefined) {
          f.err(`sh: can't open '${args[0]}': No such file or directory\n`);
          return 2;
        }
        const sub = new Shell({ ...this.opts, env: Object.fromEntries(f.vars), stdout: f.out, stderr: f.err });
        return sub.runScript(script);
      }
      default:
        f.err(`sh: ${cmd0}: not found\n`);
        return 127;
    }
  }

  /** busybox httpd: serves files from -h DIR (default /var/www); -f stays in the foreground. */
  private async httpd(args: string[], f: Frame): Promise<number> {
    let port = 80;
    let home = '/var/www';
    let foreground = false;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-p') port = Number(args[++i]);
      else if (args[i] === '-h') home = args[++i];
      else if (args[i] === '-f') foreground = true;
      else if (args[i].startsWith('-p')) port = Number(args[i].slice(2));
    }
    const h = this.host;
    h.listen(port, (conn) => {
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        conn.off('data', onData);
        const path = decodeURIComponent((head.split(' ')[1] ?? '/').split('?')[0]);
        const file = `${home.replace(/\/$/, '')}${path.endsWith('/') ? `${path}index.html` : path}`;
        const data = h.readFile(file);
        const status = data ? '200 OK' : '404 Not Found';
        const body = data ?? Buffer.from('<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n');
        conn.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
      };
      conn.on('data', onData);
      conn.on('error', () => {});
    });
    if (!foreground) return 0;
    for (;;) await h.sleep(3_600_000);
  }

  /** nc -l -p PORT [-k]: accepts connections, copying what arrives to stdout. */
  private async nc(args: string[], f: Frame): Promise<number> {
    if (!args.includes('-l') && !args.some((a) => /^-\w*l/.test(a))) {
      f.err('nc: only listening (-l) is supported here\n');
      return 1;
    }
    let port = 0;
    for (let i = 0; i < args.length; i++) if (args[i] === '-p') port = Number(args[++i]);
    if (!port) port = Number(args.find((a) => /^\d+$/.test(a)) ?? 0);
    const keep = args.some((a) => /^-\w*k/.test(a));
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const stop = this.host.listen(port, (conn) => {
      conn.on('data', (d: Buffer) => f.out(d.toString()));
      conn.on('error', () => {});
      conn.on('end', () => {
        conn.end();
        if (!keep) {
          stop();
          done();
        }
      });
    });
    for (;;) {
      const r = await Promise.race([finished.then(() => 'done'), this.host.sleep(3_600_000).then(() => 'tick')]);
      if (r === 'done') return 0;
    }
  }
}

function testExpr(t: string[], h: ShellHost): boolean {
  if (t.length === 0) return false;
  if (t[0] === '!') return !testExpr(t.slice(1), h);
  if (t.length === 1) return t[0] !== '';
  if (t.length === 2) {
    const [op, a] = t;
    switch (op) {
      case '-f':
        return h.stat(a) === 'file';
      case '-d':
        return h.stat(a) === 'dir';
      case '-e':
        return h.stat(a) !== undefined;
      case '-s':
        return (h.readFile(a)?.length ?? 0) > 0;
      case '-z':
        return a === '';
      case '-n':
        return a !== '';
      default:
        return false;
    }
  }
  const [a, op, b] = t;
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '-eq':
      return Number(a) === Number(b);
    case '-ne':
      return Number(a) !== Number(b);
    case '-gt':
      return Number(a) > Number(b);
    case '-ge':
      return Number(a) >= Number(b);
    case '-lt':
      return Number(a) < Number(b);
    case '-le':
      return Number(a) <= Number(b);
    default:
      return false;
  }
}
