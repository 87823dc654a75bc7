// CustomResourceDefinitions with the real kubectl: the seed's CRD (written for the v1beta1 API
// Kubernetes 1.32 no longer serves, then as v1), and the CronTab of the Kubernetes docs through
// its whole life — discovery, printer columns, short names, explain, validation, defaults,
// pruning, patches, the scale and status subresources, and deletion.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

/** The seed's CRD (003), as the book wrote it against apiextensions.k8s.io/v1beta1. */
const websiteV1beta1 = `apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: websites.extensions.example.com
spec:
  scope: Namespaced
  group: extensions.example.com
  version: v1
  names:
    kind: Website
    singular: website
    plural: websites
`;

/** The same CRD in the v1 API: v1 requires a schema, here one that keeps any spec. */
const websiteV1 = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: websites.extensions.example.com
spec:
  scope: Namespaced
  group: extensions.example.com
  names:
    kind: Website
    singular: website
    plural: websites
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

const kubia = `apiVersion: extensions.example.com/v1
kind: Website
metadata:
  name: kubia
spec:
  gitRepo: https://github.com/luksa/kubia-website-example.git
`;

const cronTabCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: CronTabSpec describes when and what to run.
              required: ["cronSpec"]
              properties:
                cronSpec:
                  type: string
                  description: The cron expression that schedules runs.
                  pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                image:
                  type: string
                  description: The image to run.
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                  default: 1
              x-kubernetes-validations:
              - rule: "!has(self.image) || !self.image.endsWith(':latest')"
                message: the image must be pinned to a version
            status:
              type: object
              properties:
                replicas:
                  type: integer
                labelSelector:
                  type: string
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
          labelSelectorPath: .status.labelSelector
      additionalPrinterColumns:
      - name: Spec
        type: string
        description: The cron spec defining the interval a CronJob is run
        jsonPath: .spec.cronSpec
      - name: Replicas
        type: integer
        description: The number of jobs launched by the CronJob
        jsonPath: .spec.replicas
      - name: Age
        type: date
        jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`;

const cronTab = (name: string, spec: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}`;

describe('CustomResourceDefinitions', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  it('refuses the seed\'s v1beta1 CRD, as Kubernetes 1.32 does, and serves its v1 form', async () => {
    const old = c.kubectl(['apply', '-f', '-'], { input: websiteV1beta1 });
    assert.notEqual(old.code, 0);
    assert.match(old.stderr, /no matches for kind "CustomResourceDefinition" in version "apiextensions\.k8s\.io\/v1beta1"/);

    assert.match(c.k(['apply', '-f', '-'], { input: websiteV1 }), /customresourcedefinition\.apiextensions\.k8s\.io\/websites\.extensions\.example\.com created/);
    await eventually(() => c.kubectl('get websites').code === 0, 10_000, 'websites to be served');
    assert.equal(c.k(['create', '-f', '-'], { input: kubia }), 'website.extensions.example.com/kubia created\n');
    const out = c.k('get websites');
    assert.match(out, /^NAME\s+AGE\nkubia\s+\d+s\n$/);
    assert.equal(c.k(['get', 'website', 'kubia', '-o', 'jsonpath={.spec.gitRepo}']), 'https://github.com/luksa/kubia-website-example.git');
  });

  it('creates the CRD, lists it and lists its resource', async () => {
    assert.match(c.k(['apply', '-f', '-'], { input: cronTabCRD }), /customresourcedefinition\.apiextensions\.k8s\.io\/crontabs\.stable\.example\.com created/);
    assert.equal(
      c.k('wait --for condition=established --timeout=10s crd/crontabs.stable.example.com'),
      'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n',
    );
    await eventually(() => c.kubectl('get crontabs').code === 0, 10_000, 'crontabs to be served');
    assert.match(c.k('get crd'), /^NAME\s+CREATED AT\n(.*\n)*crontabs\.stable\.example\.com\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
    const status = JSON.parse(c.k(['get', 'crd', 'crontabs.stable.example.com', '-o', 'jsonpath={.status}']));
    assert.deepEqual(status.acceptedNames, { kind: 'CronTab', listKind: 'CronTabList', plural: 'crontabs', shortNames: ['ct'], singular: 'crontab' });
    assert.deepEqual(
      status.conditions.map((x: { type: string; status: string; reason: string }) => `${x.type}=${x.status}/${x.reason}`),
      ['NamesAccepted=True/NoConflicts', 'Established=True/InitialNamesAccepted'],
    );
    const resources = c.k('api-resources --api-group=stable.example.com');
    assert.match(resources, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\ncrontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab\n$/);
  });

  it('creates objects, defaults them and prints the declared columns', () => {
    assert.equal(c.k(['create', '-f', '-'], { input: cronTab('my-new-cron-object', '  cronSpec: "* * * * */5"\n  image: my-awesome-cron-image:1.0\n') }), 'crontab.stable.example.com/my-new-cron-object created\n');
    const table = c.k('get crontabs');
    assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE\nmy-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s\n$/);
    assert.equal(c.k('get ct -o name'), 'crontab.stable.example.com/my-new-cron-object\n');
    const yaml = c.k('get ct my-new-cron-object -o yaml');
    assert.match(yaml, /^apiVersion: stable\.example\.com\/v1\nkind: CronTab\n/);
    assert.match(yaml, /\n  generation: 1\n/);
    assert.match(yaml, /\n  replicas: 1\n/, 'the schema default');
  });

  it('explains the schema', () => {
    const out = c.k('explain crontab.spec');
    assert.match(out, /KIND:\s+CronTab\nVERSION:\s+v1/);
    assert.match(out, /CronTabSpec describes when and what to run\./);
    assert.match(out, /cronSpec\t<string> -required-\n\s+The cron expression that schedules runs\./);
    assert.match(out, /replicas\t<integer>/);
  });

  it('reports schema and rule violations as Kubernetes does', () => {
    const bad = c.kubectl(['create', '-f', '-'], { input: cronTab('bad', '  replicas: "three"\n') });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The CronTab "bad" is invalid: /);
    assert.match(bad.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);
    assert.match(bad.stderr, /spec\.cronSpec: Required value/);

    const range = c.kubectl(['create', '-f', '-'], { input: cronTab('bad', '  cronSpec: "often"\n  replicas: 20\n') });
    assert.match(range.stderr, /spec\.cronSpec: Invalid value: "often": spec\.cronSpec in body should match/);
    assert.match(range.stderr, /spec\.replicas: Invalid value: 20: spec\.replicas in body should be less than or equal to 10/);

    const rule = c.kubectl(['create', '-f', '-'], { input: cronTab('bad', '  cronSpec: "* * * * *"\n  image: nginx:latest\n') });
    assert.match(rule.stderr, /The CronTab "bad" is invalid: spec: Invalid value: "object": the image must be pinned to a version/);
  });

  it('rejects unknown fields under strict validation, and prunes them otherwise', () => {
    const strict = c.kubectl(['create', '-f', '-'], { input: cronTab('pruned', '  cronSpec: "* * * * *"\n  colour: blue\n') });
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec\.colour"/);
    c.k(['create', '--validate=false', '-f', '-'], { input: cronTab('pruned', '  cronSpec: "* * * * *"\n  colour: blue\n') });
    assert.equal(c.k(['get', 'ct', 'pruned', '-o', 'jsonpath={.spec}']), '{"cronSpec":"* * * * *","replicas":1}');
  });

  it('patches, scales and updates status through the status subresource', () => {
    assert.equal(c.k(['patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"spec":{"cronSpec":"0 * * * *"}}']), 'crontab.stable.example.com/my-new-cron-object patched\n');
    assert.equal(c.k(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.cronSpec} {.metadata.generation}']), '0 * * * * 2');

    assert.equal(c.k('scale crontab my-new-cron-object --replicas=3'), 'crontab.stable.example.com/my-new-cron-object scaled\n');
    assert.match(c.k('get ct my-new-cron-object'), /my-new-cron-object\s+0 \* \* \* \*\s+3\s+/);

    // Status written with the object is ignored; the status subresource writes it.
    c.k(['patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"status":{"replicas":9}}']);
    assert.equal(c.k(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.status}']), '');
    c.k(['patch', 'ct', 'my-new-cron-object', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3,"labelSelector":"app=cron"},"spec":{"replicas":7}}']);
    assert.equal(c.k(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.status.replicas} {.spec.replicas}']), '3 3');
    const scale = JSON.parse(c.k(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object/scale']));
    assert.deepEqual([scale.kind, scale.spec, scale.status], ['Scale', { replicas: 3 }, { replicas: 3, selector: 'app=cron' }]);
  });

  it('deleting the CRD deletes its objects and stops serving them', async () => {
    assert.match(c.k('delete crd crontabs.stable.example.com'), /customresourcedefinition\.apiextensions\.k8s\.io "crontabs\.stable\.example\.com" deleted/);
    await eventually(() => !/crontabs/.test(c.k('api-resources')), 10_000, 'crontabs to leave discovery');
    assert.match(c.k('get crd'), /websites\.extensions\.example\.com/);
    assert.doesNotMatch(c.k('get crd'), /crontabs/);
    // Created again, the resource starts empty: the old objects went with the CRD.
    c.k(['apply', '-f', '-'], { input: cronTabCRD });
    await eventually(() => c.kubectl('get crontabs').code === 0, 10_000, 'crontabs to be served again');
    assert.equal(c.kubectl('get crontabs').stderr, 'No resources found in default namespace.\n');
  });
});
