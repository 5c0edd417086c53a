// How an artifact kind is declared: its columns, each mapping a field of the typed row interface
// to a snake_case Parquet column (what pandas/DuckDB users see) with an Arrow type.
import { Bool, Field, Float32, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';
import type { DataType } from 'apache-arrow';

/** float32[]: per-token log-probs (MAGRPO rollouts); values read back rounded to float32. */
export type ColumnType = 'utf8' | 'int32' | 'float64' | 'bool' | 'utf8[]' | 'int32[]' | 'float32[]';

export interface ColumnSpec<Row> {
  field: keyof Row & string;
  column: string;
  type: ColumnType;
  /** Whether the column may hold nulls (the row field is then `T | null`). */
  nullable: boolean;
  /** The only values a utf8 column may hold (enumerations such as a role). */
  values?: readonly string[];
}

export interface ArtifactSchema<Row> {
  /** Names the artifact kind in errors and manifests, e.g. "debate". */
  kind: string;
  columns: readonly ColumnSpec<Row>[];
}

export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'utf8':
      return new Utf8();
    case 'int32':
      return new Int32();
    case 'float64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'utf8[]':
      return new List(new Field('item', new Utf8(), true));
    case 'int32[]':
      return new List(new Field('item', new Int32(), true));
    case 'float32[]':
      return new List(new Field('item', new Float32(), true));
  }
}

export function arrowSchema<Row>(schema: ArtifactSchema<Row>): Schema {
  return new Schema(schema.columns.map((c) => new Field(c.column, arrowType(c.type), c.nullable)));
}
