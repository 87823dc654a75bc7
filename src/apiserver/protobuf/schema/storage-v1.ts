// Wire schema of k8s.io/api storage/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const storageV1 = `
package storage.v1 storage.k8s.io/v1
@CSIDriver
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 CSIDriverSpec
CSIDriverSpec
  attachRequired 1 bool ?*
  podInfoOnMount 2 bool ?*
  volumeLifecycleModes 3 string[] ?
  storageCapacity 4 bool ?*
  fsGroupPolicy 5 string ?*
  tokenRequests 6 TokenRequest[] ?
  requiresRepublish 7 bool ?*
  seLinuxMount 8 bool ?*
@CSINode
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 CSINodeSpec
CSINodeDriver
  name 1 string
  nodeID 2 string
  topologyKeys 3 string[]
  allocatable 4 VolumeNodeResources ?*
CSINodeSpec
  drivers 1 CSINodeDriver[]
@CSIStorageCapacity
  metadata 1 meta.v1.ObjectMeta ?
  nodeTopology 2 meta.v1.LabelSelector ?*
  storageClassName 3 string
  capacity 4 Quantity ?*
  maximumVolumeSize 5 Quantity ?*
@StorageClass
  metadata 1 meta.v1.ObjectMeta ?
  provisioner 2 string
  parameters 3 map<string> ?
  reclaimPolicy 4 string ?*
  mountOptions 5 string[] ?
  allowVolumeExpansion 6 bool ?*
  volumeBindingMode 7 string ?*
  allowedTopologies 8 core.v1.TopologySelectorTerm[] ?
TokenRequest
  audience 1 string
  expirationSeconds 2 int64 ?*
@VolumeAttachment
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 VolumeAttachmentSpec
  status 3 VolumeAttachmentStatus ?
VolumeAttachmentSource
  persistentVolumeName 1 string ?*
  inlineVolumeSpec 2 core.v1.PersistentVolumeSpec ?*
VolumeAttachmentSpec
  attacher 1 string
  source 2 VolumeAttachmentSource
  nodeName 3 string
VolumeAttachmentStatus
  attached 1 bool
  attachmentMetadata 2 map<string> ?
  attachError 3 VolumeError ?*
  detachError 4 VolumeError ?*
VolumeError
  time 1 Time ?
  message 2 string ?
VolumeNodeResources
  count 1 int32 ?*
`;
