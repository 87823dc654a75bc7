// The pod every benchmark writes: shaped like a pod a Deployment makes (labels, annotations,
// two containers with env, probes, resources and mounts), about 3 KB of JSON, so the figures
// reflect realistic object sizes rather than empty shells.

import type { KubeObject } from '../src/api/object.js';

export const benchNamespace = 'default';

/**
 * A scheduler no one runs. Pods that name it are left alone by the cluster's scheduler, so the
 * server's figures measure the API server, not the scheduling attempts (a status write, an
 * Event and its updates per pod) that pods make in a cluster without nodes.
 */
export const unscheduledSchedulerName = 'kubelite-bench-unscheduled';

export interface BenchPodOptions {
  /** spec.schedulerName; the default scheduler's when absent. */
  schedulerName?: string;
}

/** A valid v1 Pod named `name`, ready to POST (no status, no server-set fields). */
export function benchPod(name: string, namespace = benchNamespace, options: BenchPodOptions = {}): KubeObject {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: {
        app: 'bench-web',
        'app.kubernetes.io/name': 'bench-web',
        'app.kubernetes.io/instance': 'bench-web-prod',
        'app.kubernetes.io/version': '1.27.3',
        'app.kubernetes.io/component': 'frontend',
        'app.kubernetes.io/part-of': 'kubelite-bench',
        'pod-template-hash': '6d4cf56db6',
        tier: 'web',
      },
      annotations: {
        'kubectl.kubernetes.io/default-container': 'web',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
        'bench.kubelite.dev/description': 'A pod-sized object written by the kubelite benchmark; its size matches a typical Deployment pod.',
      },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/bench/web:1.27.3',
          imagePullPolicy: 'IfNotPresent',
          args: ['--listen=:8080', '--metrics=:9090', '--log-level=info', '--cache-size=256Mi'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'UPSTREAM_URL', value: 'http://bench-api.default.svc.cluster.local:8080' },
            { name: 'FEATURE_FLAGS', value: 'fast-path,compression,structured-logging' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
          livenessProbe: { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10 },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/web', readOnly: true },
            { name: 'cache', mountPath: '/var/cache/web' },
          ],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001 },
        },
        {
          name: 'log-shipper',
          image: 'registry.example.com/bench/log-shipper:2.1.0',
          args: ['--input=/var/log/web', '--output=http://logs.default.svc:9200'],
          resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } },
          volumeMounts: [{ name: 'cache', mountPath: '/var/log/web', subPath: 'logs' }],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'bench-web-config', defaultMode: 420 } },
        { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
      ],
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { labelSelector: { matchLabels: { app: 'bench-web' } }, topologyKey: 'kubernetes.io/hostname' },
            },
          ],
        },
      },
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
    },
  };
  if (options.schedulerName) (pod.spec as Record<string, unknown>).schedulerName = options.schedulerName;
  return pod;
}

/** The JSON body of benchPod, as a client sends it. */
export function benchPodBody(name: string, namespace = benchNamespace, options: BenchPodOptions = {}): string {
  return JSON.stringify(benchPod(name, namespace, options));
}
