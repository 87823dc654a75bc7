import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterOn, makeNode, makePod, TestCluster } from '../testkit.js';
import { NodePorts } from './node-ports.js';

describe('NodePorts', () => {
  const reason = ["node(s) didn't have free ports for the requested pod ports"];
  const c = new TestCluster(
    [makeNode('a'), makeNode('b')],
    [makePod('web', { nodeName: 'a', containers: [{ hostPort: 8080 }] }), makePod('dns', { nodeName: 'b', containers: [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] })],
  );
  const fw = c.framework(() => [{ plugin: new NodePorts() }]);

  it('rejects a node where the host port is taken, on any address for 0.0.0.0', () => {
    assert.deepEqual(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 8080 }] }), 'a'), reason);
    assert.equal(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 8080 }] }), 'b'), null);
    assert.equal(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 8080, protocol: 'UDP' }] }), 'a'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 53, protocol: 'UDP' }] }), 'b'), reason);
    assert.deepEqual(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }), 'b'), reason);
    assert.equal(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.2' }] }), 'b'), null);
  });

  it('has nothing to check for pods without host ports', () => {
    assert.equal(filterOn(fw, c, makePod('p'), 'a'), null);
  });

  it('frees ports when the pod holding them is removed', () => {
    c.cache.removePod(makePod('web', { nodeName: 'a' }));
    assert.equal(filterOn(fw, c, makePod('p', { containers: [{ hostPort: 8080 }] }), 'a'), null);
  });
});
