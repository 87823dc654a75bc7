import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFreeTotal, parseKubectlVersion, parseLscpu } from './machine.js';

test('lscpu gives the CPU model and count', () => {
  const text = 'Architecture:   x86_64\nCPU(s):                                  2\nOn-line CPU(s) list:   0,1\nModel name:                              AMD EPYC\nThread(s) per core:  1\n';
  assert.deepEqual(parseLscpu(text), { cpuModel: 'AMD EPYC', cpus: 2 });
});

test('free -g gives total memory', () => {
  const text = '               total        used        free\nMem:              23           0          22\nSwap:              0           0           0\n';
  assert.equal(parseFreeTotal(text), 23);
  assert.ok(Number.isNaN(parseFreeTotal('')));
});

test('kubectl version --client gives the client version', () => {
  assert.equal(parseKubectlVersion('Client Version: v1.32.4\nKustomize Version: v5.5.0\n'), 'v1.32.4');
  assert.equal(parseKubectlVersion(''), 'unknown');
});
