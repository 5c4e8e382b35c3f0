import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { PACKAGE, InvalidOptionError } from '../../errors';
import { readJsonIfExists, writeJson } from '../files';
import { parseSeeds } from '../seeds';
import { writeK8sFiles } from './k8s';
import { indexRanges, planSweep, type SweepManifest } from './plan';
import { type EmitTarget, parseEmitTarget, parseMemory, parsePositiveInt, parseTimeLimit } from './resources';
import { writeSlurmFiles } from './slurm';
import { formatStatus, sweepStatus, waitForSweep } from './status';
import { submitSlurm } from './submit';

/** The flags of `pixsim sweep` (and of `pixsim tune --emit`). */
export interface SweepFlags {
  preset: string;
  seeds?: number[];
  out: string;
  emit: EmitTarget;
  submit?: boolean;
  name?: string;
  scriptDir?: string;
  backend: string;
  threads: string;
  evalEngine: string;
  dataDir?: string;
  imagenet?: string;
  cpus?: number;
  mem: string;
  time: string;
  partition?: string;
  account?: string;
  gpus?: number;
  maxParallel?: number;
  pixsim?: string;
  image?: string;
  claim?: string;
  namespace?: string;
}

/** How the cells start pixsim: this installation's `node …/bin.js` when run from it, else `pixsim`. */
export function defaultPixsimCommand(argv: readonly string[] = process.argv): string[] {
  const script = argv[1];
  return script && /\.[cm]?js$/.test(script) ? [process.execPath, realpathSync(script)] : ['pixsim'];
}

/** Checks the flags `--emit k8s` needs (and refuses `--submit` with it). */
export function checkTarget(flags: SweepFlags): void {
  if (flags.emit !== 'k8s') return;
  if (flags.submit)
    throw new InvalidOptionError(
      PACKAGE,
      '--submit submits to Slurm; for k8s run `kubectl apply -f` on the written file.',
      { option: 'submit' },
    );
  if (!flags.image)
    throw new InvalidOptionError(
      PACKAGE,
      '--emit k8s needs --image: a container image with pixsim installed.',
      { option: 'image' },
    );
  if (!flags.claim)
    throw new InvalidOptionError(
      PACKAGE,
      '--emit k8s needs --claim: the PersistentVolumeClaim of the shared results volume.',
      { option: 'claim' },
    );
  if (!isAbsolute(flags.out))
    throw new InvalidOptionError(
      PACKAGE,
      `--out '${flags.out}': for --emit k8s, the absolute path where the volume is mounted in the pods, e.g. /results.`,
      { option: 'out' },
    );
}

async function sweepAction(experiments: string[], flags: SweepFlags): Promise<void> {
  await emitSweep(await planFromFlags(experiments, flags), flags);
}

/** The sweep of `experiments` as the flags describe it (checked first). */
export async function planFromFlags(
  experiments: readonly string[],
  flags: SweepFlags,
  name?: string,
): Promise<SweepManifest> {
  checkTarget(flags);
  if (!/^(auto|[1-8])$/.test(flags.threads))
    throw new InvalidOptionError(PACKAGE, `--threads: '${flags.threads}' must be 1–8 or auto.`, {
      option: 'threads',
    });
  const threads = /^\d+$/.test(flags.threads) ? Number(flags.threads) : 2;
  const plan = await planSweep({
    experiments,
    preset: flags.preset,
    seeds: flags.seeds,
    out: flags.out,
    name: flags.name ?? name,
    remoteOut: flags.emit === 'k8s',
    engine: {
      backend: flags.backend,
      threads: flags.threads,
      evalEngine: flags.evalEngine,
      dataDir: flags.dataDir,
      imagenet: flags.imagenet,
    },
    resources: {
      cpus: flags.cpus ?? threads,
      mem: flags.mem,
      time: flags.time,
      ...(flags.partition ? { partition: flags.partition } : {}),
      ...(flags.account ? { account: flags.account } : {}),
      ...(flags.gpus ? { gpus: flags.gpus } : {}),
      ...(flags.maxParallel ? { maxParallel: flags.maxParallel } : {}),
    },
    // In a container image pixsim is on the PATH; on a cluster, this installation (a shared file system).
    pixsim: flags.pixsim
      ? flags.pixsim.trim().split(/\s+/)
      : flags.emit === 'k8s'
        ? ['pixsim']
        : defaultPixsimCommand(),
  });
  return { ...plan, submissions: [] };
}

/**
 * Writes a planned sweep's manifest and its Slurm or Kubernetes files (and submits to Slurm with `--submit`),
 * printing what it wrote.
 */
export async function emitSweep(plan: SweepManifest, flags: SweepFlags): Promise<void> {
  const folder = resolve(
    flags.scriptDir ??
      (flags.emit === 'k8s' ? join('sweeps', plan.name) : join(plan.out, 'sweeps', plan.name)),
  );
  const manifestFile = join(folder, 'sweep.json');
  const earlier = readJsonIfExists<SweepManifest>(manifestFile);
  const manifest: SweepManifest = { ...plan, submissions: earlier?.submissions ?? [] };
  writeJson(manifestFile, manifest);
  const out = process.stdout;
  out.write(
    `sweep ${manifest.name}: ${manifest.cells.length} cells (${manifest.experimentDirs.join(', ')}; seeds ${indexRanges(manifest.seeds)})\n`,
  );
  out.write(`  ${manifestFile}\n`);
  if (flags.emit === 'k8s') {
    const file = writeK8sFiles(
      manifest,
      { image: flags.image!, claim: flags.claim!, namespace: flags.namespace },
      folder,
    );
    out.write(`  ${file}\napply: kubectl apply -f ${file}\n`);
    return;
  }
  const files = writeSlurmFiles(manifest, folder);
  out.write(`  ${files.cells}\n  ${files.aggregate}\n`);
  if (!flags.submit) {
    out.write(
      `submit: id=$(sbatch --parsable ${files.cells}) && sbatch --dependency=afterok:$id ${files.aggregate}   (or --submit)\n`,
    );
    return;
  }
  const s = submitSlurm(manifest, files);
  writeJson(manifestFile, {
    ...manifest,
    submissions: [
      ...manifest.submissions,
      { at: s.at, arrayJob: s.arrayJob, tasks: s.tasks, aggregateJob: s.aggregateJob },
    ],
  });
  if (s.done.length) out.write(`finished earlier (not resubmitted): ${s.done.join(', ')}\n`);
  if (s.running.length) out.write(`running elsewhere (waited for): ${s.running.join(', ')}\n`);
  out.write(
    `cells job: ${s.arrayJob ?? 'none'}${s.tasks.length ? ` (array tasks ${indexRanges(s.tasks)})` : ''}\n`,
  );
  out.write(`aggregate job: ${s.aggregateJob}\n`);
  out.write(`watch: pixsim status ${manifest.out} --sweep ${manifest.name}\n`);
}

/** Adds the scheduler flags of `pixsim sweep` (all but `--emit` and `--seeds`) to a command. */
export function sweepOptions(cmd: Command): Command {
  return cmd
    .option(
      '--submit',
      'submit with sbatch (the cells not done yet, then the aggregation job) and print the job ids',
    )
    .option('--name <name>', 'sweep name (default: experiments and preset)')
    .option('--script-dir <dir>', 'where the scripts go (default <out>/sweeps/<name>; k8s: sweeps/<name>)')
    .option('--cpus <n>', 'CPUs per cell (default: --threads, or 2)', (t) => parsePositiveInt('cpus', t))
    .option('--mem <size>', 'memory per cell', parseMemory, '4G')
    .option('--time <limit>', 'time limit per cell (Slurm format)', parseTimeLimit, '02:00:00')
    .option('--partition <name>', 'Slurm partition')
    .option('--account <name>', 'Slurm account')
    .option('--gpus <n>', 'GPUs per cell (--gres=gpu:N; nvidia.com/gpu)', (t) => parsePositiveInt('gpus', t))
    .option('--max-parallel <n>', 'at most N cells at once', (t) => parsePositiveInt('max-parallel', t))
    .option('--pixsim <command>', 'how the cells start pixsim (default: this installation, node …/bin.js)')
    .option('--image <image>', 'k8s: container image with pixsim installed')
    .option('--claim <pvc>', 'k8s: PersistentVolumeClaim of the shared results volume, mounted at --out')
    .option('--namespace <ns>', 'k8s: namespace');
}

/** Adds `pixsim sweep` and `pixsim status` to the program. */
export function addSweepCommands(program: Command, engineOption: (cmd: Command) => Command): void {
  const sweep = engineOption(program.command('sweep <experiments...>'))
    .description(
      'job scripts for a grid of cells on a cluster: a Slurm job array (--submit: sbatch) or a Kubernetes Indexed Job',
    )
    .addOption(new Option('--emit <target>', 'slurm or k8s').argParser(parseEmitTarget).makeOptionMandatory())
    .option('--seeds <list>', "seeds, e.g. 1-7 (default: the preset's)", parseSeeds);
  sweepOptions(sweep).action(sweepAction);
  program
    .command('status <dir>')
    .description('which cells under <dir> are done, running, failed, interrupted or missing')
    .option('--sweep <name>', 'only the cells of this sweep (<dir>/sweeps/<name>/sweep.json)')
    .option('--manifest <file>', 'only the cells of this sweep manifest')
    .option('--json', 'print the report as JSON')
    .option('--wait', 'wait until every cell of the sweep is done')
    .option(
      '--timeout <s>',
      'with --wait: give up after this many seconds',
      (t) => parsePositiveInt('timeout', t),
      86400,
    )
    .option(
      '--interval <s>',
      'with --wait: seconds between looks',
      (t) => parsePositiveInt('interval', t),
      10,
    )
    .action(
      async (
        dir: string,
        o: {
          sweep?: string;
          manifest?: string;
          json?: boolean;
          wait?: boolean;
          timeout: number;
          interval: number;
        },
      ) => {
        if (o.wait && !o.sweep && !o.manifest)
          throw new InvalidOptionError(
            PACKAGE,
            '--wait needs --sweep <name> or --manifest <file>: the cells to wait for.',
            { option: 'wait' },
          );
        const report = o.wait
          ? await waitForSweep(dir, { ...o, timeoutS: o.timeout, intervalS: o.interval })
          : sweepStatus(dir, o);
        process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      },
    );
}
