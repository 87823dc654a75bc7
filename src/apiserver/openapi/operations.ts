// The operations the API server publishes for each resource: which paths exist (namespaced or
// not, watch paths, subresources), the verb and x-kubernetes-action of each, its operationId
// (listCoreV1NamespacedPod), the GVK it reads or writes and its query parameters. Both OpenAPI
// versions are written from this one list. Parameter descriptions come from the generated
// client's API docs, which carry the server's own wording.

import type { ResourceType } from '../../api/scheme.js';
import { readApiParameterDocs } from '../../api/schema/client-node-models.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type Action = 'get' | 'list' | 'watch' | 'watchlist' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** What an operation sends or returns: a kind's definition, a meta type, or plain text. */
export type Payload =
  | { kind: 'object'; gvk: Gvk }
  | { kind: 'meta'; name: 'Status' | 'WatchEvent' | 'DeleteOptions' | 'Patch' | 'APIResourceList' }
  | { kind: 'list'; gvk: Gvk }
  | { kind: 'string' };

export interface Operation {
  method: HttpMethod;
  action: Action;
  operationId: string;
  description: string;
  gvk?: Gvk;
  queryParameters: string[];
  request?: Payload;
  /** Status code → payload. */
  responses: Record<string, Payload | undefined>;
  /** Patch operations accept these content types. */
  patchTypes?: string[];
  deprecated?: boolean;
}

export interface PathItem {
  path: string;
  /** Path-level parameters: path placeholders and `pretty`. */
  parameters: string[];
  /** Description of the name parameter ("name of the Pod"). */
  nameDescription?: string;
  operations: Operation[];
}

const listParameters = [
  'allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion',
  'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch',
];
const createParameters = ['dryRun', 'fieldManager', 'fieldValidation'];
const patchParameters = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];
const deleteParameters = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const deleteCollectionParameters = [
  'continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential',
  'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch',
  'sendInitialEvents', 'timeoutSeconds',
];

const builtinPatchTypes = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

// Resources whose DELETE answers with the object (graceful deletion) rather than a Status.
const deleteReturnsObject = new Set(['/pods', '/services', '/persistentvolumes', '/persistentvolumeclaims']);

/** `rbacAuthorization` for rbac.authorization.k8s.io, `core` for the legacy group: the tag prefix. */
export function groupIdentifier(group: string): string {
  if (!group) return 'core';
  const parts = group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return parts.map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('');
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `apps_v1`: the tag of every operation of a group version. */
export function tagOf(group: string, version: string): string {
  return `${groupIdentifier(group)}_${version}`;
}

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** Every path item of one resource in one version, in the API server's order. */
export function resourcePaths(r: ResourceType, version: string): PathItem[] {
  const prefix = groupVersionPrefix(r.group, version);
  const gvk: Gvk = { group: r.group, version, kind: r.kind };
  const id = `${capitalize(groupIdentifier(r.group))}${capitalize(version)}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const scopeParams = r.namespaced ? ['namespace'] : [];
  const verbs = new Set(r.verbs);
  const items: PathItem[] = [];
  const object: Payload = { kind: 'object', gvk };
  const list: Payload = { kind: 'list', gvk: { ...gvk, kind: r.listKind } };
  const status: Payload = { kind: 'meta', name: 'Status' };
  const watchEvent: Payload = { kind: 'meta', name: 'WatchEvent' };
  const deleted = deleteReturnsObject.has(`/${r.plural}`) && !r.group ? object : status;

  const collection: Operation[] = [];
  if (verbs.has('deletecollection')) {
    collection.push({
      method: 'delete', action: 'deletecollection', operationId: `delete${id}Collection${scope}${r.kind}`,
      description: `delete collection of ${r.kind}`, gvk, queryParameters: deleteCollectionParameters,
      request: { kind: 'meta', name: 'DeleteOptions' }, responses: { '200': status },
    });
  }
  if (verbs.has('list')) {
    collection.push({
      method: 'get', action: 'list', operationId: `list${id}${scope}${r.kind}`,
      description: `list or watch objects of kind ${r.kind}`, gvk, queryParameters: listParameters, responses: { '200': list },
    });
  }
  if (verbs.has('create')) {
    collection.push({
      method: 'post', action: 'post', operationId: `create${id}${scope}${r.kind}`, description: `create ${article(r.kind)}${r.kind}`,
      gvk, queryParameters: createParameters, request: object,
      responses: { '200': object, '201': object, '202': object },
    });
  }
  if (collection.length) items.push({ path: base, parameters: [...scopeParams, 'pretty'], operations: collection });

  const named: Operation[] = [];
  if (verbs.has('delete')) {
    named.push({
      method: 'delete', action: 'delete', operationId: `delete${id}${scope}${r.kind}`, description: `delete ${article(r.kind)}${r.kind}`,
      gvk, queryParameters: deleteParameters, request: { kind: 'meta', name: 'DeleteOptions' }, responses: { '200': deleted, '202': deleted },
    });
  }
  if (verbs.has('get')) {
    named.push({
      method: 'get', action: 'get', operationId: `read${id}${scope}${r.kind}`, description: `read the specified ${r.kind}`,
      gvk, queryParameters: [], responses: { '200': object },
    });
  }
  if (verbs.has('patch')) {
    named.push({
      method: 'patch', action: 'patch', operationId: `patch${id}${scope}${r.kind}`, description: `partially update the specified ${r.kind}`,
      gvk, queryParameters: patchParameters, request: { kind: 'meta', name: 'Patch' }, responses: { '200': object, '201': object },
      patchTypes: patchTypesOf(r),
    });
  }
  if (verbs.has('update')) {
    named.push({
      method: 'put', action: 'put', operationId: `replace${id}${scope}${r.kind}`, description: `replace the specified ${r.kind}`,
      gvk, queryParameters: createParameters, request: object, responses: { '200': object, '201': object },
    });
  }
  if (named.length) {
    items.push({ path: `${base}/{name}`, parameters: ['name', ...scopeParams, 'pretty'], nameDescription: `name of the ${r.kind}`, operations: named });
  }

  for (const [sub, info] of Object.entries(r.subresources)) {
    items.push(...subresourcePaths(r, version, sub, info.kind, info.group, info.version, info.verbs));
  }

  if (r.namespaced && verbs.has('list')) {
    items.push({
      path: `${prefix}/${r.plural}`,
      parameters: [...listParameters, 'pretty'].sort(),
      operations: [{
        method: 'get', action: 'list', operationId: `list${id}${r.kind}ForAllNamespaces`,
        description: `list or watch objects of kind ${r.kind}`, gvk, queryParameters: [], responses: { '200': list },
      }],
    });
  }
  if (verbs.has('watch')) {
    const watchBase = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.plural}` : `${prefix}/watch/${r.plural}`;
    const watchParams = [...listParameters, 'pretty'];
    items.push({
      path: watchBase,
      parameters: [...watchParams, ...scopeParams].sort(),
      operations: [{
        method: 'get', action: 'watchlist', operationId: `watch${id}${scope}${r.kind}List`, deprecated: true,
        description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
        gvk, queryParameters: [], responses: { '200': watchEvent },
      }],
    });
    items.push({
      path: `${watchBase}/{name}`,
      parameters: [...watchParams, 'name', ...scopeParams].sort(),
      nameDescription: `name of the ${r.kind}`,
      operations: [{
        method: 'get', action: 'watch', operationId: `watch${id}${scope}${r.kind}`, deprecated: true,
        description: `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
        gvk, queryParameters: [], responses: { '200': watchEvent },
      }],
    });
    if (r.namespaced) {
      items.push({
        path: `${prefix}/watch/${r.plural}`,
        parameters: watchParams.slice().sort(),
        operations: [{
          method: 'get', action: 'watchlist', operationId: `watch${id}${r.kind}ListForAllNamespaces`, deprecated: true,
          description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          gvk, queryParameters: [], responses: { '200': watchEvent },
        }],
      });
    }
  }
  return items;
}

function patchTypesOf(r: ResourceType): string[] {
  // Custom resources cannot be strategic-merge patched.
  return r.custom ? builtinPatchTypes.filter((t) => !t.startsWith('application/strategic')) : builtinPatchTypes;
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an ' : 'a ';
}

const connectParameters: Record<string, string[]> = {
  attach: ['container', 'stderr', 'stdin', 'stdout', 'tty'],
  exec: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'],
  portforward: ['ports'],
  proxy: ['path'],
};

function subresourcePaths(
  r: ResourceType,
  version: string,
  sub: string,
  subKind: string,
  subGroup: string | undefined,
  subVersion: string | undefined,
  subVerbs: string[],
): PathItem[] {
  const prefix = groupVersionPrefix(r.group, version);
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}/{name}/${sub}` : `${prefix}/${r.plural}/{name}/${sub}`;
  const id = `${capitalize(groupIdentifier(r.group))}${capitalize(version)}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const subName = sub.charAt(0).toUpperCase() + sub.slice(1);
  const scopeParams = r.namespaced ? ['namespace'] : [];
  const ownGvk: Gvk = { group: r.group, version, kind: r.kind };
  const gvk: Gvk = subKind ? { group: subGroup ?? r.group, version: subVersion ?? version, kind: subKind } : ownGvk;
  const payload: Payload = { kind: 'object', gvk };
  const nameDescription = `name of the ${subKind && subKind !== r.kind && !subGroup ? subKind : r.kind}`;

  if (sub in connectParameters) {
    const methods: HttpMethod[] = sub === 'proxy' ? ['delete', 'get', 'patch', 'post', 'put'] : ['get', 'post'];
    const operations: Operation[] = methods.map((method) => ({
      method, action: 'connect' as const,
      operationId: `connect${capitalize(method)}${id}${scope}${r.kind}${subName}`,
      description: `connect ${method.toUpperCase()} requests to ${sub} of ${r.kind}`,
      gvk: { group: r.group, version, kind: subKind }, queryParameters: connectParameters[sub], responses: { '200': { kind: 'string' } },
    }));
    const items: PathItem[] = [{ path: base, parameters: ['name', ...scopeParams], nameDescription: `name of the ${subKind}`, operations }];
    if (sub === 'proxy') {
      items.push({
        path: `${base}/{path}`, parameters: ['name', ...scopeParams, 'pathParameter'], nameDescription: `name of the ${subKind}`,
        operations: methods.map((method) => ({
          method, action: 'connect' as const,
          operationId: `connect${capitalize(method)}${id}${scope}${r.kind}ProxyWithPath`,
          description: `connect ${method.toUpperCase()} requests to proxy of ${r.kind}`,
          gvk: { group: r.group, version, kind: subKind }, queryParameters: ['path'], responses: { '200': { kind: 'string' } },
        })),
      });
    }
    return items;
  }

  if (sub === 'log') {
    return [{
      path: base, parameters: ['name', ...scopeParams, 'pretty'], nameDescription: `name of the ${r.kind}`,
      operations: [{
        method: 'get', action: 'get', operationId: `read${id}${scope}${r.kind}Log`, description: `read log of the specified ${r.kind}`,
        gvk: ownGvk,
        queryParameters: ['container', 'follow', 'insecureSkipTLSVerifyBackend', 'limitBytes', 'previous', 'sinceSeconds', 'tailLines', 'timestamps'],
        responses: { '200': { kind: 'string' } },
      }],
    }];
  }

  const operations: Operation[] = [];
  const verbs = new Set(subVerbs);
  if (verbs.has('create')) {
    operations.push({
      method: 'post', action: 'post', operationId: `create${id}${scope}${r.kind}${subName}`,
      description: `create ${sub} of ${article(r.kind)}${r.kind}`, gvk, queryParameters: createParameters, request: payload,
      responses: { '200': payload, '201': payload, '202': payload },
    });
  }
  if (verbs.has('get')) {
    operations.push({
      method: 'get', action: 'get', operationId: `read${id}${scope}${r.kind}${subName}`,
      description: `read ${sub} of the specified ${r.kind}`, gvk, queryParameters: [], responses: { '200': payload },
    });
  }
  if (verbs.has('patch')) {
    operations.push({
      method: 'patch', action: 'patch', operationId: `patch${id}${scope}${r.kind}${subName}`,
      description: `partially update ${sub} of the specified ${r.kind}`, gvk, queryParameters: patchParameters,
      request: { kind: 'meta', name: 'Patch' }, responses: { '200': payload, '201': payload }, patchTypes: patchTypesOf(r),
    });
  }
  if (verbs.has('update')) {
    operations.push({
      method: 'put', action: 'put', operationId: `replace${id}${scope}${r.kind}${subName}`,
      description: `replace ${sub} of the specified ${r.kind}`, gvk, queryParameters: createParameters, request: payload,
      responses: { '200': payload, '201': payload },
    });
  }
  if (!operations.length) return [];
  return [{ path: base, parameters: ['name', ...scopeParams, 'pretty'], nameDescription, operations }];
}

// ---------------------------------------------------------------------------------------------
// Parameters.

export interface ParameterSpec {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'boolean' | 'integer';
  required?: boolean;
  description: string;
}

const booleanParameters = new Set([
  'allowWatchBookmarks', 'force', 'orphanDependents', 'sendInitialEvents', 'watch', 'follow', 'previous', 'timestamps',
  'stdin', 'stdout', 'stderr', 'tty', 'insecureSkipTLSVerifyBackend', 'ignoreStoreReadErrorWithClusterBreakingPotential',
]);
const integerParameters = new Set(['gracePeriodSeconds', 'limit', 'timeoutSeconds', 'limitBytes', 'sinceSeconds', 'tailLines']);

let parameterDocs: Map<string, Map<string, string>> | undefined;

/** The description of a parameter as the generated client documents it for a similar method. */
function parameterDescription(name: string, action: Action | 'path'): string {
  parameterDocs ??= readApiParameterDocs('CoreV1Api');
  const preferred: Record<string, string> = {
    post: 'createNamespacedPod',
    put: 'replaceNamespacedPod',
    patch: 'patchNamespacedPod',
    delete: 'deleteNamespacedPod',
    deletecollection: 'deleteCollectionNamespacedPod',
    list: 'listNamespacedPod',
    get: 'readNamespacedPodLog',
    connect: 'connectGetNamespacedPodExec',
  };
  const method = preferred[action];
  const own = method ? parameterDocs.get(method)?.get(name) : undefined;
  if (own) return own;
  for (const params of parameterDocs.values()) {
    const doc = params.get(name);
    if (doc) return doc;
  }
  return '';
}

/** The specification of one parameter; `nameDescription` fills in the name parameter. */
export function parameterSpec(name: string, action: Action | 'path', nameDescription?: string): ParameterSpec {
  if (name === 'name') return { name, in: 'path', type: 'string', required: true, description: nameDescription ?? 'name of the resource' };
  if (name === 'namespace') return { name, in: 'path', type: 'string', required: true, description: parameterDescription('namespace', 'list') };
  if (name === 'pathParameter') return { name: 'path', in: 'path', type: 'string', required: true, description: 'path to the resource' };
  const type = booleanParameters.has(name) ? 'boolean' : integerParameters.has(name) ? 'integer' : 'string';
  return { name, in: 'query', type, description: parameterDescription(name, action) };
}
