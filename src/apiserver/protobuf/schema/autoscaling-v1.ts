// Wire schema of k8s.io/api autoscaling/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const autoscalingV1 = `
package autoscaling.v1 autoscaling/v1
CrossVersionObjectReference
  kind 1 string
  name 2 string
  apiVersion 3 string ?
@HorizontalPodAutoscaler
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 HorizontalPodAutoscalerSpec ?
  status 3 HorizontalPodAutoscalerStatus ?
HorizontalPodAutoscalerSpec
  scaleTargetRef 1 CrossVersionObjectReference
  minReplicas 2 int32 ?*
  maxReplicas 3 int32
  targetCPUUtilizationPercentage 4 int32 ?*
HorizontalPodAutoscalerStatus
  observedGeneration 1 int64 ?*
  lastScaleTime 2 Time ?*
  currentReplicas 3 int32
  desiredReplicas 4 int32
  currentCPUUtilizationPercentage 5 int32 ?*
@Scale
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 ScaleSpec ?
  status 3 ScaleStatus ?
ScaleSpec
  replicas 1 int32 ?
ScaleStatus
  replicas 1 int32
  selector 2 string ?
`;
