// Field selectors (`--field-selector status.phase=Running,spec.nodeName!=n1`): only = == and
// != on the fields each kind declares selectable. Values may escape `\,` `\=` and `\\`.

import { badRequest } from './errors.js';

export interface FieldRequirement {
  field: string;
  operator: 'Equals' | 'NotEquals';
  value: string;
}

export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matches(fields: Record<string, string>): boolean {
    for (const r of this.requirements) {
      const v = fields[r.field] ?? '';
      if (r.operator === 'Equals' ? v !== r.value : v === r.value) return false;
    }
    return true;
  }

  /** The value this selector pins a field to, e.g. metadata.name for a single-object watch. */
  exactValue(fieldName: string): string | undefined {
    return this.requirements.find((r) => r.field === fieldName && r.operator === 'Equals')?.value;
  }

  toString(): string {
    return this.requirements
      .map((r) => `${r.field}${r.operator === 'Equals' ? '=' : '!='}${r.value.replace(/([\\,=])/g, '\\$1')}`)
      .join(',');
  }
}

function splitUnescaped(input: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      cur += c + input[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescape(value: string, whole: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw badRequest(`invalid field selector: invalid escape sequence: ${whole}`);
    }
    if (c === ',' || c === '=') throw badRequest(`invalid field selector: unescaped ${c}: ${whole}`);
    out += c;
  }
  return out;
}

/** Parses a field selector; throws 400 in the wording of fields.ParseSelector. */
export function parseFieldSelector(input: string | undefined | null): FieldSelector {
  if (!input || input.trim() === '') return new FieldSelector([]);
  const reqs: FieldRequirement[] = [];
  for (const part of splitUnescaped(input, ',')) {
    if (part === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([^=!]*)!=(.*)$/s))) {
      reqs.push({ field: m[1].trim(), operator: 'NotEquals', value: unescape(m[2], input) });
    } else if ((m = part.match(/^([^=!]*)==(.*)$/s))) {
      reqs.push({ field: m[1].trim(), operator: 'Equals', value: unescape(m[2], input) });
    } else if ((m = part.match(/^([^=!]*)=(.*)$/s))) {
      reqs.push({ field: m[1].trim(), operator: 'Equals', value: unescape(m[2], input) });
    } else {
      throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    }
  }
  return new FieldSelector(reqs);
}
