import { describe, expect, it } from 'vitest';
import { getExperiment } from '../experiments';
import { getPreset } from '../presets';
import { resolveExperiment } from '../resolve';
import { dataCopyReductions } from './result-record';

const sized = (train: number, test: number) =>
  ({ fullTrain: { size: train }, test: { size: test } }) as never;

describe('dataCopyReductions', () => {
  it("says when 'all' meant fewer images than the published data set (the shared CIFAR-10 copy)", () => {
    const cpu = resolveExperiment(getExperiment('fig3b'), getPreset('cpu')).spec;
    expect(dataCopyReductions(cpu, sized(10000, 5000))).toEqual([
      'training images 10,000 instead of 50,000 (all the data copy holds)',
    ]);
    expect(dataCopyReductions(cpu, sized(50000, 5000))).toEqual([]);
  });

  it('adds nothing where the scale already names a number, and names a short test split', () => {
    const quick = resolveExperiment(getExperiment('fig2a'), getPreset('quick')).spec;
    expect(dataCopyReductions(quick, sized(60000, 2000))).toEqual([]);
    const cpu = resolveExperiment(getExperiment('fig2a'), getPreset('cpu')).spec;
    expect(dataCopyReductions(cpu, sized(60000, 9000))).toEqual([
      'test images 9,000 instead of 10,000 (all the data copy holds)',
    ]);
  });
});
