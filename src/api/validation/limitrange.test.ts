import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsLimitRange } from '../defaults/core-kinds.js';
import { limitRangeValidation } from './limitrange.js';

const lr = (limits: unknown[]) => {
  const o = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'default' }, spec: { limits } } as any;
  setDefaultsLimitRange(o);
  return o;
};

test('container limits: default from max, defaultRequest from default then min', () => {
  const l = lr([{ type: 'Container', max: { cpu: '1', memory: '1Gi' }, min: { cpu: '50m', memory: '5Mi' }, default: { memory: '200Mi' } }]);
  assert.deepEqual(l.spec.limits[0].default, { memory: '200Mi', cpu: '1' });
  assert.deepEqual(l.spec.limits[0].defaultRequest, { memory: '200Mi', cpu: '1' });
  assert.deepEqual(limitRangeValidation.validate(l), []);
});

test('ordering of min, max, defaults and ratios', () => {
  const l = lr([
    { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '0.5' } },
    { type: 'Pod', default: { cpu: '1' }, max: { memory: '1Gi' }, min: { memory: '128Mi' }, maxLimitRequestRatio: { memory: '10' } },
    { type: 'Container' },
    { type: 'Weird' },
    { type: 'PersistentVolumeClaim', max: { cpu: '1' } },
  ]);
  const got = limitRangeValidation.validate(l).map(fieldErrorMessage);
  assert.deepEqual(got, [
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
    'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
    'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1',
    "spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
    'spec.limits[1].maxLimitRequestRatio[memory]: Invalid value: "10": ratio 10 is greater than max/min = 8.000000',
    'spec.limits[2].type: Duplicate value: "Container"',
    'spec.limits[3].type: Invalid value: "Weird": must be a standard limit type or fully qualified',
    'spec.limits[4].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
  ]);
});
