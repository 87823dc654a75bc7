import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { ImageLocality, imageLocalityScore } from './image-locality.js';

const mb = 1024 * 1024;

describe('ImageLocality', () => {
  it('scales the summed image sizes between 23MB and 1000MB per container', () => {
    assert.equal(imageLocalityScore(0, 1), 0);
    assert.equal(imageLocalityScore(23 * mb, 1), 0);
    assert.equal(imageLocalityScore(1000 * mb, 1), 100);
    assert.equal(imageLocalityScore(500 * mb, 1), 48);
  });

  it('prefers nodes that have the image, weighted by spread', () => {
    const c = new TestCluster([
      makeNode('has', { images: [{ names: ['registry.k8s.io/big:1.0'], sizeBytes: 800 * mb }, { names: ['nginx:latest', 'docker.io/library/nginx:latest'], sizeBytes: 200 * mb }] }),
      makeNode('empty'),
    ]);
    const fw = c.framework((h) => [{ plugin: new ImageLocality(h) }]);
    const scores = scoresOf(fw, c, makePod('p', { containers: [{ image: 'registry.k8s.io/big:1.0' }] }), 'ImageLocality');
    // 800MB on 1 of 2 nodes counts 400MB: (400-23)/(1000-23) → 38.
    assert.deepEqual(scores, { has: 38, empty: 0 });
    // "nginx" means nginx:latest.
    // "nginx" means nginx:latest: 200MB spread over half the nodes counts 100MB → 7.
    assert.deepEqual(scoresOf(fw, c, makePod('p', { containers: [{ image: 'nginx' }] }), 'ImageLocality'), { has: 7, empty: 0 });
  });
});
