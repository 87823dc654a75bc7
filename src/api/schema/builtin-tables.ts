// What the generated client models do not say about the built-in types, written down for
// Kubernetes 1.32: how strategic merge patch and server-side apply treat each list and map
// (x-kubernetes-patch-*, x-kubernetes-list-*, x-kubernetes-map-type), which structs are atomic,
// which strings are resource quantities, which fields take a closed set of values, and which
// fields the 1.34 models have that 1.32 does not serve. Definitions are named by their Go
// package and type, shortened: `core.v1.PodSpec`, `meta.v1.ObjectMeta`, `apiextensions.v1.JSONSchemaProps`.

import type { StructuralSchema } from './structural.js';

export type FieldExtensions = Pick<
  StructuralSchema,
  | 'x-kubernetes-list-type'
  | 'x-kubernetes-list-map-keys'
  | 'x-kubernetes-map-type'
  | 'x-kubernetes-patch-strategy'
  | 'x-kubernetes-patch-merge-key'
>;

const atomic: FieldExtensions = { 'x-kubernetes-list-type': 'atomic' };
const set: FieldExtensions = { 'x-kubernetes-list-type': 'set' };

function listMap(...keys: string[]): FieldExtensions {
  return { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys };
}

function patch(strategy: string, mergeKey?: string): FieldExtensions {
  return mergeKey
    ? { 'x-kubernetes-patch-strategy': strategy, 'x-kubernetes-patch-merge-key': mergeKey }
    : { 'x-kubernetes-patch-strategy': strategy };
}

function mapType(type: 'atomic' | 'granular'): FieldExtensions {
  return { 'x-kubernetes-map-type': type };
}

/** The most common shape: a list keyed by one field that both patch styles merge on. */
function keyedBy(key: string): FieldExtensions {
  return { ...listMap(key), ...patch('merge', key) };
}

/** Per definition, per field: the list, map and patch semantics Kubernetes declares. */
export const fieldExtensions: Record<string, Record<string, FieldExtensions>> = {
  'core.v1.SecretVolumeSource': {
    items: atomic,
  },
  'core.v1.ISCSIVolumeSource': {
    portals: atomic,
  },
  'core.v1.RBDVolumeSource': {
    monitors: atomic,
  },
  'core.v1.CephFSVolumeSource': {
    monitors: atomic,
  },
  'core.v1.DownwardAPIVolumeSource': {
    items: atomic,
  },
  'core.v1.FCVolumeSource': {
    targetWWNs: atomic,
    wwids: atomic,
  },
  'core.v1.ConfigMapVolumeSource': {
    items: atomic,
  },
  'core.v1.ProjectedVolumeSource': {
    sources: atomic,
  },
  'core.v1.SecretProjection': {
    items: atomic,
  },
  'core.v1.DownwardAPIProjection': {
    items: atomic,
  },
  'core.v1.ConfigMapProjection': {
    items: atomic,
  },
  'meta.v1.LabelSelector': {
    matchExpressions: atomic,
  },
  'meta.v1.LabelSelectorRequirement': {
    values: atomic,
  },
  'meta.v1.ObjectMeta': {
    ownerReferences: keyedBy('uid'),
    finalizers: { ...set, ...patch('merge') },
    managedFields: atomic,
  },
  'core.v1.PersistentVolumeClaimSpec': {
    accessModes: atomic,
  },
  'core.v1.RBDPersistentVolumeSource': {
    monitors: atomic,
  },
  'core.v1.ISCSIPersistentVolumeSource': {
    portals: atomic,
  },
  'core.v1.CephFSPersistentVolumeSource': {
    monitors: atomic,
  },
  'core.v1.PersistentVolumeSpec': {
    accessModes: atomic,
    claimRef: mapType('granular'),
    mountOptions: atomic,
  },
  'core.v1.NodeSelector': {
    nodeSelectorTerms: atomic,
  },
  'core.v1.NodeSelectorTerm': {
    matchExpressions: atomic,
    matchFields: atomic,
  },
  'core.v1.NodeSelectorRequirement': {
    values: atomic,
  },
  'core.v1.PersistentVolumeClaimStatus': {
    accessModes: atomic,
    conditions: keyedBy('type'),
    allocatedResourceStatuses: mapType('granular'),
  },
  'core.v1.HTTPGetAction': {
    httpHeaders: atomic,
  },
  'core.v1.ExecAction': {
    command: atomic,
  },
  'core.v1.Capabilities': {
    add: atomic,
    drop: atomic,
  },
  'core.v1.ResourceRequirements': {
    claims: listMap('name'),
  },
  'core.v1.Container': {
    command: atomic,
    args: atomic,
    ports: { ...listMap('containerPort', 'protocol'), ...patch('merge', 'containerPort') },
    envFrom: atomic,
    env: keyedBy('name'),
    resizePolicy: atomic,
    volumeMounts: keyedBy('mountPath'),
    volumeDevices: keyedBy('devicePath'),
  },
  'core.v1.ContainerStatus': {
    volumeMounts: keyedBy('mountPath'),
    allocatedResourcesStatus: keyedBy('name'),
  },
  'core.v1.LinuxContainerUser': {
    supplementalGroups: atomic,
  },
  'core.v1.ResourceStatus': {
    resources: listMap('resourceID'),
  },
  'core.v1.TopologySelectorTerm': {
    matchLabelExpressions: atomic,
  },
  'core.v1.TopologySelectorLabelRequirement': {
    values: atomic,
  },
  'core.v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAffinityTerm': {
    namespaces: atomic,
    matchLabelKeys: atomic,
    mismatchLabelKeys: atomic,
  },
  'core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodSpec': {
    volumes: { ...listMap('name'), ...patch('merge,retainKeys', 'name') },
    initContainers: keyedBy('name'),
    containers: keyedBy('name'),
    ephemeralContainers: keyedBy('name'),
    nodeSelector: mapType('atomic'),
    imagePullSecrets: keyedBy('name'),
    tolerations: atomic,
    hostAliases: keyedBy('ip'),
    readinessGates: atomic,
    topologySpreadConstraints: { ...listMap('topologyKey', 'whenUnsatisfiable'), ...patch('merge', 'topologyKey') },
    schedulingGates: keyedBy('name'),
    resourceClaims: { ...listMap('name'), ...patch('merge,retainKeys', 'name') },
  },
  'core.v1.EphemeralContainer': {
    command: atomic,
    args: atomic,
    ports: { ...listMap('containerPort', 'protocol'), ...patch('merge', 'containerPort') },
    envFrom: atomic,
    env: keyedBy('name'),
    resizePolicy: atomic,
    volumeMounts: keyedBy('mountPath'),
    volumeDevices: keyedBy('devicePath'),
  },
  'core.v1.PodSecurityContext': {
    supplementalGroups: atomic,
    sysctls: atomic,
  },
  'core.v1.HostAlias': {
    hostnames: atomic,
  },
  'core.v1.PodDNSConfig': {
    nameservers: atomic,
    searches: atomic,
    options: atomic,
  },
  'core.v1.TopologySpreadConstraint': {
    matchLabelKeys: atomic,
  },
  'core.v1.PodStatus': {
    conditions: keyedBy('type'),
    hostIPs: { ...atomic, ...patch('merge', 'ip') },
    podIPs: keyedBy('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...listMap('name'), ...patch('merge,retainKeys', 'name') },
  },
  'core.v1.ReplicationControllerSpec': {
    selector: mapType('atomic'),
  },
  'core.v1.ReplicationControllerStatus': {
    conditions: keyedBy('type'),
  },
  'core.v1.ServiceStatus': {
    conditions: keyedBy('type'),
  },
  'core.v1.LoadBalancerStatus': {
    ingress: atomic,
  },
  'core.v1.LoadBalancerIngress': {
    ports: atomic,
  },
  'core.v1.ServiceSpec': {
    ports: { ...listMap('port', 'protocol'), ...patch('merge', 'port') },
    selector: mapType('atomic'),
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  'core.v1.ServiceAccount': {
    secrets: keyedBy('name'),
    imagePullSecrets: atomic,
  },
  'core.v1.Endpoints': {
    subsets: atomic,
  },
  'core.v1.EndpointSubset': {
    addresses: atomic,
    notReadyAddresses: atomic,
    ports: atomic,
  },
  'core.v1.NodeSpec': {
    podCIDRs: { ...set, ...patch('merge') },
    taints: atomic,
  },
  'core.v1.NodeStatus': {
    conditions: keyedBy('type'),
    addresses: keyedBy('type'),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
    runtimeHandlers: atomic,
  },
  'core.v1.ContainerImage': {
    names: atomic,
  },
  'core.v1.NamespaceSpec': {
    finalizers: atomic,
  },
  'core.v1.NamespaceStatus': {
    conditions: keyedBy('type'),
  },
  'core.v1.LimitRangeSpec': {
    limits: atomic,
  },
  'core.v1.ResourceQuotaSpec': {
    scopes: atomic,
  },
  'core.v1.ScopeSelector': {
    matchExpressions: atomic,
  },
  'core.v1.ScopedResourceSelectorRequirement': {
    values: atomic,
  },
  'apps.v1.StatefulSetSpec': {
    volumeClaimTemplates: atomic,
  },
  'apps.v1.StatefulSetStatus': {
    conditions: keyedBy('type'),
  },
  'apps.v1.DeploymentSpec': {
    strategy: patch('retainKeys'),
  },
  'apps.v1.DeploymentStatus': {
    conditions: keyedBy('type'),
  },
  'apps.v1.DaemonSetStatus': {
    conditions: keyedBy('type'),
  },
  'apps.v1.ReplicaSetStatus': {
    conditions: keyedBy('type'),
  },
  'authentication.v1.TokenReviewSpec': {
    audiences: atomic,
  },
  'authentication.v1.TokenReviewStatus': {
    audiences: atomic,
  },
  'authentication.v1.UserInfo': {
    groups: atomic,
  },
  'authentication.v1.TokenRequestSpec': {
    audiences: atomic,
  },
  'authorization.v1.SubjectAccessReviewSpec': {
    groups: atomic,
  },
  'authorization.v1.FieldSelectorAttributes': {
    requirements: atomic,
  },
  'meta.v1.FieldSelectorRequirement': {
    values: atomic,
  },
  'authorization.v1.LabelSelectorAttributes': {
    requirements: atomic,
  },
  'authorization.v1.SubjectRulesReviewStatus': {
    resourceRules: atomic,
    nonResourceRules: atomic,
  },
  'authorization.v1.ResourceRule': {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
  },
  'authorization.v1.NonResourceRule': {
    verbs: atomic,
    nonResourceURLs: atomic,
  },
  'autoscaling.v2.HorizontalPodAutoscalerSpec': {
    metrics: atomic,
  },
  'autoscaling.v2.HPAScalingRules': {
    policies: atomic,
  },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': {
    currentMetrics: atomic,
    conditions: keyedBy('type'),
  },
  'batch.v1.PodFailurePolicy': {
    rules: atomic,
  },
  'batch.v1.PodFailurePolicyRule': {
    onPodConditions: atomic,
  },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    values: set,
  },
  'batch.v1.SuccessPolicy': {
    rules: atomic,
  },
  'batch.v1.JobStatus': {
    conditions: { ...atomic, ...patch('merge', 'type') },
  },
  'batch.v1.UncountedTerminatedPods': {
    succeeded: set,
    failed: set,
  },
  'batch.v1.CronJobStatus': {
    active: atomic,
  },
  'certificates.v1.CertificateSigningRequestSpec': {
    request: atomic,
    usages: atomic,
    groups: atomic,
  },
  'certificates.v1.CertificateSigningRequestStatus': {
    conditions: listMap('type'),
    certificate: atomic,
  },
  'discovery.v1.EndpointSlice': {
    endpoints: atomic,
    ports: atomic,
  },
  'discovery.v1.Endpoint': {
    addresses: set,
  },
  'discovery.v1.EndpointHints': {
    forZones: atomic,
  },
  'networking.v1.NetworkPolicySpec': {
    ingress: atomic,
    egress: atomic,
    policyTypes: atomic,
  },
  'networking.v1.NetworkPolicyIngressRule': {
    ports: atomic,
    from: atomic,
  },
  'networking.v1.IPBlock': {
    except: atomic,
  },
  'networking.v1.NetworkPolicyEgressRule': {
    ports: atomic,
    to: atomic,
  },
  'networking.v1.IngressSpec': {
    tls: atomic,
    rules: atomic,
  },
  'networking.v1.IngressTLS': {
    hosts: atomic,
  },
  'networking.v1.HTTPIngressRuleValue': {
    paths: atomic,
  },
  'networking.v1.IngressLoadBalancerStatus': {
    ingress: atomic,
  },
  'networking.v1.IngressLoadBalancerIngress': {
    ports: atomic,
  },
  'node.v1.Scheduling': {
    nodeSelector: mapType('atomic'),
    tolerations: atomic,
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    selector: patch('replace'),
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    conditions: keyedBy('type'),
  },
  'rbac.v1.PolicyRule': {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
    nonResourceURLs: atomic,
  },
  'rbac.v1.Role': {
    rules: atomic,
  },
  'rbac.v1.RoleBinding': {
    subjects: atomic,
  },
  'rbac.v1.ClusterRole': {
    rules: atomic,
  },
  'rbac.v1.AggregationRule': {
    clusterRoleSelectors: atomic,
  },
  'rbac.v1.ClusterRoleBinding': {
    subjects: atomic,
  },
  'storage.v1.StorageClass': {
    mountOptions: atomic,
    allowedTopologies: atomic,
  },
  'storage.v1.CSIDriverSpec': {
    volumeLifecycleModes: set,
    tokenRequests: atomic,
  },
  'storage.v1.CSINodeSpec': {
    drivers: keyedBy('name'),
  },
  'storage.v1.CSINodeDriver': {
    topologyKeys: atomic,
  },
  'apiextensions.v1.CustomResourceDefinitionSpec': {
    versions: atomic,
  },
  'apiextensions.v1.CustomResourceDefinitionNames': {
    shortNames: atomic,
    categories: atomic,
  },
  'apiextensions.v1.CustomResourceDefinitionVersion': {
    additionalPrinterColumns: atomic,
    selectableFields: atomic,
  },
  'apiextensions.v1.JSONSchemaProps': {
    enum: atomic,
    required: atomic,
    allOf: atomic,
    oneOf: atomic,
    anyOf: atomic,
    'x-kubernetes-list-map-keys': atomic,
    'x-kubernetes-validations': keyedBy('rule'),
  },
  'apiextensions.v1.WebhookConversion': {
    conversionReviewVersions: atomic,
  },
  'apiextensions.v1.CustomResourceDefinitionStatus': {
    conditions: listMap('type'),
    storedVersions: atomic,
  },
  'core.v1.ComponentStatus': {
    conditions: keyedBy('type'),
  },
  'meta.v1.Status': {
    details: atomic,
  },
  'meta.v1.DeleteOptions': {
    dryRun: atomic,
  },
  'meta.v1.APIResourceList': {
    resources: atomic,
  },
  'meta.v1.APIResource': {
    shortNames: atomic,
    categories: atomic,
  },
  'meta.v1.APIGroupList': {
    groups: atomic,
  },
  'meta.v1.APIGroup': {
    versions: atomic,
    serverAddressByClientCIDRs: atomic,
  },
  'meta.v1.APIVersions': {
    versions: atomic,
    serverAddressByClientCIDRs: atomic,
  },
  'meta.v1.StatusDetails': {
    causes: atomic,
  },
};

/** Structs that server-side apply replaces as a whole (x-kubernetes-map-type: atomic). */
export const atomicStructs: ReadonlySet<string> = new Set([
  'core.v1.LocalObjectReference',
  'core.v1.ObjectFieldSelector',
  'core.v1.ResourceFieldSelector',
  'meta.v1.LabelSelector',
  'meta.v1.OwnerReference',
  'core.v1.TypedLocalObjectReference',
  'core.v1.SecretReference',
  'core.v1.ObjectReference',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.ConfigMapKeySelector',
  'core.v1.SecretKeySelector',
  'core.v1.TopologySelectorTerm',
  'core.v1.EndpointAddress',
  'core.v1.EndpointPort',
  'core.v1.ScopeSelector',
  'autoscaling.v1.CrossVersionObjectReference',
  'discovery.v1.EndpointPort',
  'networking.v1.ServiceBackendPort',
  'rbac.v1.Subject',
  'rbac.v1.RoleRef',
]);

/** Fields holding a resource.Quantity, or a map of them (a ResourceList). */
export const quantityFields: ReadonlySet<string> = new Set([
  'core.v1.EmptyDirVolumeSource.sizeLimit',
  'core.v1.ResourceFieldSelector.divisor',
  'core.v1.VolumeResourceRequirements.limits',
  'core.v1.VolumeResourceRequirements.requests',
  'core.v1.PersistentVolumeSpec.capacity',
  'core.v1.PersistentVolumeClaimStatus.capacity',
  'core.v1.PersistentVolumeClaimStatus.allocatedResources',
  'core.v1.ResourceRequirements.limits',
  'core.v1.ResourceRequirements.requests',
  'core.v1.ContainerStatus.allocatedResources',
  'core.v1.PodSpec.overhead',
  'core.v1.NodeStatus.capacity',
  'core.v1.NodeStatus.allocatable',
  'core.v1.LimitRangeItem.max',
  'core.v1.LimitRangeItem.min',
  'core.v1.LimitRangeItem.default',
  'core.v1.LimitRangeItem.defaultRequest',
  'core.v1.LimitRangeItem.maxLimitRequestRatio',
  'core.v1.ResourceQuotaSpec.hard',
  'core.v1.ResourceQuotaStatus.hard',
  'core.v1.ResourceQuotaStatus.used',
  'autoscaling.v2.MetricTarget.value',
  'autoscaling.v2.MetricTarget.averageValue',
  'autoscaling.v2.MetricValueStatus.value',
  'autoscaling.v2.MetricValueStatus.averageValue',
  'node.v1.Overhead.podFixed',
  'storage.v1.CSIStorageCapacity.capacity',
  'storage.v1.CSIStorageCapacity.maximumVolumeSize',
]);

/**
 * Fields of a Go string type with a closed set of values: the type's name (for decoding
 * errors) and the values, sorted as the OpenAPI documents list them. For a list or a map the
 * values are those of its items.
 */
export const enumFields: Record<string, [goType: string, ...values: string[]]> = {
  'core.v1.HostPathVolumeSource.type': ['HostPathType', '', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
  'core.v1.AzureDiskVolumeSource.cachingMode': ['AzureDataDiskCachingMode', 'None', 'ReadOnly', 'ReadWrite'],
  'core.v1.AzureDiskVolumeSource.kind': ['AzureDataDiskKind', 'Dedicated', 'Managed', 'Shared'],
  'core.v1.PersistentVolumeClaimSpec.accessModes': ['PersistentVolumeAccessMode', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
  'core.v1.PersistentVolumeClaimSpec.volumeMode': ['PersistentVolumeMode', 'Block', 'Filesystem'],
  'core.v1.ImageVolumeSource.pullPolicy': ['PullPolicy', 'Always', 'IfNotPresent', 'Never'],
  'core.v1.PersistentVolumeSpec.accessModes': ['PersistentVolumeAccessMode', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
  'core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy': ['PersistentVolumeReclaimPolicy', 'Delete', 'Recycle', 'Retain'],
  'core.v1.PersistentVolumeSpec.volumeMode': ['PersistentVolumeMode', 'Block', 'Filesystem'],
  'core.v1.NodeSelectorRequirement.operator': ['NodeSelectorOperator', 'DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
  'core.v1.PersistentVolumeStatus.phase': ['PersistentVolumePhase', 'Available', 'Bound', 'Failed', 'Pending', 'Released'],
  'core.v1.PersistentVolumeClaimStatus.phase': ['PersistentVolumeClaimPhase', 'Bound', 'Lost', 'Pending'],
  'core.v1.PersistentVolumeClaimStatus.accessModes': ['PersistentVolumeAccessMode', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
  'core.v1.PersistentVolumeClaimStatus.allocatedResourceStatuses': ['ClaimResourceStatus', 'ControllerResizeInProgress', 'ControllerResizeInfeasible', 'NodeResizeInProgress', 'NodeResizeInfeasible', 'NodeResizePending'],
  'core.v1.ModifyVolumeStatus.status': ['PersistentVolumeClaimModifyVolumeStatus', 'InProgress', 'Infeasible', 'Pending'],
  'core.v1.ContainerPort.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'core.v1.VolumeMount.mountPropagation': ['MountPropagationMode', 'Bidirectional', 'HostToContainer', 'None'],
  'core.v1.HTTPGetAction.scheme': ['URIScheme', 'HTTP', 'HTTPS'],
  'core.v1.Container.terminationMessagePolicy': ['TerminationMessagePolicy', 'FallbackToLogsOnError', 'File'],
  'core.v1.Container.imagePullPolicy': ['PullPolicy', 'Always', 'IfNotPresent', 'Never'],
  'core.v1.SecurityContext.procMount': ['ProcMountType', 'Default', 'Unmasked'],
  'core.v1.SeccompProfile.type': ['SeccompProfileType', 'Localhost', 'RuntimeDefault', 'Unconfined'],
  'core.v1.AppArmorProfile.type': ['AppArmorProfileType', 'Localhost', 'RuntimeDefault', 'Unconfined'],
  'core.v1.Taint.effect': ['TaintEffect', 'NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'core.v1.Toleration.operator': ['TolerationOperator', 'Equal', 'Exists'],
  'core.v1.Toleration.effect': ['TaintEffect', 'NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'core.v1.PodSpec.restartPolicy': ['RestartPolicy', 'Always', 'Never', 'OnFailure'],
  'core.v1.PodSpec.dnsPolicy': ['DNSPolicy', 'ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'core.v1.PodSpec.preemptionPolicy': ['PreemptionPolicy', 'Never', 'PreemptLowerPriority'],
  'core.v1.EphemeralContainer.terminationMessagePolicy': ['TerminationMessagePolicy', 'FallbackToLogsOnError', 'File'],
  'core.v1.EphemeralContainer.imagePullPolicy': ['PullPolicy', 'Always', 'IfNotPresent', 'Never'],
  'core.v1.PodSecurityContext.supplementalGroupsPolicy': ['SupplementalGroupsPolicy', 'Merge', 'Strict'],
  'core.v1.PodSecurityContext.fsGroupChangePolicy': ['PodFSGroupChangePolicy', 'Always', 'OnRootMismatch'],
  'core.v1.TopologySpreadConstraint.whenUnsatisfiable': ['UnsatisfiableConstraintAction', 'DoNotSchedule', 'ScheduleAnyway'],
  'core.v1.TopologySpreadConstraint.nodeAffinityPolicy': ['NodeInclusionPolicy', 'Honor', 'Ignore'],
  'core.v1.TopologySpreadConstraint.nodeTaintsPolicy': ['NodeInclusionPolicy', 'Honor', 'Ignore'],
  'core.v1.PodStatus.phase': ['PodPhase', 'Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
  'core.v1.PodStatus.qosClass': ['PodQOSClass', 'BestEffort', 'Burstable', 'Guaranteed'],
  'core.v1.PortStatus.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'core.v1.ServiceSpec.type': ['ServiceType', 'ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'core.v1.ServiceSpec.sessionAffinity': ['ServiceAffinity', 'ClientIP', 'None'],
  'core.v1.ServiceSpec.externalTrafficPolicy': ['ServiceExternalTrafficPolicy', 'Cluster', 'Local'],
  'core.v1.ServiceSpec.ipFamilies': ['IPFamily', '', 'IPv4', 'IPv6'],
  'core.v1.ServiceSpec.ipFamilyPolicy': ['IPFamilyPolicy', 'PreferDualStack', 'RequireDualStack', 'SingleStack'],
  'core.v1.ServiceSpec.internalTrafficPolicy': ['ServiceInternalTrafficPolicy', 'Cluster', 'Local'],
  'core.v1.ServicePort.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'core.v1.EndpointPort.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'core.v1.NodeStatus.phase': ['NodePhase', 'Pending', 'Running', 'Terminated'],
  'core.v1.NamespaceStatus.phase': ['NamespacePhase', 'Active', 'Terminating'],
  'core.v1.ResourceQuotaSpec.scopes': ['ResourceQuotaScope', 'BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'],
  'core.v1.ScopedResourceSelectorRequirement.scopeName': ['ResourceQuotaScope', 'BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'],
  'core.v1.ScopedResourceSelectorRequirement.operator': ['ScopeSelectorOperator', 'DoesNotExist', 'Exists', 'In', 'NotIn'],
  'apps.v1.StatefulSetSpec.podManagementPolicy': ['PodManagementPolicyType', 'OrderedReady', 'Parallel'],
  'apps.v1.StatefulSetUpdateStrategy.type': ['StatefulSetUpdateStrategyType', 'OnDelete', 'RollingUpdate'],
  'apps.v1.DeploymentStrategy.type': ['DeploymentStrategyType', 'Recreate', 'RollingUpdate'],
  'apps.v1.DaemonSetUpdateStrategy.type': ['DaemonSetUpdateStrategyType', 'OnDelete', 'RollingUpdate'],
  'batch.v1.JobSpec.completionMode': ['CompletionMode', 'Indexed', 'NonIndexed'],
  'batch.v1.JobSpec.podReplacementPolicy': ['PodReplacementPolicy', 'Failed', 'TerminatingOrFailed'],
  'batch.v1.PodFailurePolicyRule.action': ['PodFailurePolicyAction', 'Count', 'FailIndex', 'FailJob', 'Ignore'],
  'batch.v1.PodFailurePolicyOnExitCodesRequirement.operator': ['PodFailurePolicyOnExitCodesOperator', 'In', 'NotIn'],
  'batch.v1.CronJobSpec.concurrencyPolicy': ['ConcurrencyPolicy', 'Allow', 'Forbid', 'Replace'],
  'certificates.v1.CertificateSigningRequestSpec.usages': ['KeyUsage', 'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping'],
  'discovery.v1.EndpointSlice.addressType': ['AddressType', 'FQDN', 'IPv4', 'IPv6'],
  'discovery.v1.EndpointPort.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'networking.v1.NetworkPolicySpec.policyTypes': ['PolicyType', 'Egress', 'Ingress'],
  'networking.v1.NetworkPolicyPort.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'networking.v1.HTTPIngressPath.pathType': ['PathType', 'Exact', 'ImplementationSpecific', 'Prefix'],
  'networking.v1.IngressPortStatus.protocol': ['Protocol', 'SCTP', 'TCP', 'UDP'],
  'policy.v1.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy': ['UnhealthyPodEvictionPolicyType', 'AlwaysAllow', 'IfHealthyBudget'],
  'scheduling.v1.PriorityClass.preemptionPolicy': ['PreemptionPolicy', 'Never', 'PreemptLowerPriority'],
  'storage.v1.StorageClass.reclaimPolicy': ['PersistentVolumeReclaimPolicy', 'Delete', 'Recycle', 'Retain'],
  'storage.v1.StorageClass.volumeBindingMode': ['VolumeBindingMode', 'Immediate', 'WaitForFirstConsumer'],
  'apiextensions.v1.ValidationRule.reason': ['FieldValueErrorReason', 'FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'],

};

/** Defaults the real OpenAPI declares; server-side apply needs them for list map keys. */
export const fieldDefaults: Record<string, unknown> = {
  'core.v1.ContainerPort.protocol': 'TCP',
  'core.v1.ServicePort.protocol': 'TCP',
};
