import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, invalid, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { setDefaultsPod, setDefaultsPodTemplateSpec } from '../defaults/pod.js';
import { podValidation, podTemplateValidation, validatePodBinding, validatePodEphemeralContainersUpdate, validatePodSpec, validatePodTemplateSpec } from './pod.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec };
  setDefaultsPod(p);
  return p;
}

const loop = { name: 'loop', image: 'alpine', command: ['/bin/sh'], args: ['-c', 'while true; do echo "hello world"; sleep 2s; done'] };

function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

test('the seed pods validate once defaulted', () => {
  assert.deepEqual(podValidation.validate(pod({ containers: [loop] })), []);
  const probes = pod({
    containers: [
      {
        name: 'kubia',
        image: 'luksa/kubia',
        ports: [{ name: 'http', containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 15 },
        readinessProbe: { exec: { command: ['ls', '/var/ready'] } },
        startupProbe: { tcpSocket: { port: 'http' } },
        lifecycle: { preStop: { httpGet: { port: 8080, path: 'shutdown' } }, postStart: { exec: { command: ['sh', '-c', 'true'] } } },
        resources: { requests: { cpu: '200m', memory: '10Mi' }, limits: { cpu: 1, memory: '20Mi' } },
        securityContext: { runAsUser: 405, runAsNonRoot: true, privileged: true, capabilities: { add: ['SYS_TIME'], drop: ['CHOWN'] }, readOnlyRootFilesystem: true },
        volumeMounts: [{ name: 'data', mountPath: '/var/data' }],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'X', value: '1' }],
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
    volumes: [{ name: 'data', emptyDir: {} }],
    hostNetwork: true,
    hostPID: true,
    hostIPC: true,
    nodeSelector: { gpu: 'true' },
    tolerations: [{ key: 'node-type', operator: 'Equal', value: 'production', effect: 'NoSchedule' }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'In', values: ['true'] }] }] } } },
  });
  assert.deepEqual(messages(podValidation.validate(probes)), []);
});

test('a pod without containers, and containers without name or image', () => {
  assert.deepEqual(messages(podValidation.validate(pod({ containers: [] }))), ['spec.containers: Required value']);
  const errs = messages(podValidation.validate(pod({ containers: [{ image: 'nginx' }, { name: 'b' }] })));
  assert.deepEqual(errs, ['spec.containers[0].name: Required value', 'spec.containers[1].image: Required value']);
});

test('container names must be unique DNS labels across containers and init containers', () => {
  const p = pod({ containers: [loop, { ...loop }], initContainers: [{ ...loop, name: 'loop' }] });
  assert.deepEqual(messages(podValidation.validate(p)), ['spec.containers[1].name: Duplicate value: "loop"', 'spec.initContainers[0].name: Duplicate value: "loop"']);
  const bad = messages(podValidation.validate(pod({ containers: [{ ...loop, name: 'Loop_1' }] })));
  assert.match(bad[0], /^spec\.containers\[0\]\.name: Invalid value: "Loop_1": a lowercase RFC 1123 label must consist of/);
});

test('restartPolicy and dnsPolicy values', () => {
  const p = pod({ containers: [loop], restartPolicy: 'Sometimes', dnsPolicy: 'Nope' });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Nope": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
});

test('requests may not exceed limits; resource names must be known', () => {
  const p = pod({ containers: [{ ...loop, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
  assert.equal(
    invalid('Pod', '', 'p', podValidation.validate(p)).message,
    'Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  );
  const names = messages(podValidation.validate(pod({ containers: [{ ...loop, resources: { limits: { gpus: '1', 'example.com/dongle': '1.5' } } }] })));
  assert.ok(names.includes('spec.containers[0].resources.limits[gpus]: Invalid value: "gpus": must be a standard resource type or fully qualified'));
  assert.ok(names.includes('spec.containers[0].resources.limits[gpus]: Invalid value: "gpus": must be a standard resource for containers'));
  assert.ok(names.includes('spec.containers[0].resources.limits[example.com/dongle]: Invalid value: "1500m": must be an integer'));
  const negative = messages(podValidation.validate(pod({ containers: [{ ...loop, resources: { requests: { memory: '-1' } } }] })));
  assert.deepEqual(negative, ['spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0']);
  const unparsable = podValidation.validate(pod({ containers: [{ ...loop, resources: { requests: { memory: 'lots' } } }] }));
  assert.equal(unparsable.length, 1, 'a bad quantity is reported, never thrown');
});

test('ports: numbers, names, protocols, host port conflicts', () => {
  const p = pod({
    containers: [
      { ...loop, ports: [{ containerPort: 0 }, { containerPort: 70000, name: 'HTTP' }, { containerPort: 80, protocol: 'ICMP' }, { containerPort: 81, hostPort: 8080 }] },
      { ...loop, name: 'b', ports: [{ containerPort: 82, hostPort: 8080 }] },
    ],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.containers[0].ports[0].containerPort: Required value',
    'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
    'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
  ]);
});

test('hostNetwork pods: host ports default to and must match container ports', () => {
  const p = pod({ hostNetwork: true, containers: [{ ...loop, ports: [{ containerPort: 9100 }] }] });
  assert.equal((p.spec as any).containers[0].ports[0].hostPort, 9100);
  assert.deepEqual(podValidation.validate(p), []);
  (p.spec as any).containers[0].ports[0].hostPort = 9200;
  assert.deepEqual(messages(podValidation.validate(p)), ['spec.containers[0].ports[0].hostPort: Invalid value: 9200: must match `containerPort` when `hostNetwork` is true']);
});

test('volume mounts must name a valid volume; volumes need exactly one source', () => {
  // As upstream: the invalid first "cfg" is not registered, so the second is no duplicate and mounts find it.
  const p = pod({
    containers: [{ ...loop, volumeMounts: [{ name: 'missing', mountPath: '/a' }, { name: 'cfg', mountPath: '/a' }] }],
    volumes: [{ name: 'cfg', configMap: { name: 'c' }, secret: { secretName: 's' } }, { name: 'cfg', emptyDir: {} }, { name: 'Bad_Name', hostPath: { path: '../etc' } }],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[2].hostPath.path: Invalid value: "../etc": must not contain \'..\'',
    `spec.volumes[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
  ]);
});

test('volume sources: required fields and file modes', () => {
  const p = pod({
    containers: [loop],
    volumes: [
      { name: 'a', secret: { defaultMode: 1000 } },
      { name: 'b', persistentVolumeClaim: {} },
      { name: 'c', nfs: { server: 'x', path: 'relative' } },
      { name: 'd', configMap: { name: 'cm', items: [{ key: 'k', path: '/abs' }] } },
      { name: 'e', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'x', fieldRef: { fieldPath: 'spec.nodeName' } }] } },
    ],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.volumes[0].secret.secretName: Required value',
    'spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[1].persistentVolumeClaim.claimName: Required value',
    'spec.volumes[2].nfs.path: Invalid value: "relative": must be an absolute path',
    'spec.volumes[3].configMap.items[0].path: Invalid value: "/abs": must be a relative path',
    'spec.volumes[4].downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
  ]);
});

test('env: names, and exactly one valueFrom source', () => {
  const p = pod({
    containers: [
      {
        ...loop,
        env: [
          { name: '1BAD' },
          { name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'B', valueFrom: {} },
          { name: 'C', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } },
        ],
        envFrom: [{ configMapRef: { name: 'cm' } }, {}],
      },
    ],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    `spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
    'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    'spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
  ]);
});

test('probes: one handler, thresholds, and the rules per probe kind', () => {
  const p = pod({
    containers: [
      {
        ...loop,
        livenessProbe: { exec: { command: ['x'] }, httpGet: { port: 80 }, successThreshold: 2 },
        readinessProbe: { tcpSocket: { port: 0 }, terminationGracePeriodSeconds: 5, timeoutSeconds: -1 },
        startupProbe: {},
      },
    ],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes',
    'spec.containers[0].startupProbe: Required value: must specify a handler type',
  ]);
});

test('init containers: no probes or hooks unless they are sidecars', () => {
  const bad = pod({ containers: [loop], initContainers: [{ name: 'init', image: 'busybox', readinessProbe: { exec: { command: ['x'] } } }] });
  assert.deepEqual(messages(podValidation.validate(bad)), [
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
  ]);
  const sidecar = pod({ containers: [loop], initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', readinessProbe: { exec: { command: ['x'] } } }] });
  assert.deepEqual(podValidation.validate(sidecar), []);
  const regular = pod({ containers: [{ ...loop, restartPolicy: 'Always' }] });
  assert.deepEqual(messages(podValidation.validate(regular)), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']);
});

test('lifecycle sleep hooks are bounded by the grace period', () => {
  const p = pod({ terminationGracePeriodSeconds: 10, containers: [{ ...loop, lifecycle: { preStop: { sleep: { seconds: 20 } } } }] });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.containers[0].lifecycle.preStop.sleep: Invalid value: 20: must be greater than 0 and less than terminationGracePeriodSeconds (10). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.',
  ]);
});

test('tolerations, affinity and topology spread constraints', () => {
  const p = pod({
    containers: [loop],
    tolerations: [
      { operator: 'Equal', value: 'x' },
      { key: 'k', operator: 'Exists', value: 'v' },
      { key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' },
      { key: 'k', effect: 'Sometimes' },
    ],
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } } }] },
    },
    topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }],
  });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
    "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must be non-empty",
    `spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
    "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    'spec.tolerations[3].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});

test('security contexts', () => {
  const p = pod({
    hostPID: true,
    shareProcessNamespace: true,
    securityContext: { runAsUser: -1, sysctls: [{ name: 'net.core.somaxconn', value: '1' }, { name: 'Bad!' }] },
    hostNetwork: true,
    containers: [{ ...loop, securityContext: { allowPrivilegeEscalation: false, privileged: true, procMount: 'Unmasked' } }],
  });
  const got = messages(podValidation.validate(p));
  assert.ok(got.includes('spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'));
  assert.ok(got.includes('spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled'));
  assert.ok(got.includes(`spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when 'hostNetwork' is true`));
  assert.ok(got.some((m) => m.startsWith('spec.securityContext.sysctls[1].name: Invalid value: "Bad!": must have at most 253 characters and match regex')));
  assert.ok(got.some((m) => m.includes('cannot set `allowPrivilegeEscalation` to false and `privileged` to true')));
  assert.ok(got.includes('spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`'));
});

test('pods may not set ephemeral containers on create; images may not be padded', () => {
  const p = pod({ containers: [{ ...loop, image: ' alpine ' }], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] });
  assert.deepEqual(messages(podValidation.validate(p)), [
    'spec.containers[0].image: Invalid value: " alpine ": must not have leading or trailing whitespace',
    'spec.ephemeralContainers: Forbidden: cannot be set on create',
  ]);
});

test('a pod that gained ephemeral containers can still be updated', () => {
  const p = pod({ containers: [loop], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] }, { resourceVersion: '7' });
  assert.deepEqual(podValidation.validate(p), []);
});

test('pod updates: only images, deadlines and added tolerations may change', () => {
  const old = pod({ containers: [loop], tolerations: [{ key: 'a', operator: 'Exists' }] }, { resourceVersion: '1' });
  const newImage = copy(old);
  (newImage.spec as any).containers[0].image = 'alpine:3.6';
  (newImage.spec as any).tolerations.push({ key: 'b', operator: 'Exists' });
  (newImage.spec as any).activeDeadlineSeconds = 100;
  assert.deepEqual(podValidation.validateUpdate!(newImage, old), []);

  const changed = copy(old);
  (changed.spec as any).containers[0].command = ['sh'];
  const errs = podValidation.validateUpdate!(changed, old);
  assert.equal(errs.length, 1);
  const msg = invalid('Pod', '', 'p', errs).message;
  assert.ok(
    msg.startsWith(
      'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    msg,
  );
  assert.match(msg, /containers\[0\]\.command\[0\]: "\/bin\/sh"/);

  const removed = copy(old);
  (removed.spec as any).containers.push({ ...loop, name: 'two' });
  assert.deepEqual(messages(podValidation.validateUpdate!(removed, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);

  const tolerations = copy(old);
  (tolerations.spec as any).tolerations = [];
  assert.deepEqual(messages(podValidation.validateUpdate!(tolerations, old)), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);

  const deadline = copy(old);
  (old.spec as any).activeDeadlineSeconds = 10;
  (deadline.spec as any).activeDeadlineSeconds = 20;
  assert.deepEqual(messages(podValidation.validateUpdate!(deadline, old)), ['spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value']);
});

test('pod status updates: qosClass and nodeName are fixed, terminated containers stay terminated', () => {
  const old = pod({ containers: [loop], restartPolicy: 'Never', nodeName: 'n1' });
  old.status = { qosClass: 'BestEffort', containerStatuses: [{ name: 'loop', state: { terminated: { exitCode: 0 } } }] };
  const next = copy(old);
  next.status = { qosClass: 'Guaranteed', containerStatuses: [{ name: 'loop', state: { running: {} } }], podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] };
  (next.spec as any).nodeName = 'n2';
  assert.deepEqual(messages(podValidation.validateStatusUpdate!(next, old)), [
    'status.nodeName: Forbidden: may not be changed directly',
    'status.qosClass: Invalid value: "Guaranteed": field is immutable',
    'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
    'status.podIPs: Invalid value: [{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]: may specify no more than one IP for each IP family',
  ]);
});

test('ephemeral containers may be added through the subresource, not changed', () => {
  const old = pod({ containers: [loop] });
  const added = copy(old);
  (added.spec as any).ephemeralContainers = [{ name: 'debug', image: 'busybox', targetContainerName: 'loop', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }];
  assert.deepEqual(validatePodEphemeralContainersUpdate(added, old), []);
  const changed = copy(added);
  (changed.spec as any).ephemeralContainers[0].image = 'alpine';
  (changed.spec as any).ephemeralContainers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
  const got = messages(validatePodEphemeralContainersUpdate(changed, added));
  assert.ok(got.includes('spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container'));
  assert.ok(got.some((m) => m.startsWith('spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be changed\n')));
});

test('pod templates: labels reported under the template path, no ephemeral containers', () => {
  const template: Record<string, unknown> = {
    metadata: { labels: { app: 'bad value' } },
    spec: { containers: [loop], ephemeralContainers: [{ name: 'e', image: 'x' }] },
  };
  setDefaultsPodTemplateSpec(template);
  const got = messages(validatePodTemplateSpec(template, 'spec.template'));
  assert.ok(got[0].startsWith('spec.template.labels: Invalid value: "bad value": a valid label must be'));
  assert.ok(got.includes('spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template'));
  const pt: KubeObject = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template: { spec: { containers: [{ name: 'c' }] } } };
  // Undefaulted, a template misses every field the defaulter would have filled.
  assert.deepEqual(messages(podTemplateValidation.validate(pt)), [
    'template.spec.terminationGracePeriodSeconds: Required value',
    'template.spec.containers[0].image: Required value',
    'template.spec.containers[0].terminationMessagePolicy: Required value',
    'template.spec.containers[0].imagePullPolicy: Required value',
    'template.spec.restartPolicy: Required value',
    'template.spec.dnsPolicy: Required value',
  ]);
});

test('validatePodSpec tolerates any JSON shape', () => {
  for (const spec of [null, 5, 'x', [], { containers: 'nope' }, { containers: [null, 3, 'x'] }, { volumes: {}, containers: [{ name: 5, image: [] }] }]) {
    assert.doesNotThrow(() => validatePodSpec(spec, 'spec'));
    assert.ok(validatePodSpec(spec, 'spec').length > 0);
  }
});

test('bindings name a Node', () => {
  assert.deepEqual(validatePodBinding({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }), []);
  assert.deepEqual(messages(validatePodBinding({ metadata: { name: 'p' }, target: { kind: 'Pod' } })), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
});
