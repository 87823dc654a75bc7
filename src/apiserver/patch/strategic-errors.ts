// The errors of Kubernetes' strategic merge patch code (k8s.io/apimachinery mergepatch and
// strategicpatch), with their exact texts, and how the API server reports each: a few
// well-known ones become 400 or 422, every other one is a plain error (see patch-errors.ts).

import type { StatusError } from '../../machinery/errors.js';
import { formatGo, reflectTypeString } from './go-format.js';
import type { JsonValue } from './json-value.js';
import { patchBadRequest, patchPlainError, patchUnprocessable } from './patch-errors.js';

type Report = 'bad-request' | 'unprocessable' | 'plain';

export class MergeError extends Error {
  constructor(
    message: string,
    readonly report: Report = 'plain',
  ) {
    super(message);
    this.name = 'MergeError';
  }

  /** interpretStrategicMergePatchError in handlers/patch.go. */
  toStatusError(): StatusError {
    switch (this.report) {
      case 'bad-request':
        return patchBadRequest(this.message);
      case 'unprocessable':
        return patchUnprocessable(this.message);
      default:
        return patchPlainError(this.message);
    }
  }
}

// The sentinel errors interpretStrategicMergePatchError recognises.
export const errNoListOfLists = (): MergeError => new MergeError('lists of lists are not supported', 'unprocessable');
export const errBadPatchFormatForPrimitiveList = (): MergeError =>
  new MergeError('invalid patch format of primitive list', 'bad-request');
export const errBadPatchFormatForRetainKeys = (): MergeError => new MergeError('invalid patch format of retainKeys', 'bad-request');
export const errBadPatchFormatForSetElementOrderList = (): MergeError =>
  new MergeError('invalid patch format of setElementOrder list', 'bad-request');

export function errNoMergeKey(item: JsonValue, mergeKey: string): MergeError {
  return new MergeError(`map: ${formatGo(item)} does not contain declared merge key: ${mergeKey}`);
}

const EXPECTED_TYPES = { map: 'map[string]interface {}', slice: '[]interface {}' } as const;

export function errBadArgType(expected: 'map' | 'slice', actual: JsonValue): MergeError {
  return new MergeError(`expected a ${EXPECTED_TYPES[expected]}, but received a ${reflectTypeString(actual)}`);
}

export function errBadPatchType(directive: JsonValue, item: JsonValue): MergeError {
  return new MergeError(`unknown patch type: ${formatGo(directive, 's')} in map: ${formatGo(item)}`);
}

export function errNotAMap(position: number): MergeError {
  return new MergeError(`value for key ${position} is not a map`);
}
