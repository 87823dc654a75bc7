// Wire schema of k8s.io/api rbac/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const rbacV1 = `
package rbac.v1 rbac.authorization.k8s.io/v1
AggregationRule
  clusterRoleSelectors 1 meta.v1.LabelSelector[] ?
@ClusterRole
  metadata 1 meta.v1.ObjectMeta ?
  rules 2 PolicyRule[]
  aggregationRule 3 AggregationRule ?*
@ClusterRoleBinding
  metadata 1 meta.v1.ObjectMeta ?
  subjects 2 Subject[] ?
  roleRef 3 RoleRef
PolicyRule
  verbs 1 string[]
  apiGroups 2 string[] ?
  resources 3 string[] ?
  resourceNames 4 string[] ?
  nonResourceURLs 5 string[] ?
@Role
  metadata 1 meta.v1.ObjectMeta ?
  rules 2 PolicyRule[]
@RoleBinding
  metadata 1 meta.v1.ObjectMeta ?
  subjects 2 Subject[] ?
  roleRef 3 RoleRef
RoleRef
  apiGroup 1 string
  kind 2 string
  name 3 string
Subject
  kind 1 string
  apiGroup 2 string ?
  name 3 string
  namespace 4 string ?
`;
