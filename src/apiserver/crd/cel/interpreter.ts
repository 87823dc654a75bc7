// Evaluates parsed CEL expressions. Errors are values in CEL: `&&` and `||` absorb an error when
// the other side decides the result, and the comprehension macros do the same, so evaluation
// follows the specification's commutative logic rather than JavaScript's short circuit.

import { CelQuantity, callGlobal, callMethod, callNamespaced, type Value } from './functions.js';
import { celAdd, celCompare, celDivide, celEquals, celIn, celModulo, celMultiply, celNegate, celSubtract, noSuchOverload } from './operators.js';
import type { Node } from './parser.js';
import { CelError, CelList, CelMap, CelOptional, CelType, CelUint, unescapeFieldName, type Val } from './values.js';

export type Bindings = ReadonlyMap<string, Value>;

const typeIdentifiers = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);
const namespaces = new Set(['sets', 'optional', 'math', 'strings']);

function asBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  throw noSuchOverload();
}

/** Field selection on a map or object: `self.spec`, with escaped names unescaped. */
function select(operand: Value, fieldName: string): Value {
  if (operand instanceof CelMap) {
    if (operand.has(fieldName)) return operand.get(fieldName)!;
    const unescaped = unescapeFieldName(fieldName);
    if (unescaped !== fieldName && operand.has(unescaped)) return operand.get(unescaped)!;
    throw new CelError(`no such key: ${fieldName}`);
  }
  throw new CelError(`no such key: ${fieldName}`);
}

function hasField(operand: Value, fieldName: string): boolean {
  if (operand instanceof CelMap) {
    const v = operand.has(fieldName) ? operand.get(fieldName) : operand.get(unescapeFieldName(fieldName));
    return v !== undefined;
  }
  throw noSuchOverload();
}

function index(operand: Value, key: Value): Value {
  if (operand instanceof CelList) {
    let i: number;
    if (typeof key === 'bigint') i = Number(key);
    else if (key instanceof CelUint) i = Number(key.v);
    else if (typeof key === 'number' && Number.isInteger(key)) i = key;
    else throw noSuchOverload();
    if (i < 0 || i >= operand.items.length) throw new CelError(`index out of bounds: ${i}`);
    return operand.items[i];
  }
  if (operand instanceof CelMap) {
    const v = operand.get(key as Val);
    if (v === undefined) throw new CelError(`no such key: ${typeof key === 'string' ? key : String(key instanceof CelUint ? key.v : key)}`);
    return v;
  }
  throw noSuchOverload();
}

function hasIndex(operand: Value, key: Value): boolean {
  if (operand instanceof CelList) {
    const i = typeof key === 'bigint' ? Number(key) : NaN;
    return i >= 0 && i < operand.items.length;
  }
  if (operand instanceof CelMap) return operand.has(key as Val);
  throw noSuchOverload();
}

/** The elements a comprehension ranges over: list items, or map keys. */
function rangeOf(v: Value): Value[] {
  if (v instanceof CelList) return v.items;
  if (v instanceof CelMap) return v.keys();
  throw noSuchOverload();
}

export class Interpreter {
  eval(n: Node, env: Bindings): Value {
    switch (n.k) {
      case 'lit': {
        const v = n.v;
        if (v !== null && typeof v === 'object' && 'uint' in v) return new CelUint(v.uint);
        return v as Value;
      }
      case 'ident': {
        if (env.has(n.name)) return env.get(n.name)!;
        if (typeIdentifiers.has(n.name)) return new CelType(n.name === 'null_type' ? 'null_type' : n.name);
        throw new CelError(`undeclared reference to '${n.name}'`);
      }
      case 'select': {
        const operand = this.eval(n.operand, env);
        if (operand instanceof CelOptional) {
          if (!operand.present) return CelOptional.none;
          return this.optionalSelect(operand.value, n.field);
        }
        if (n.optional) return this.optionalSelect(operand as Val, n.field);
        return select(operand, n.field);
      }
      case 'has':
        return hasField(this.eval(n.operand, env), n.field);
      case 'index': {
        const operand = this.eval(n.operand, env);
        const key = this.eval(n.index, env);
        if (operand instanceof CelOptional) {
          if (!operand.present) return CelOptional.none;
          return hasIndex(operand.value, key) ? new CelOptional(true, index(operand.value, key) as Val) : CelOptional.none;
        }
        if (n.optional) return hasIndex(operand, key) ? new CelOptional(true, index(operand, key) as Val) : CelOptional.none;
        return index(operand, key);
      }
      case 'list': {
        const items: Val[] = [];
        n.elems.forEach((e, i) => {
          const v = this.eval(e, env);
          if (n.optionalIndexes.includes(i)) {
            if (!(v instanceof CelOptional)) throw noSuchOverload();
            if (v.present) items.push(v.value);
          } else items.push(v as Val);
        });
        return new CelList(items);
      }
      case 'map': {
        const m = new CelMap(false);
        for (const e of n.entries) {
          const k = this.eval(e.key, env) as Val;
          const v = this.eval(e.value, env);
          if (e.optional) {
            if (!(v instanceof CelOptional)) throw noSuchOverload();
            if (!v.present) continue;
            m.set(k, v.value);
            continue;
          }
          if (m.has(k)) throw new CelError(`Failed with repeated key: ${String(k)}`);
          m.set(k, v as Val);
        }
        return m;
      }
      case 'cond':
        return asBool(this.eval(n.cond, env)) ? this.eval(n.then, env) : this.eval(n.else, env);
      case 'and':
      case 'or':
        return this.logical(n.k, n.left, n.right, env);
      case 'not':
        return !asBool(this.eval(n.operand, env));
      case 'neg':
        return celNegate(this.eval(n.operand, env) as Val);
      case 'binary': {
        const l = this.eval(n.left, env);
        const r = this.eval(n.right, env);
        if (l instanceof CelQuantity || r instanceof CelQuantity) throw noSuchOverload();
        switch (n.op) {
          case '==':
            return celEquals(l, r);
          case '!=':
            return !celEquals(l, r);
          case '<':
            return celCompare(l, r) < 0;
          case '<=':
            return celCompare(l, r) <= 0;
          case '>':
            return celCompare(l, r) > 0;
          case '>=':
            return celCompare(l, r) >= 0;
          case 'in':
            return celIn(l, r);
          case '+':
            return celAdd(l, r);
          case '-':
            return celSubtract(l, r);
          case '*':
            return celMultiply(l, r);
          case '/':
            return celDivide(l, r);
          case '%':
            return celModulo(l, r);
        }
        break;
      }
      case 'call':
        return this.call(n, env);
      case 'macro':
        return this.macro(n, env);
    }
    throw new CelError('unsupported expression');
  }

  private optionalSelect(operand: Val, fieldName: string): CelOptional {
    if (operand instanceof CelMap) {
      const v = operand.has(fieldName) ? operand.get(fieldName) : operand.get(unescapeFieldName(fieldName));
      return v === undefined ? CelOptional.none : new CelOptional(true, v);
    }
    throw noSuchOverload();
  }

  private logical(op: 'and' | 'or', left: Node, right: Node, env: Bindings): boolean {
    const decisive = op === 'or';
    let leftErr: unknown;
    let l: Value | undefined;
    try {
      l = this.eval(left, env);
      if (l === decisive) return decisive;
    } catch (e) {
      leftErr = e;
    }
    const r = this.eval(right, env);
    if (r === decisive) return decisive;
    if (leftErr) throw leftErr;
    if (typeof l !== 'boolean' || typeof r !== 'boolean') throw noSuchOverload();
    return !decisive;
  }

  private call(n: Extract<Node, { k: 'call' }>, env: Bindings): Value {
    if (n.target && n.target.k === 'ident' && namespaces.has(n.target.name) && !env.has(n.target.name)) {
      const args = n.args.map((a) => this.eval(a, env));
      const out = callNamespaced(n.target.name, n.fn, args);
      if (out === undefined) throw new CelError(`undeclared reference to '${n.target.name}.${n.fn}'`);
      return out;
    }
    if (n.target) {
      const target = this.eval(n.target, env);
      const args = n.args.map((a) => this.eval(a, env));
      const out = callMethod(n.fn, target, args);
      if (out === undefined) throw noSuchOverload();
      return out;
    }
    const args = n.args.map((a) => this.eval(a, env));
    const out = callGlobal(n.fn, args);
    if (out === undefined) throw new CelError(`undeclared reference to '${n.fn}'`);
    return out;
  }

  private macro(n: Extract<Node, { k: 'macro' }>, env: Bindings): Value {
    const items = rangeOf(this.eval(n.target, env));
    const scope = new Map(env);
    const with1 = (x: Value, body: Node) => {
      scope.set(n.iterVar, x);
      return this.eval(body, scope);
    };
    switch (n.name) {
      case 'all':
      case 'exists': {
        const decisive = n.name === 'exists';
        let err: unknown;
        for (const x of items) {
          try {
            const v = with1(x, n.args[0]);
            if (typeof v !== 'boolean') throw noSuchOverload();
            if (v === decisive) return decisive;
          } catch (e) {
            err ??= e;
          }
        }
        if (err) throw err;
        return !decisive;
      }
      case 'exists_one': {
        let count = 0;
        for (const x of items) if (asBool(with1(x, n.args[0]))) count++;
        return count === 1;
      }
      case 'filter':
        return new CelList(items.filter((x) => asBool(with1(x, n.args[0]))) as Val[]);
      case 'map': {
        if (n.args.length === 2) {
          return new CelList(items.filter((x) => asBool(with1(x, n.args[0]))).map((x) => with1(x, n.args[1]) as Val));
        }
        return new CelList(items.map((x) => with1(x, n.args[0]) as Val));
      }
    }
  }
}
