// Wire schema of k8s.io/api node/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const nodeV1 = `
package node.v1 node.k8s.io/v1
Overhead
  podFixed 1 map<Quantity> ?
@RuntimeClass
  metadata 1 meta.v1.ObjectMeta ?
  handler 2 string
  overhead 3 Overhead ?*
  scheduling 4 Scheduling ?*
Scheduling
  nodeSelector 1 map<string> ?
  tolerations 2 core.v1.Toleration[] ?
`;
