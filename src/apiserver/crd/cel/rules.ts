// x-kubernetes-validations: every rule of a CRD schema evaluated at each value it applies to,
// with `self` (and `oldSelf` for transition rules on update) bound as Kubernetes binds them, and
// failures reported exactly as the API server does: `spec: Invalid value: "object": <message>`
// or `failed rule: <rule>`, at the rule's fieldPath, with its reason. Rules on values that did
// not change are ratcheted (CRDValidationRatcheting), and transition rules only run where an
// old value correlates.

import type { StructuralSchema } from '../../../api/schema/structural.js';
import { field, type FieldError, fieldErrorMessage } from '../../../machinery/errors.js';
import { jsonDeepEqual } from '../go-format.js';
import { Interpreter } from './interpreter.js';
import { CelSyntaxError, parseCel, usesIdentifier, type Node } from './parser.js';
import { CelError, CelOptional, toCelValue, type Val } from './values.js';
import type { Value } from './functions.js';

type Rule = NonNullable<StructuralSchema['x-kubernetes-validations']>[number] & { optionalOldSelf?: boolean };

interface CompiledRule {
  rule: Rule;
  program?: Node;
  message?: Node;
  compileError?: string;
  usesOldSelf: boolean;
  fieldPath?: string;
}

const compiled = new WeakMap<Rule, CompiledRule>();

/** ValidFieldPath: a rule's `.a['b'].c` fieldPath as a field path relative to the rule's node. */
export function normalizeFieldPath(jsonPath: string, s: StructuralSchema): string | undefined {
  const tokens = jsonPath.match(/'(?:[^'\\]|\\.)*'|[.[\]]|[^.[\]]+/g) ?? [];
  let out = '';
  let node: StructuralSchema | undefined = s;
  const append = (name: string) => {
    if (!node) return false;
    if (node.properties) {
      out += out ? `.${name}` : name;
      node = node.properties[name];
      return !!node;
    }
    if (typeof node.additionalProperties === 'object') {
      out += `[${name}]`;
      node = node.additionalProperties;
      return true;
    }
    return false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '.') {
      if (!append(tokens[++i] ?? '')) return undefined;
    } else if (t === '[') {
      const q = tokens[++i] ?? '';
      if (!q.startsWith("'") || tokens[++i] !== ']') return undefined;
      if (!append(q.slice(1, -1).replace(/\\(.)/g, '$1'))) return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}

function compile(rule: Rule, s: StructuralSchema): CompiledRule {
  let c = compiled.get(rule);
  if (c) return c;
  c = { rule, usesOldSelf: false };
  try {
    c.program = parseCel(rule.rule);
    c.usesOldSelf = usesIdentifier(c.program, 'oldSelf');
  } catch (e) {
    c.compileError = e instanceof CelSyntaxError ? `ERROR: <input>:1:${e.offset + 1}: ${e.message}` : String(e);
  }
  if (rule.messageExpression) {
    try {
      c.message = parseCel(rule.messageExpression);
    } catch {
      c.message = undefined;
    }
  }
  if (rule.fieldPath) c.fieldPath = normalizeFieldPath(rule.fieldPath, s);
  compiled.set(rule, c);
  return c;
}

function hasRules(s: StructuralSchema | undefined, seen = new Set<StructuralSchema>()): boolean {
  if (!s || seen.has(s)) return false;
  seen.add(s);
  if (s['x-kubernetes-validations']?.length) return true;
  if (s.allOf?.some((x) => hasRules(x, seen))) return true;
  if (Object.values(s.properties ?? {}).some((p) => hasRules(p, seen))) return true;
  if (hasRules(s.items, seen)) return true;
  return typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties, seen);
}

const ruleText = (r: Rule) => (r.message ? r.message.trim() : r.rule.trim());

const at = (path: string) => path || '<nil>';

function errorForReason(path: string, type: string, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return field.forbidden(at(path), detail);
    case 'FieldValueRequired':
      return field.required(at(path), detail);
    case 'FieldValueDuplicate':
      return field.duplicate(at(path), type);
    default:
      return field.invalid(at(path), type, detail);
  }
}

export interface RuleOutcome {
  errors: FieldError[];
  /** Failures on unchanged values: reported as warnings, not errors. */
  warnings: string[];
}

export interface CelValidator {
  validate(obj: unknown, old: unknown | undefined): RuleOutcome;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class RuleRunner {
  private readonly interpreter = new Interpreter();
  readonly out: RuleOutcome = { errors: [], warnings: [] };

  walk(s: StructuralSchema, value: unknown, old: { value: unknown } | undefined, path: string, isResourceRoot: boolean, ancestorUnchanged: boolean): void {
    if (value === null || value === undefined || !hasRules(s)) return;
    const unchanged = old ? jsonDeepEqual(old.value, value) : ancestorUnchanged;
    const rules = [...(s['x-kubernetes-validations'] ?? []), ...(s.allOf ?? []).flatMap((a) => a['x-kubernetes-validations'] ?? [])] as Rule[];
    if (rules.length) this.evaluate(s, rules, value, old, path, isResourceRoot, unchanged);
    const childAncestor = old ? unchanged : ancestorUnchanged;
    if (Array.isArray(value)) {
      const items = s.items;
      if (!items) return;
      const keys = s['x-kubernetes-list-type'] === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : [];
      const oldItems = old && Array.isArray(old.value) && keys.length ? old.value : undefined;
      value.forEach((item, i) => {
        let oldItem: { value: unknown } | undefined;
        if (oldItems && isPlainObject(item)) {
          const match = oldItems.find((o) => isPlainObject(o) && keys.every((k) => jsonDeepEqual(o[k], item[k])));
          if (match !== undefined) oldItem = { value: match };
        }
        this.walk(items, item, oldItem, `${path}[${i}]`, !!items['x-kubernetes-embedded-resource'], childAncestor);
      });
      return;
    }
    if (!isPlainObject(value)) return;
    const correlatable = s['x-kubernetes-map-type'] !== 'atomic';
    const oldObj = old && correlatable && isPlainObject(old.value) ? old.value : undefined;
    const oldOf = (k: string) => (oldObj && Object.hasOwn(oldObj, k) ? { value: oldObj[k] } : undefined);
    for (const [k, v] of Object.entries(value)) {
      const prop = s.properties?.[k];
      if (prop) this.walk(prop, v, oldOf(k), path ? `${path}.${k}` : k, !!prop['x-kubernetes-embedded-resource'], childAncestor);
      else if (typeof s.additionalProperties === 'object') {
        const ap = s.additionalProperties;
        this.walk(ap, v, oldOf(k), `${path}[${k}]`, !!ap['x-kubernetes-embedded-resource'], childAncestor);
      }
    }
  }

  private evaluate(s: StructuralSchema, rules: Rule[], value: unknown, old: { value: unknown } | undefined, path: string, isResourceRoot: boolean, unchanged: boolean): void {
    const type = s.type ?? '';
    let self: Val | undefined;
    let oldSelf: Val | undefined;
    for (const rule of rules) {
      const c = compile(rule, s);
      if (c.compileError || !c.program) {
        this.out.errors.push(field.invalid(at(path), type, `rule compile error: ${c.compileError}`));
        continue;
      }
      const optionalOldSelf = rule.optionalOldSelf === true;
      if (c.usesOldSelf && !old && !optionalOldSelf) continue;
      self ??= toCelValue(value, s, isResourceRoot);
      const env = new Map<string, Value>([['self', self]]);
      if (c.usesOldSelf || optionalOldSelf) {
        if (old) oldSelf ??= toCelValue(old.value, s, isResourceRoot);
        if (optionalOldSelf) env.set('oldSelf', old ? new CelOptional(true, oldSelf!) : CelOptional.none);
        else env.set('oldSelf', oldSelf!);
      }
      let result: Value;
      try {
        result = this.interpreter.eval(c.program, env);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const detail =
          msg === 'no such overload'
            ? `'${msg}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(rule)}`
            : `${msg} evaluating rule: ${ruleText(rule)}`;
        this.out.errors.push(field.invalid(at(path), type, detail));
        continue;
      }
      if (result === true) continue;
      const target = c.fieldPath ? (path ? `${path}.${c.fieldPath}` : c.fieldPath) : path;
      let detail = rule.message ? rule.message.trim() : `failed rule: ${ruleText(rule)}`;
      if (c.message) {
        try {
          const m = this.interpreter.eval(c.message, env);
          if (typeof m === 'string' && m.trim() !== '' && !/\n/.test(m.trim())) detail = m.trim();
        } catch (e) {
          if (!(e instanceof CelError)) throw e;
        }
      }
      const err = errorForReason(target, type, detail, rule.reason);
      if (!c.usesOldSelf && unchanged) this.out.warnings.push(fieldErrorMessage(err));
      else this.out.errors.push(err);
    }
  }
}

/** The rule validator of a schema, or undefined when it has no x-kubernetes-validations. */
export function celValidatorFor(schema: StructuralSchema): CelValidator | undefined {
  if (!hasRules(schema)) return undefined;
  return {
    validate(obj, old) {
      const runner = new RuleRunner();
      runner.walk(schema, obj, old === undefined ? undefined : { value: old }, '', true, false);
      return runner.out;
    },
  };
}

/** Compile-time problems of every rule in a schema (for reporting on the CRD itself). */
export function ruleCompileErrors(schema: StructuralSchema): string[] {
  const out: string[] = [];
  const visit = (s: StructuralSchema | undefined, seen: Set<StructuralSchema>) => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    for (const r of (s['x-kubernetes-validations'] ?? []) as Rule[]) {
      const c = compile(r, s);
      if (c.compileError) out.push(c.compileError);
    }
    for (const p of Object.values(s.properties ?? {})) visit(p, seen);
    visit(s.items, seen);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, seen);
    for (const a of s.allOf ?? []) visit(a, seen);
  };
  visit(schema, new Set());
  return out;
}
