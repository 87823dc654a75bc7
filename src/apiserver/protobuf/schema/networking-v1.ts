// Wire schema of k8s.io/api networking/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const networkingV1 = `
package networking.v1 networking.k8s.io/v1
HTTPIngressPath
  path 1 string ?
  pathType 3 string *
  backend 2 IngressBackend
HTTPIngressRuleValue
  paths 1 HTTPIngressPath[]
IPBlock
  cidr 1 string
  except 2 string[] ?
@Ingress
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 IngressSpec ?
  status 3 IngressStatus ?
IngressBackend
  service 4 IngressServiceBackend ?*
  resource 3 core.v1.TypedLocalObjectReference ?*
@IngressClass
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 IngressClassSpec ?
IngressClassParametersReference
  apiGroup 1 string ?*
  kind 2 string
  name 3 string
  scope 4 string *
  namespace 5 string ?*
IngressClassSpec
  controller 1 string ?
  parameters 2 IngressClassParametersReference ?*
IngressLoadBalancerIngress
  ip 1 string ?
  hostname 2 string ?
  ports 4 IngressPortStatus[] ?
IngressLoadBalancerStatus
  ingress 1 IngressLoadBalancerIngress[] ?
IngressPortStatus
  port 1 int32
  protocol 2 string
  error 3 string ?*
IngressRule
  host 1 string ?
  ingressRuleValue 2 IngressRuleValue ^
IngressRuleValue
  http 1 HTTPIngressRuleValue ?*
IngressServiceBackend
  name 1 string
  port 2 ServiceBackendPort ?
IngressSpec
  ingressClassName 4 string ?*
  defaultBackend 1 IngressBackend ?*
  tls 2 IngressTLS[] ?
  rules 3 IngressRule[] ?
IngressStatus
  loadBalancer 1 IngressLoadBalancerStatus ?
IngressTLS
  hosts 1 string[] ?
  secretName 2 string ?
@NetworkPolicy
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 NetworkPolicySpec ?
NetworkPolicyEgressRule
  ports 1 NetworkPolicyPort[] ?
  to 2 NetworkPolicyPeer[] ?
NetworkPolicyIngressRule
  ports 1 NetworkPolicyPort[] ?
  from 2 NetworkPolicyPeer[] ?
NetworkPolicyPeer
  podSelector 1 meta.v1.LabelSelector ?*
  namespaceSelector 2 meta.v1.LabelSelector ?*
  ipBlock 3 IPBlock ?*
NetworkPolicyPort
  protocol 1 string ?*
  port 2 IntOrString ?*
  endPort 3 int32 ?*
NetworkPolicySpec
  podSelector 1 meta.v1.LabelSelector
  ingress 2 NetworkPolicyIngressRule[] ?
  egress 3 NetworkPolicyEgressRule[] ?
  policyTypes 4 string[] ?
ServiceBackendPort
  name 1 string ?
  number 2 int32 ?
`;
