export { runReadsAsync, runReadsSync, type TensorReads, type TensorValues } from './reads';
