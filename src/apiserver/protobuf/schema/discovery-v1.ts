// Wire schema of k8s.io/api discovery/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const discoveryV1 = `
package discovery.v1 discovery.k8s.io/v1
Endpoint
  addresses 1 string[]
  conditions 2 EndpointConditions ?
  hostname 3 string ?*
  targetRef 4 core.v1.ObjectReference ?*
  deprecatedTopology 5 map<string> ?
  nodeName 6 string ?*
  zone 7 string ?*
  hints 8 EndpointHints ?*
EndpointConditions
  ready 1 bool ?*
  serving 2 bool ?*
  terminating 3 bool ?*
EndpointHints
  forZones 1 ForZone[] ?
EndpointPort
  name 1 string ?*
  protocol 2 string ?*
  port 3 int32 ?*
  appProtocol 4 string ?*
@EndpointSlice
  metadata 1 meta.v1.ObjectMeta ?
  addressType 4 string
  endpoints 2 Endpoint[]
  ports 3 EndpointPort[]
ForZone
  name 1 string
`;
