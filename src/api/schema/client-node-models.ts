// Reads the generated models of @kubernetes/client-node: each model's fields with their
// TypeScript type and OpenAPI format (attributeTypeMap in models/X.js) and the doc comments of
// its declaration file (models/X.d.ts), which carry the Kubernetes descriptions and, through
// `'field'?:` versus `'field':`, which fields are required. The built-in schemas are derived
// from this at run time, one model at a time, so only the kinds a request touches are read.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ModelAttribute {
  /** The JSON field name. */
  name: string;
  /** The generator's TypeScript type: string, number, boolean, Date, IntOrString, any,
   *  Array<T>, `{ [key: string]: T; }` or another model's name. */
  type: string;
  /** OpenAPI format: int32, int64, double, byte, date-time, date-time-micro, int-or-string or ''. */
  format: string;
  description?: string;
  required: boolean;
}

export interface ModelInfo {
  name: string;
  description?: string;
  attributes: ModelAttribute[];
}

let modelsDir: string | undefined;

function modelsDirectory(): string {
  if (!modelsDir) {
    const require = createRequire(import.meta.url);
    modelsDir = join(dirname(require.resolve('@kubernetes/client-node')), 'gen', 'models');
  }
  return modelsDir;
}

const cache = new Map<string, ModelInfo | null>();

/** The model of that generated class name (V1PodSpec, CoreV1Event), or undefined. */
export function readModel(name: string): ModelInfo | undefined {
  let info = cache.get(name);
  if (info === undefined) {
    info = loadModel(name);
    cache.set(name, info);
  }
  return info ?? undefined;
}

/** Whether the dependency has a model of that name. */
export function hasModel(name: string): boolean {
  return readModel(name) !== undefined;
}

function loadModel(name: string): ModelInfo | null {
  if (!/^[A-Za-z0-9]+$/.test(name)) return null;
  let js: string;
  let dts: string;
  try {
    js = readFileSync(join(modelsDirectory(), `${name}.js`), 'utf8');
    dts = readFileSync(join(modelsDirectory(), `${name}.d.ts`), 'utf8');
  } catch {
    return null;
  }
  const table = js.match(/\.attributeTypeMap = (\[[\s\S]*?\]);/);
  if (!table) return null;
  const raw = JSON.parse(table[1]) as { baseName: string; type: string; format: string }[];
  const docs = parseDeclaration(dts, name);
  return {
    name,
    description: docs.classDescription,
    attributes: raw.map((a) => ({
      name: a.baseName,
      type: a.type,
      format: a.format,
      description: docs.fields.get(a.baseName)?.description,
      required: docs.fields.get(a.baseName)?.required ?? false,
    })),
  };
}

interface Declaration {
  classDescription?: string;
  fields: Map<string, { description?: string; required: boolean }>;
}

/** Pulls the class comment and the per-field comments and optionality out of a .d.ts file. */
export function parseDeclaration(dts: string, className: string): Declaration {
  const fields = new Map<string, { description?: string; required: boolean }>();
  const classAt = dts.indexOf(`export declare class ${className} `);
  if (classAt < 0) return { fields };
  const before = dts.slice(0, classAt);
  const classComment = before.match(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/);
  const body = dts.slice(classAt);
  let pending: string | undefined;
  const commentOrField = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/|^\s*'([^']+)'(\?)?:/gm;
  for (let m = commentOrField.exec(body); m; m = commentOrField.exec(body)) {
    if (m[1] !== undefined) {
      pending = commentText(m[1]);
    } else {
      fields.set(m[2], { description: pending, required: m[3] !== '?' });
      pending = undefined;
    }
  }
  return { classDescription: classComment ? commentText(classComment[1]) : undefined, fields };
}

function commentText(comment: string): string | undefined {
  const text = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join(' ')
    .trim();
  return text ? unescapeDoc(text) : undefined;
}

/** Undoes the generator's escaping of quotes and backslashes and its HTML entities. */
export function unescapeDoc(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\\(['"\\])/g, '$1');
}

/** Reads the `@param name description` lines of one generated API class's method comments. */
export function readApiParameterDocs(apiClass: string): Map<string, Map<string, string>> {
  const byMethod = new Map<string, Map<string, string>>();
  let dts: string;
  try {
    dts = readFileSync(join(modelsDirectory(), '..', 'apis', `${apiClass}.d.ts`), 'utf8');
  } catch {
    return byMethod;
  }
  const method = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\(/g;
  for (let m = method.exec(dts); m; m = method.exec(dts)) {
    const params = new Map<string, string>();
    for (const p of m[1].matchAll(/@param (\w+) ?([^\n]*)/g)) {
      if (p[2].trim()) params.set(p[1], unescapeDoc(p[2].trim()));
    }
    if (!byMethod.has(m[2])) byMethod.set(m[2], params);
  }
  return byMethod;
}
