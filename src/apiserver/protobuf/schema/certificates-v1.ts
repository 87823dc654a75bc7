// Wire schema of k8s.io/api certificates/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const certificatesV1 = `
package certificates.v1 certificates.k8s.io/v1
@CertificateSigningRequest
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 CertificateSigningRequestSpec
  status 3 CertificateSigningRequestStatus ?
CertificateSigningRequestCondition
  type 1 string
  status 6 string
  reason 2 string ?
  message 3 string ?
  lastUpdateTime 4 Time ?
  lastTransitionTime 5 Time ?
CertificateSigningRequestSpec
  request 1 bytes
  signerName 7 string
  expirationSeconds 8 int32 ?*
  usages 5 string[] ?
  username 2 string ?
  uid 3 string ?
  groups 4 string[] ?
  extra 6 map<ExtraValue> ?
CertificateSigningRequestStatus
  conditions 1 CertificateSigningRequestCondition[] ?
  certificate 2 bytes ?
ExtraValue = string[]
`;
