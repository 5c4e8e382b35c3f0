import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeText } from '../files';
import { cellCase, finalizeSteps, runCommand, type SweepManifest, shellQuote } from './plan';
import { timeLimitSeconds } from './resources';

/** Where the cells run on Kubernetes. */
export interface K8sTarget {
  image: string;
  /** The PersistentVolumeClaim of the shared results volume (ReadWriteMany), mounted at the sweep's `out`. */
  claim: string;
  namespace?: string;
}

/** Where the sweep manifest is mounted in the pods (from the ConfigMap). */
export const MANIFEST_MOUNT = '/etc/pixsim-sweep';

type Doc = Record<string, unknown>;

function labels(m: SweepManifest, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'pixsim',
    'app.kubernetes.io/component': component,
    'pixsim/sweep': m.name,
  };
}

function metadata(m: SweepManifest, t: K8sTarget, name: string, component: string): Doc {
  return { name, ...(t.namespace ? { namespace: t.namespace } : {}), labels: labels(m, component) };
}

/** Kubernetes memory from Slurm's: `4G` → `4Gi`, `500M` → `500Mi`. */
function memory(mem: string): string {
  const m = /^(\d+)([KMGT]?)$/i.exec(mem);
  return m ? `${m[1]}${m[2] ? `${m[2].toUpperCase()}i` : 'Mi'}` : mem;
}

function podSpec(m: SweepManifest, t: K8sTarget, container: Doc, cpus: number, mem: string, gpus = 0): Doc {
  const limits = { cpu: `${cpus}`, memory: memory(mem), ...(gpus ? { 'nvidia.com/gpu': `${gpus}` } : {}) };
  return {
    restartPolicy: 'Never',
    // SIGTERM stops a cell at the next training step; give it time before SIGKILL.
    terminationGracePeriodSeconds: 120,
    containers: [
      {
        image: t.image,
        ...container,
        resources: { requests: { cpu: `${cpus}`, memory: memory(mem) }, limits },
        volumeMounts: [
          { name: 'results', mountPath: m.out },
          { name: 'sweep', mountPath: MANIFEST_MOUNT, readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'results', persistentVolumeClaim: { claimName: t.claim } },
      { name: 'sweep', configMap: { name: `pixsim-${m.name}-sweep` } },
    ],
  };
}

/**
 * The Kubernetes objects of a sweep: a ConfigMap holding `sweep.json`, an Indexed Job whose completion
 * index `i` runs cell `i` (`JOB_COMPLETION_INDEX`), and an aggregation Job that waits until every cell
 * is done (`pixsim status --wait`, reading the shared volume) and then aggregates and plots.
 */
export function k8sObjects(m: SweepManifest, t: K8sTarget): Doc[] {
  const r = m.resources;
  const cellScript = [
    'set -eu',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    cellCase(m, '${JOB_COMPLETION_INDEX:?}', 'echo "no cell for index $JOB_COMPLETION_INDEX" >&2; exit 2'),
    `exec ${runCommand(m)}`,
  ].join('\n');
  const cellsJob = `pixsim-${m.name}-cells`;
  const pixsim = m.pixsim.map(shellQuote).join(' ');
  const manifest = `${MANIFEST_MOUNT}/sweep.json`;
  const wait = timeLimitSeconds(r.time) * m.cells.length + 3600;
  const aggregateScript = [
    'set -eu',
    `${pixsim} status ${shellQuote(m.out)} --manifest ${manifest} --wait --timeout ${wait}`,
    ...finalizeSteps(m),
  ].join('\n');
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(m, t, `pixsim-${m.name}-sweep`, 'sweep'),
      data: { 'sweep.json': `${JSON.stringify(m, null, 2)}\n`, ...(m.specFiles ?? {}) },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(m, t, cellsJob, 'cells'),
      spec: {
        completionMode: 'Indexed',
        completions: m.cells.length,
        parallelism: Math.min(m.cells.length, r.maxParallel ?? m.cells.length),
        // A failed or evicted pod of an index is retried; the cell resumes from its checkpoints. A
        // replacement starts only once the old pod has stopped, so one pod at a time holds a cell.
        backoffLimitPerIndex: 3,
        podReplacementPolicy: 'Failed',
        template: {
          metadata: { labels: labels(m, 'cells') },
          spec: podSpec(
            m,
            t,
            {
              name: 'cell',
              command: ['/bin/sh', '-c', cellScript],
              // With JOB_COMPLETION_INDEX, names the pod's cell in its lock: a retried pod takes the lock over.
              env: [{ name: 'PIXSIM_K8S_JOB', value: cellsJob }],
            },
            r.cpus,
            r.mem,
            r.gpus,
          ),
        },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(m, t, `pixsim-${m.name}-aggregate`, 'aggregate'),
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: labels(m, 'aggregate') },
          spec: podSpec(m, t, { name: 'aggregate', command: ['/bin/sh', '-c', aggregateScript] }, 1, '2G'),
        },
      },
    },
  ];
}

/** The objects as one multi-document YAML file. */
export function k8sYaml(m: SweepManifest, t: K8sTarget): string {
  return k8sObjects(m, t)
    .map((doc) => stringify(doc, { lineWidth: 0 }))
    .join('---\n');
}

/** Writes `sweep.k8s.yaml` into the sweep folder; returns its path. */
export function writeK8sFiles(m: SweepManifest, t: K8sTarget, folder: string): string {
  const file = join(folder, 'sweep.k8s.yaml');
  writeText(file, k8sYaml(m, t));
  return file;
}
