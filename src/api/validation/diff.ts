// The diff appended to "spec is immutable" style errors. Upstream prints go-cmp's diff of the
// internal Go structs; we print the same shape (a "- old / + new" line per changed field,
// wrapped in the type name) over the JSON the user sent, which reads the same way.

import { isObject, semanticEqual } from './shape.js';

function render(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  return JSON.stringify(v);
}

function collect(oldV: unknown, newV: unknown, path: string, out: string[]): void {
  if (semanticEqual(oldV, newV)) return;
  if (isObject(oldV) && isObject(newV)) {
    const keys = [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort();
    for (const k of keys) collect(oldV[k], newV[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(oldV) && Array.isArray(newV) && oldV.length === newV.length) {
    oldV.forEach((v, i) => collect(v, newV[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`- \t${path}: ${render(oldV)},`);
  out.push(`+ \t${path}: ${render(newV)},`);
}

/** `  core.PodSpec{\n- \tcontainers[0].command: nil,\n+ \t...\n  }\n` */
export function specDiff(typeName: string, oldV: unknown, newV: unknown): string {
  const lines: string[] = [];
  collect(oldV, newV, '', lines);
  return `  ${typeName}{\n${lines.join('\n')}${lines.length ? '\n' : ''}  }\n`;
}
