// Wire schema of k8s.io/api scheduling/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const schedulingV1 = `
package scheduling.v1 scheduling.k8s.io/v1
@PriorityClass
  metadata 1 meta.v1.ObjectMeta ?
  value 2 int32
  globalDefault 3 bool ?
  description 4 string ?
  preemptionPolicy 5 string ?*
`;
