// Wire schema of k8s.io/api coordination/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const coordinationV1 = `
package coordination.v1 coordination.k8s.io/v1
@Lease
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 LeaseSpec ?
LeaseSpec
  holderIdentity 1 string ?*
  leaseDurationSeconds 2 int32 ?*
  acquireTime 3 MicroTime ?*
  renewTime 4 MicroTime ?*
  leaseTransitions 5 int32 ?*
  strategy 6 string ?*
  preferredHolder 7 string ?*
`;
