// The artifact store: schemas, Parquet reading and writing, manifests and the run layout.
export * from './kinds';
export * from './schema';
export * from './table';
export * from './parquet';
export * from './manifest';
export * from './layout';
export * from './hash';
export * from './questions';
export { writeDirAtomic, writeFileAtomic } from '../../files/atomic-write';
