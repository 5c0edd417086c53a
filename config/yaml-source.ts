// Reads a YAML file keeping the line of every key, so that schema errors can point at the line.
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error';

export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the node at `path` (or of its closest existing parent). */
  lineOf(path: readonly PropertyKey[]): number | undefined;
  /** 1-based line of the key that ends `path` (where a misspelt key is written). */
  keyLineOf(path: readonly PropertyKey[]): number | undefined;
}

export function readYamlFile(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseYaml(file, text);
}

export function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigError(file, '', `invalid YAML: ${first.message.split('\n')[0]}`, line);
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let line = lineAt(node as Node | null);
    for (const key of path) {
      const child: unknown = isMap(node) || isSeq(node) ? node.get(key as never, true) : undefined;
      if (child === undefined) {
        // The key itself is missing or is a scalar: point at its own key when the map has it.
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          const keyLine = lineAt(pair?.key as Node | null);
          if (keyLine !== undefined) return keyLine;
        }
        break;
      }
      node = child;
      line = lineAt(child as Node) ?? line;
    }
    return line;
  };
  const keyLineOf = (path: readonly PropertyKey[]): number | undefined => {
    const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
    const pair = isMap(parent) ? parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[path.length - 1]) : undefined;
    return lineAt(pair?.key as Node | null) ?? lineOf(path);
  };
  function lineAt(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : lines.linePos(start).line;
  }
  return { file, value: doc.toJS() as unknown, lineOf, keyLineOf };
}

/** Validates a YAML document; the first schema issue becomes a ConfigError naming key and line. */
export function parseWithSchema<S extends z.ZodType>(source: YamlSource, schema: S): z.infer<S> {
  const result = schema.safeParse(source.value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key is reported on the object holding it; the line that matters is the key's own.
  const line = issue.code === 'unrecognized_keys' ? source.keyLineOf([...issue.path, issue.keys[0]]) : source.lineOf(issue.path);
  throw new ConfigError(source.file, keyName(issue.path), issue.message, line);
}

export function keyName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
