import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, fitErrorMessage, newDiagnosis, Status } from './types.js';

describe('the FitError message', () => {
  it('counts reasons per node and sorts them as strings', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('worker', new Status(Code.Unschedulable, ['Insufficient cpu']));
    d.nodeToStatus.set('cp', new Status(Code.UnschedulableAndUnresolvable, ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']));
    d.nodeToStatus.set('other', new Status(Code.UnschedulableAndUnresolvable, ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']));
    d.postFilterMsg = 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';
    assert.equal(
      fitErrorMessage(3, d),
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('counts every reason of a node (cpu and memory) and sorts "10 x" before "2 y" as Go does', () => {
    const d = newDiagnosis();
    for (let i = 0; i < 10; i++) d.nodeToStatus.set(`a${i}`, new Status(Code.Unschedulable, ['Insufficient memory']));
    for (let i = 0; i < 2; i++) d.nodeToStatus.set(`b${i}`, new Status(Code.Unschedulable, ['Insufficient cpu', 'Insufficient memory']));
    assert.equal(fitErrorMessage(12, d), '0/12 nodes are available: 12 Insufficient memory, 2 Insufficient cpu.');
  });

  it('uses the PreFilter message alone when PreFilter rejected the pod', () => {
    const d = newDiagnosis();
    d.preFilterMsg = "pod has unbound immediate PersistentVolumeClaims";
    d.nodeToStatus.absent = new Status(Code.UnschedulableAndUnresolvable, [d.preFilterMsg]);
    d.postFilterMsg = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    assert.equal(fitErrorMessage(1, d), '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  });

  it('counts nodes left out by a PreFilter result with the absent status', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('n1', new Status(Code.Unschedulable, ['Insufficient cpu']));
    d.nodeToStatus.absent = new Status(Code.UnschedulableAndUnresolvable, ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]);
    assert.equal(fitErrorMessage(3, d), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
});
