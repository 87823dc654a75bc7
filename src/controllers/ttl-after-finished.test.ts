import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../client/resources.js';
import { GarbageCollector } from './garbage-collector.js';
import { jobController } from './job/controller.js';
import { startBatchTestBed } from './job/test-support.js';
import type { Job } from './job/types.js';
import { expiresAt, ttlAfterFinishedController } from './ttl-after-finished.js';

test('expiresAt: the terminal condition time plus the TTL; unfinished or TTL-less Jobs never expire', () => {
  const job = (ttl: number | undefined, conditions: unknown[]) => ({ metadata: {}, spec: { ttlSecondsAfterFinished: ttl, template: { spec: { containers: [] } } }, status: { conditions } }) as unknown as Job;
  const done = [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-01-01T00:10:00Z' }];
  assert.equal(expiresAt(job(60, done)), Date.parse('2026-01-01T00:11:00Z'));
  assert.equal(expiresAt(job(60, [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-01T00:10:00Z' }])), Date.parse('2026-01-01T00:11:00Z'));
  assert.equal(expiresAt(job(undefined, done)), undefined);
  assert.equal(expiresAt(job(60, [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: '2026-01-01T00:10:00Z' }])), undefined);
});

test('a finished Job is deleted with its pods ttlSecondsAfterFinished after it finished', async () => {
  const b = await startBatchTestBed((ctx) => [
    jobController(ctx, { syncBatchPeriodMs: 0 }),
    ttlAfterFinishedController(ctx),
    new GarbageCollector({
      ...ctx,
      deletableResources: () => [R.jobs, R.pods],
      resourceForKind: (_apiVersion, kind) => (kind === 'Job' ? R.jobs : kind === 'Pod' ? R.pods : undefined),
    }),
  ]);
  try {
    const manifest = (name: string, ttl: number) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { ttlSecondsAfterFinished: ttl, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await b.cp.client.create(R.jobs, 'default', manifest('short', 100));
    await b.cp.client.create(R.jobs, 'default', manifest('now', 0));
    for (const name of ['short', 'now']) {
      const [pod] = await b.until(async () => {
        const p = await b.podsOf('default', name);
        return p.length === 1 ? p : undefined;
      }, `pod of ${name}`);
      await b.setPodPhase(pod, 'Succeeded');
    }
    await b.until(async () => !(await b.job('default', 'now')) && (await b.podsOf('default', 'now')).length === 0, 'ttl 0: gone at once');
    const short = await b.until(async () => {
      const j = await b.job('default', 'short');
      return j?.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined;
    }, 'short completes');
    assert.ok(short);
    await b.advance(98_000);
    assert.ok(await b.job('default', 'short'), 'still there before the TTL');
    await b.advance(3000, 500);
    await b.until(async () => !(await b.job('default', 'short')) && (await b.podsOf('default', 'short')).length === 0, 'deleted with its pod after the TTL');
  } finally {
    await b.stop();
  }
});
