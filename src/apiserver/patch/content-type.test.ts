import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patchTypeFromContentType, supportedPatchContentTypes, unsupportedPatchContentType } from './content-type.js';

describe('patchTypeFromContentType', () => {
  it('recognises the four patch media types, with or without parameters', () => {
    assert.equal(patchTypeFromContentType('application/json-patch+json'), 'json');
    assert.equal(patchTypeFromContentType('application/merge-patch+json; charset=utf-8'), 'merge');
    assert.equal(patchTypeFromContentType('application/strategic-merge-patch+json'), 'strategic');
    assert.equal(patchTypeFromContentType('application/apply-patch+yaml'), 'apply');
  });

  it('compares exactly, as the API server does', () => {
    assert.equal(patchTypeFromContentType('application/json'), undefined);
    assert.equal(patchTypeFromContentType('Application/Merge-Patch+JSON'), undefined);
    assert.equal(patchTypeFromContentType(' application/merge-patch+json'), undefined);
    assert.equal(patchTypeFromContentType('application/apply-patch+cbor'), undefined);
    assert.equal(patchTypeFromContentType(''), undefined);
  });
});

describe('unsupported patch media types', () => {
  it('answers 415 listing what the resource accepts; custom resources lack strategic merge patch', () => {
    const e = unsupportedPatchContentType(supportedPatchContentTypes(true));
    assert.equal(e.code, 415);
    assert.equal(e.reason, 'UnsupportedMediaType');
    assert.equal(
      e.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    assert.equal(supportedPatchContentTypes(false).length, 4);
  });
});
