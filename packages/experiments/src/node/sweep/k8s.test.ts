import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { k8sYaml } from './k8s';
import { planSweep } from './plan';
import { request } from './sweep.fixture';

type Pod = {
  restartPolicy: string;
  volumes: unknown[];
  containers: {
    image: string;
    command: string[];
    env?: unknown[];
    volumeMounts: unknown[];
    resources: { limits: unknown };
  }[];
};
type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec: { template: { spec: Pod } } & Record<string, unknown>;
};

async function objects() {
  const m = await planSweep({ ...request, out: '/results', remoteOut: true, pixsim: ['echo'] });
  const docs = parseAllDocuments(
    k8sYaml(m, { image: 'registry.example/pixsim:1.0', claim: 'pixsim-results', namespace: 'ml' }),
  );
  for (const d of docs) expect(d.errors).toEqual([]);
  return { m, docs: docs.map((d) => d.toJS() as Doc) };
}

describe('--emit k8s', () => {
  it('writes a ConfigMap with the manifest, an Indexed Job of the cells and an aggregation Job', async () => {
    const { m, docs } = await objects();
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual([
      ['v1', 'ConfigMap', 'pixsim-fig2a-noise-fashion-mnist-smoke-sweep'],
      ['batch/v1', 'Job', 'pixsim-fig2a-noise-fashion-mnist-smoke-cells'],
      ['batch/v1', 'Job', 'pixsim-fig2a-noise-fashion-mnist-smoke-aggregate'],
    ]);
    for (const d of docs) {
      expect(d.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(d.metadata.name.length).toBeLessThanOrEqual(63);
      expect(d.metadata).toMatchObject({ namespace: 'ml' });
    }
    expect(JSON.parse(docs[0].data!['sweep.json'])).toEqual(m);
    const cells = docs[1].spec;
    expect(cells).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 3,
      backoffLimitPerIndex: 3,
    });
    const pod = cells.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.volumes).toContainEqual({
      name: 'results',
      persistentVolumeClaim: { claimName: 'pixsim-results' },
    });
    const [container] = pod.containers;
    expect(container.image).toBe('registry.example/pixsim:1.0');
    expect(container.env).toEqual([{ name: 'PIXSIM_K8S_JOB', value: docs[1].metadata.name }]);
    expect(container.volumeMounts).toContainEqual({ name: 'results', mountPath: '/results' });
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '1' });
    const agg = docs[2].spec.template.spec.containers[0].command[2];
    expect(agg).toContain('echo status /results --manifest /etc/pixsim-sweep/sweep.json --wait');
    expect(agg).toContain(
      'echo aggregate /results/noise-fashion-mnist/smoke\necho plot /results/noise-fashion-mnist/smoke',
    );
  });

  it('maps the completion index to the cell (the container command, run by sh)', async () => {
    const { docs } = await objects();
    const [shell, flag, script] = docs[1].spec.template.spec.containers[0].command;
    const run = (index: string) =>
      spawnSync(shell, [flag, script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, JOB_COMPLETION_INDEX: index },
      });
    expect(run('3').stdout.trim()).toBe(
      'run noise-fashion-mnist --seed 2 --preset smoke --out /results --backend wasm --threads 1 --eval-engine auto',
    );
    expect(run('1').stdout).toContain('run fig2a --seed 2 ');
    expect(run('7').status).toBe(2);
  });
});
