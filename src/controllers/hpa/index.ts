// Horizontal pod autoscaling: the controller, its replica arithmetic, and the pod metrics it
// reads (simulated from annotations until the kubelet reports real usage).

export { horizontalPodAutoscalerController, HorizontalReconciler, type HorizontalControllerOptions } from './horizontal.js';
export { SimulatedPodMetrics, SimulateAnnotations, type PodMetricsSource, type PodMetrics, type ContainerMetrics } from './metrics.js';
