// Which patch format a PATCH request's Content-Type names, and the 415 for the ones a resource
// does not accept. Kubernetes cuts the header at its first ';' and then compares exactly
// (no case folding, no trimming); built-in resources accept all four formats, custom resources
// all but strategic merge patch, which needs Go struct tags they do not have.

import { Reason, StatusError } from '../../machinery/errors.js';
import type { PatchType } from './decode.js';

export const PatchContentType = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const BY_CONTENT_TYPE = new Map<string, PatchType | 'apply'>(
  Object.entries(PatchContentType).map(([type, mediaType]) => [mediaType, type as PatchType | 'apply']),
);

/** The patch format of a Content-Type header, or undefined when it names none. */
export function patchTypeFromContentType(contentType: string): PatchType | 'apply' | undefined {
  const semicolon = contentType.indexOf(';');
  const mediaType = semicolon > 0 ? contentType.slice(0, semicolon) : contentType;
  return BY_CONTENT_TYPE.get(mediaType);
}

/**
 * The media types a resource's PATCH accepts, in the order the server lists them.
 * application/apply-patch+cbor only exists behind the CBORServingAndStorage gate, off in 1.32.
 */
export function supportedPatchContentTypes(customResource: boolean): string[] {
  return customResource
    ? [PatchContentType.json, PatchContentType.merge, PatchContentType.apply]
    : [PatchContentType.json, PatchContentType.merge, PatchContentType.strategic, PatchContentType.apply];
}

/** negotiation.NewUnsupportedMediaTypeError for a PATCH body. */
export function unsupportedPatchContentType(accepted: readonly string[]): StatusError {
  return new StatusError(
    415,
    Reason.UnsupportedMediaType,
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}
