// The artifact store: schemas, Parquet reading and writing, manifests (the run layout is experiment/run-layout.ts).
export * from './kinds';
export * from './schema';
export * from './table';
export * from './parquet';
export * from './manifest';
export * from './hash';
export * from './questions';
export * from './rollout-as-debate';
export * from './response-key';
export { writeDirAtomic, writeFileAtomic } from '../../files/atomic-write';
