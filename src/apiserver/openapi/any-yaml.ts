// The YAML text gnostic keeps for an arbitrary value (a vendor extension such as
// x-kubernetes-group-version-kind, a default, an enum member): block style, four-space
// indents, no line folding, double quotes where a string cannot be plain, as Go's yaml.v3
// writes it. Readers (kubectl's OpenAPI models) parse it with yaml.v2, a YAML 1.1 parser, so
// strings that YAML 1.1 would read as something else ("on", "yes", "0777") are quoted, as
// yaml.v3 quotes them for the same reason.

import { stringify } from 'yaml';

const options = { version: '1.1', lineWidth: 0, indent: 4, singleQuote: false } as const;

/** The YAML text of one value. */
export function anyYaml(value: unknown): string {
  return stringify(value, options);
}

/**
 * anyYaml with memory: a document repeats the same few extension values thousands of times
 * (every patch strategy, every operation's GVK), so each distinct value is written once.
 */
export function memoizedAnyYaml(): (value: unknown) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const key = typeof value === 'string' ? `s${value}` : `j${JSON.stringify(value)}`;
    let text = seen.get(key);
    if (text === undefined) {
      text = anyYaml(value);
      seen.set(key, text);
    }
    return text;
  };
}
