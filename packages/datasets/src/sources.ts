import { PACKAGE, UnknownDatasetError } from './errors';

/** One file of a data set as published: where to get it and its published checksum. */
export interface RemoteFile {
  /** File name in the cache folder. */
  filename: string;
  url: string;
  /** Published SHA-256 (hex). */
  sha256?: string;
  /** Published MD5 (hex), used where the publisher gives only that. */
  md5?: string;
}

/** A downloadable data set: its name (the cache sub-folder) and files. */
export interface DatasetSource {
  name: string;
  /** Where the files and checksums are published. */
  homepage: string;
  files: readonly RemoteFile[];
}

/** Names accepted by `download()`. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100';

const MNIST_BASE = 'https://ossci-datasets.s3.amazonaws.com/mnist/';
const FASHION_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

function idxFiles(base: string, md5: readonly [string, string, string, string]): RemoteFile[] {
  const names = [
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ];
  return names.map((filename, i) => ({ filename, url: base + filename, md5: md5[i] }));
}

/**
 * The official files of every data set `download()` knows. The publishers give MD5 checksums only
 * (the Fashion-MNIST README, the CIFAR page, and the MNIST checksums used by torchvision for its
 * mirror of Yann LeCun's files), so MD5 is what is verified.
 */
export const DATASET_SOURCES: Readonly<Record<DatasetName, DatasetSource>> = {
  mnist: {
    name: 'mnist',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    files: idxFiles(MNIST_BASE, [
      'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'd53e105ee54ea40749a09fcbcd1e9432',
      '9fb629c4189551a2d022fa330f9573f3',
      'ec29112dd5afa0611ce80d1b7f02629c',
    ]),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    files: idxFiles(FASHION_BASE, [
      '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      '25c81989df183df01b3e8a0aad5dffbe',
      'bef4ecab320f06d8554ea6380940ec79',
      'bb300cfdad3c16e7a12a480ee83cd310',
    ]),
  },
  cifar10: {
    name: 'cifar10',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    files: [
      {
        filename: 'cifar-10-binary.tar.gz',
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ],
  },
  cifar100: {
    name: 'cifar100',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    files: [
      {
        filename: 'cifar-100-binary.tar.gz',
        url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
        md5: '03b5dce01913d631647c71ecec9e9cb8',
      },
    ],
  },
};

/** The source of a named data set; an unknown name is an {@link UnknownDatasetError} listing the known ones. */
export function datasetSource(name: string): DatasetSource {
  if (!Object.hasOwn(DATASET_SOURCES, name)) {
    throw new UnknownDatasetError(
      PACKAGE,
      `Unknown dataset name ${JSON.stringify(name)}. Known names: ${Object.keys(DATASET_SOURCES).join(', ')}. ` +
        'For ImageNet-style folders use imageFolder(dir) on files you downloaded yourself.',
    );
  }
  return DATASET_SOURCES[name as DatasetName];
}
