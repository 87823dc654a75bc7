// Label selectors: the string form that `kubectl get -l` sends, and the LabelSelector
// struct that Deployments, ReplicaSets and Services carry. Both become one Selector.

import { badRequest } from './errors.js';

export type Labels = Record<string, string>;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** A parsed selector: every requirement must hold. An empty selector matches everything. */
export class Selector {
  constructor(readonly requirements: readonly Requirement[]) {}

  static everything(): Selector {
    return new Selector([]);
  }

  /** A selector that matches nothing (a nil LabelSelector in Kubernetes' terms). */
  static nothing(): Selector {
    const s = new Selector([]);
    s.matchesNothing = true;
    return s;
  }

  private matchesNothing = false;

  isEmpty(): boolean {
    return this.requirements.length === 0 && !this.matchesNothing;
  }

  matches(labels: Labels | undefined): boolean {
    if (this.matchesNothing) return false;
    const l = labels ?? {};
    for (const r of this.requirements) {
      if (!requirementMatches(r, l)) return false;
    }
    return true;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'Equals':
    case 'In':
      return has && r.values.includes(value!);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'In':
      return `${r.key} in (${[...r.values].sort().join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...r.values].sort().join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
  }
}

// --- the string grammar of k8s.io/apimachinery/pkg/labels (selector.go) ---

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): void {
  if (!keyPattern.test(key) || key.length > 316) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
  void selector;
}

function checkValue(value: string): void {
  if (value.length > 63 || !valuePattern.test(value)) {
    throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  }
}

type Token =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | 'in' | 'notin' | '!' | '>' | '<' }
  | { t: '(' }
  | { t: ')' }
  | { t: ',' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: c } as Token);
      i++;
      continue;
    }
    if (c === '!' && input[i + 1] === '=') {
      tokens.push({ t: 'op', v: '!=' });
      i += 2;
      continue;
    }
    if (c === '=' && input[i + 1] === '=') {
      tokens.push({ t: 'op', v: '==' });
      i += 2;
      continue;
    }
    if (c === '=' || c === '!' || c === '>' || c === '<') {
      tokens.push({ t: 'op', v: c });
      i++;
      continue;
    }
    let j = i;
    while (j < input.length && !' \t\n\r(),!=<>'.includes(input[j])) j++;
    const word = input.slice(i, j);
    tokens.push({ t: 'id', v: word });
    i = j;
  }
  return tokens;
}

/** Parses `app=web,tier in (a,b),!canary`. Throws a 400 StatusError on bad input. */
export function parseSelector(input: string | undefined | null): Selector {
  if (input === undefined || input === null || input.trim() === '') return Selector.everything();
  const tokens = tokenize(input);
  const reqs: Requirement[] = [];
  let p = 0;
  const fail = (msg: string): never => {
    throw badRequest(`unable to parse requirement: ${msg}`);
  };
  const peek = () => tokens[p];
  while (p < tokens.length) {
    let tok = tokens[p++];
    if (tok.t === 'op' && tok.v === '!') {
      const key = tokens[p++];
      if (!key || key.t !== 'id') fail(`found '${key ? tokenText(key) : ''}', expected: identifier after '!'`);
      checkKey((key as { v: string }).v, input);
      reqs.push({ key: (key as { v: string }).v, operator: 'DoesNotExist', values: [] });
    } else if (tok.t === 'id') {
      const key = tok.v;
      checkKey(key, input);
      const next = peek();
      if (!next || next.t === ',') {
        reqs.push({ key, operator: 'Exists', values: [] });
      } else if (next.t === 'op' || (next.t === 'id' && (next.v === 'in' || next.v === 'notin'))) {
        p++;
        const op = next.t === 'op' ? next.v : next.v;
        if (op === 'in' || op === 'notin') {
          const open = tokens[p++];
          if (!open || open.t !== '(') fail(`found '${open ? tokenText(open) : ''}', expected: '('`);
          const values: string[] = [];
          for (;;) {
            const v = tokens[p++];
            if (!v) fail(`found '', expected: ')'`);
            if (v.t === ')') break;
            if (v.t === ',') {
              if (values.length === 0 || tokens[p - 2]?.t === ',') values.push('');
              continue;
            }
            if (v.t !== 'id') fail(`found '${tokenText(v)}', expected: ',', ')' or identifier`);
            values.push((v as { v: string }).v);
          }
          values.forEach(checkValue);
          reqs.push({ key, operator: op === 'in' ? 'In' : 'NotIn', values });
        } else if (op === '=' || op === '==' || op === '!=') {
          const v = peek();
          let value = '';
          if (v && v.t === 'id') {
            value = v.v;
            p++;
          }
          checkValue(value);
          reqs.push({ key, operator: op === '!=' ? 'NotEquals' : 'Equals', values: [value] });
        } else if (op === '>' || op === '<') {
          const v = tokens[p++];
          if (!v || v.t !== 'id' || !/^-?\d+$/.test(v.v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
          reqs.push({ key, operator: op === '>' ? 'Gt' : 'Lt', values: [(v as { v: string }).v] });
        } else {
          fail(`found '${op}', expected: '=', '!=', '==', 'in', notin'`);
        }
      } else {
        fail(`found '${tokenText(next)}', expected: '=', '!=', '==', 'in', notin'`);
      }
    } else {
      fail(`found '${tokenText(tok)}', expected: !, identifier, or 'end of string'`);
    }
    tok = tokens[p];
    if (tok === undefined) break;
    if (tok.t !== ',') fail(`found '${tokenText(tok)}', expected: ',' or 'end of string'`);
    p++;
    if (p >= tokens.length) fail(`found '', expected: identifier after ','`);
  }
  return new Selector(reqs);
}

function tokenText(t: Token): string {
  return t.t === 'id' || t.t === 'op' ? t.v : t.t;
}

/** The LabelSelector struct of metav1, as Deployments and ReplicaSets carry it. */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * metav1.LabelSelectorAsSelector: a nil selector matches nothing, an empty one everything.
 * Throws a 400 on an unknown operator (validation catches these earlier for stored objects).
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return Selector.nothing();
  const reqs: Requirement[] = [];
  for (const key of Object.keys(ls.matchLabels ?? {})) {
    reqs.push({ key, operator: 'Equals', values: [ls.matchLabels![key]] });
  }
  for (const expr of ls.matchExpressions ?? []) {
    const op = expr.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      throw badRequest(`"${op}" is not a valid label selector operator`);
    }
    const values = [...(expr.values ?? [])];
    if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      throw badRequest(`values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`);
    }
    reqs.push({ key: expr.key, operator: op, values });
  }
  // Go sorts the requirements by key, so the string form is stable.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Selector(reqs);
}

/** A Service's or ReplicationController's `selector` map: empty matches nothing for services. */
export function selectorFromMap(map: Labels | undefined): Selector {
  return new Selector(
    Object.keys(map ?? {})
      .sort()
      .map((key) => ({ key, operator: 'Equals' as const, values: [map![key]] })),
  );
}

/** Renders a LabelSelector the way `kubectl describe` and status.selector show it. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  if (!ls) return '<none>';
  const s = selectorFromLabelSelector(ls).toString();
  return s === '' ? '<none>' : s;
}
