// Wire schema of k8s.io/api policy/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const policyV1 = `
package policy.v1 policy/v1
@Eviction
  metadata 1 meta.v1.ObjectMeta ?
  deleteOptions 2 meta.v1.DeleteOptions ?*
@PodDisruptionBudget
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 PodDisruptionBudgetSpec ?
  status 3 PodDisruptionBudgetStatus ?
PodDisruptionBudgetSpec
  minAvailable 1 IntOrString ?*
  selector 2 meta.v1.LabelSelector ?*
  maxUnavailable 3 IntOrString ?*
  unhealthyPodEvictionPolicy 4 string ?*
PodDisruptionBudgetStatus
  observedGeneration 1 int64 ?
  disruptedPods 2 map<Time> ?
  disruptionsAllowed 3 int32
  currentHealthy 4 int32
  desiredHealthy 5 int32
  expectedPods 6 int32
  conditions 7 meta.v1.Condition[] ?
`;
