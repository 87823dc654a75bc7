import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsFromKubeconfig, parseProcStatCpu, parseReadyLine, parseVmRss } from './kubelite-process.js';
import { renderKubeconfig } from '../src/cluster/kubeconfig.js';

test('credentials come back out of the kubeconfig kubelite writes', () => {
  const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const text = renderKubeconfig({ server: 'https://127.0.0.1:40123', caPem, token: 'abc123' });
  assert.deepEqual(credentialsFromKubeconfig(text), { server: 'https://127.0.0.1:40123', token: 'abc123', caPem });
});

test('a kubeconfig without a token is refused', () => {
  const text = renderKubeconfig({ server: 'https://127.0.0.1:1', caPem: 'x' });
  assert.throws(() => credentialsFromKubeconfig(text), /no bearer token/);
});

test('VmRSS is read in kB and returned in bytes', () => {
  const status = 'Name:\tnode\nVmPeak:\t  999999 kB\nVmRSS:\t   81234 kB\nRssAnon:\t   60000 kB\n';
  assert.equal(parseVmRss(status), 81234 * 1024);
  assert.throws(() => parseVmRss('Name:\tnode\n'), /VmRSS/);
});

test('the ready line reports its start time', () => {
  assert.equal(parseReadyLine('API server listening\nkubelite is ready (412 ms): export KUBECONFIG=/x\n'), 412);
  assert.equal(parseReadyLine('starting'), undefined);
});

test('CPU ticks are read from /proc/PID/stat, even when the command name has spaces', () => {
  const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 40 7 3 20 0 11 0 100 0 0';
  assert.deepEqual(parseProcStatCpu(stat), { user: 250, system: 40, childrenUser: 7, childrenSystem: 3 });
});
