// Controllers of pods: ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet,
// their ControllerRevisions and PodTemplates — replica counts, the wide CONTAINERS / IMAGES /
// SELECTOR columns, and Kubernetes 1.32's descriptions for each.

import { ageCell, ageColumn, column, containersColumn, imagesColumn, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { containerCells, formatLabels, formatLabelSelector, labelSelectorString } from './format.js';
import { int, list, obj, str, stringMap } from './json.js';
import type { TablePrinter } from './types.js';

function templateContainers(o: unknown, ...templatePath: string[]): { names: string; images: string } {
  return containerCells(obj(o, ...templatePath, 'spec').containers);
}

export const podTemplatePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  row(o) {
    const { names, images } = templateContainers(o, 'template');
    return [nameCell(o), names, images, formatLabels(stringMap(o, 'template', 'metadata', 'labels'))];
  },
};

export const replicationControllerPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', apiDoc['corev1.ReplicationControllerSpec.replicas']),
    column('Current', 'integer', apiDoc['corev1.ReplicationControllerStatus.replicas']),
    column('Ready', 'integer', apiDoc['corev1.ReplicationControllerStatus.readyReplicas']),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['corev1.ReplicationControllerSpec.selector']),
  ],
  row(o, { now }) {
    const { names, images } = templateContainers(o, 'spec', 'template');
    return [
      nameCell(o),
      int(o, 'spec', 'replicas'),
      int(o, 'status', 'replicas'),
      int(o, 'status', 'readyReplicas'),
      ageCell(o, now),
      names,
      images,
      formatLabels(stringMap(o, 'spec', 'selector')),
    ];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', apiDoc['extensionsv1beta1.ReplicaSetSpec.replicas']),
    column('Current', 'integer', apiDoc['extensionsv1beta1.ReplicaSetStatus.replicas']),
    column('Ready', 'integer', apiDoc['extensionsv1beta1.ReplicaSetStatus.readyReplicas']),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['extensionsv1beta1.ReplicaSetSpec.selector']),
  ],
  row(o, { now }) {
    const { names, images } = templateContainers(o, 'spec', 'template');
    return [
      nameCell(o),
      int(o, 'spec', 'replicas'),
      int(o, 'status', 'replicas'),
      int(o, 'status', 'readyReplicas'),
      ageCell(o, now),
      names,
      images,
      formatLabelSelector(obj(o, 'spec').selector),
    ];
  },
};

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', apiDoc['extensionsv1beta1.DeploymentStatus.updatedReplicas']),
    column('Available', 'string', apiDoc['extensionsv1beta1.DeploymentStatus.availableReplicas']),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['extensionsv1beta1.DeploymentSpec.selector']),
  ],
  row(o, { now }) {
    const { names, images } = templateContainers(o, 'spec', 'template');
    // Unlike the other workloads, a nil selector prints as "" here and a bad one as <invalid>.
    const selector = labelSelectorString(obj(o, 'spec').selector) ?? '<invalid>';
    return [
      nameCell(o),
      `${int(o, 'status', 'readyReplicas')}/${int(o, 'spec', 'replicas')}`,
      int(o, 'status', 'updatedReplicas'),
      int(o, 'status', 'availableReplicas'),
      ageCell(o, now),
      names,
      images,
      selector,
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [nameColumn, column('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  row(o, { now }) {
    const { names, images } = templateContainers(o, 'spec', 'template');
    return [nameCell(o), `${int(o, 'status', 'readyReplicas')}/${int(o, 'spec', 'replicas')}`, ageCell(o, now), names, images];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', apiDoc['extensionsv1beta1.DaemonSetStatus.desiredNumberScheduled']),
    column('Current', 'integer', apiDoc['extensionsv1beta1.DaemonSetStatus.currentNumberScheduled']),
    column('Ready', 'integer', apiDoc['extensionsv1beta1.DaemonSetStatus.numberReady']),
    column('Up-to-date', 'integer', apiDoc['extensionsv1beta1.DaemonSetStatus.updatedNumberScheduled']),
    column('Available', 'integer', apiDoc['extensionsv1beta1.DaemonSetStatus.numberAvailable']),
    column('Node Selector', 'string', apiDoc['corev1.PodSpec.nodeSelector']),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['extensionsv1beta1.DaemonSetSpec.selector']),
  ],
  row(o, { now }) {
    const { names, images } = templateContainers(o, 'spec', 'template');
    return [
      nameCell(o),
      int(o, 'status', 'desiredNumberScheduled'),
      int(o, 'status', 'currentNumberScheduled'),
      int(o, 'status', 'numberReady'),
      int(o, 'status', 'updatedNumberScheduled'),
      int(o, 'status', 'numberAvailable'),
      formatLabels(stringMap(o, 'spec', 'template', 'spec', 'nodeSelector')),
      ageCell(o, now),
      names,
      images,
      formatLabelSelector(obj(o, 'spec').selector),
    ];
  },
};

/** "daemonset.apps/fluentd": the controller owner, as formatResourceName writes it. */
function controllerCell(o: unknown): string {
  const owner = list(o, 'metadata', 'ownerReferences').find((r) => r.controller === true);
  if (!owner) return '<none>';
  const apiVersion = str(owner, 'apiVersion');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = str(owner, 'kind');
  const name = str(owner, 'name');
  if (group === '' && kind === '') return name;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${name}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', apiDoc['appsv1beta1.ControllerRevision.revision']),
    ageColumn,
  ],
  row(o, { now }) {
    return [nameCell(o), controllerCell(o), int(o, 'revision'), ageCell(o, now)];
  },
};
