// `npm run bench -- data [--rows N] [--baseline-rows N] [--pairs N] [--reps R]`
// Writes and reads N debate-transcript rows as Parquet through the artifact store (parquet-wasm,
// zstd; read as typed rows and as an Arrow table), with parquetjs-lite writing and reading the same rows as the baseline in the same run,
// and times MATH answer equivalence over generated pairs. Prints one JSON object and a table.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debateSchema, readRows, readTable, writeRows } from '../data/artifacts';
import type { DebateRow } from '../data/artifacts';
import { latexAnswersEqual } from '../data/answers/latex';
import { createDrawRng } from '../data/draw-rng';
import type { DrawRng } from '../data/draw-rng';
import { getTask } from '../data/tasks';
import { generateArithmeticQuestions } from '../data/tasks/arithmetic';
import { intOption } from './lib/args';
import { median, medianSeconds, seconds } from './lib/median';
import { printTable } from './lib/table';

interface ParquetjsWriter {
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}
interface ParquetjsReader {
  getCursor(): { next(): Promise<Record<string, unknown> | null> };
  close(): Promise<void>;
}
interface Parquetjs {
  ParquetSchema: new (fields: Record<string, { type: string; optional?: boolean; compression?: string }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string): Promise<ParquetjsWriter> };
  ParquetReader: { openFile(path: string): Promise<ParquetjsReader> };
}
const parquetjs = createRequire(import.meta.url)('parquetjs-lite') as Parquetjs;

/** Debate rows as a 3-agent, 2-round arithmetic debate with paper prompts would produce them. */
function debateRows(count: number): DebateRow[] {
  const task = getTask('arithmetic', { promptStyle: 'paper' });
  const rng = createDrawRng(1);
  const agents = 3;
  const questions = generateArithmeticQuestions(1, Math.ceil(count / (2 * agents)));
  const rows: DebateRow[] = [];
  for (const q of questions) {
    const [a, b, c, d, e, f] = q.question.split(/[+*-]/).map(Number);
    const say = (): string => {
      const answer = Number(q.answer) + (rng.next() < 0.3 ? rng.int(-20, 20) : 0);
      return `First, ${b}*${c} = ${b * c} and ${e}*${f} = ${e * f}. Then ${a}+${b * c}+${d}-${e * f} = ${answer}. The answer is ${answer}.`;
    };
    const round1 = Array.from({ length: agents }, say);
    for (let n = 0; n < agents && rows.length < count; n++) {
      rows.push({ questionId: q.id, round: 1, agent: n + 1, role: 'generation', prompt: task.generationPrompt(q), response: round1[n], answer: task.extractAnswer(round1[n]) });
    }
    for (let n = 0; n < agents && rows.length < count; n++) {
      const response = say();
      const others = round1.filter((_, k) => k !== n);
      rows.push({ questionId: q.id, round: 2, agent: n + 1, role: 'critic', prompt: task.criticPrompt(q, round1[n], others), response, answer: task.extractAnswer(response) });
    }
  }
  return rows;
}

const parquetjsSchema = (): unknown =>
  new parquetjs.ParquetSchema({
    question_id: { type: 'UTF8', compression: 'SNAPPY' },
    round: { type: 'INT32', compression: 'SNAPPY' },
    agent: { type: 'INT32', compression: 'SNAPPY' },
    role: { type: 'UTF8', compression: 'SNAPPY' },
    prompt: { type: 'UTF8', compression: 'SNAPPY' },
    response: { type: 'UTF8', compression: 'SNAPPY' },
    answer: { type: 'UTF8', optional: true, compression: 'SNAPPY' },
  });

async function parquetjsWrite(path: string, rows: readonly DebateRow[]): Promise<void> {
  const writer = await parquetjs.ParquetWriter.openFile(parquetjsSchema(), path);
  for (const r of rows) {
    const row: Record<string, unknown> = { question_id: r.questionId, round: r.round, agent: r.agent, role: r.role, prompt: r.prompt, response: r.response };
    if (r.answer !== null) row.answer = r.answer;
    await writer.appendRow(row);
  }
  await writer.close();
}

async function parquetjsRead(path: string): Promise<number> {
  const reader = await parquetjs.ParquetReader.openFile(path);
  const cursor = reader.getCursor();
  let n = 0;
  while (await cursor.next()) n++;
  await reader.close();
  return n;
}

/** MATH-style answer pairs: equal values written differently, and near misses. */
function mathPairs(count: number, rng: DrawRng): [string, string][] {
  const forms: ((p: number, q: number, k: number) => [string, string])[] = [
    (p, q) => [`\\frac{${p}}{${q}}`, `\\dfrac{${p}}{${q}}`],
    (p, q) => [`\\frac{${p}}{${q}}`, `\\frac{${p}}{${q + 1}}`],
    (p) => [`\\frac{${p}}{2}`, `${p / 2}`],
    (p, q) => [`${p}/${q}`, `\\tfrac{${p}}{${q}}`],
    (_p, _q, k) => [`${k}^\\circ`, `${k}`],
    (_p, _q, k) => [`${k}\\%`, `${k + 1}`],
    (_p, _q, k) => [`\\$${k}.00`, `${k}`],
    (_p, _q, k) => [`${k}\\text{ cm}`, `${k}`],
    (p, q) => [`\\left( ${p}, ${q} \\right)`, `(${p},${q})`],
    (p, q) => [`x = ${p}\\sqrt{${q}}`, `${p}\\sqrt${q}`],
    (p, q) => [`\\left[ ${p}, \\infty \\right)`, `[${q},\\infty)`],
    (_p, _q, k) => [`${k.toLocaleString('en-US')}`, `${k}`],
  ];
  return Array.from({ length: count }, () => forms[rng.int(0, forms.length - 1)](rng.int(1, 99), rng.int(2, 9), rng.int(1, 99999)));
}

interface Measured {
  rows: number;
  writeS: number;
  readS: number;
  writeRowsPerS: number;
  readRowsPerS: number;
  mb: number;
  bytes: number;
}

const mb = (n: number): number => Math.round(n / 1e4) / 100;

interface Contender {
  path: string;
  write(path: string, rows: readonly DebateRow[]): Promise<void>;
  read(path: string): Promise<number>;
}

/**
 * Times every contender on the same rows, alternating between them within each repetition, so
 * that load from other processes on a shared machine falls on all of them alike.
 */
async function measure(reps: number, rows: readonly DebateRow[], contenders: readonly Contender[]): Promise<Measured[]> {
  const writes = contenders.map((): number[] => []);
  const reads = contenders.map((): number[] => []);
  for (let r = 0; r < reps; r++) {
    for (const [k, c] of contenders.entries()) writes[k].push(await seconds(() => c.write(c.path, rows)));
  }
  for (let r = 0; r < reps; r++) {
    for (const [k, c] of contenders.entries()) {
      reads[k].push(
        await seconds(async () => {
          const back = await c.read(c.path);
          if (back !== rows.length) throw new Error(`${c.path}: read ${back} rows, wrote ${rows.length}`);
        }),
      );
    }
  }
  return Promise.all(
    contenders.map(async (c, k) => {
      const writeS = median(writes[k]);
      const readS = median(reads[k]);
      const bytes = (await stat(c.path)).size;
      return { rows: rows.length, writeS, readS, writeRowsPerS: Math.round(rows.length / writeS), readRowsPerS: Math.round(rows.length / readS), mb: mb(bytes), bytes };
    }),
  );
}

const wasmWrite = async (path: string, rows: readonly DebateRow[]): Promise<void> => {
  await writeRows(debateSchema, path, rows);
};
const wasmRead = async (path: string): Promise<number> => (await readRows(debateSchema, path)).length;

export async function run(args: string[]): Promise<void> {
  const rowCount = intOption(args, 'rows', 1_000_000);
  const baselineRows = intOption(args, 'baseline-rows', Math.min(rowCount, 100_000));
  const pairCount = intOption(args, 'pairs', 100_000);
  const reps = intOption(args, 'reps', 3);
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-data-'));
  try {
    const rows = debateRows(rowCount);
    const wasmAt = (name: string): Contender => ({ path: join(dir, name), write: wasmWrite, read: wasmRead });
    const liteAt = (name: string): Contender => ({ path: join(dir, name), write: parquetjsWrite, read: parquetjsRead });
    // Warm-up: load the WebAssembly module and let both writers' code paths get compiled.
    await measure(1, rows.slice(0, 1000), [wasmAt('warm.parquet'), liteAt('warm-lite.parquet')]);
    const [full] = await measure(reps, rows, [wasmAt('full.parquet')]);
    const arrowReadS = await medianSeconds(reps, async () => {
      await readTable(debateSchema, join(dir, 'full.parquet'));
    });
    // parquetjs-lite is slow, so the comparison runs both libraries on the same first rows.
    const same = rows.slice(0, baselineRows);
    const [wasm, lite] = await measure(reps, same, [wasmAt('wasm.parquet'), liteAt('lite.parquet')]);

    const pairs = mathPairs(pairCount, createDrawRng(2));
    let equivalent = 0;
    const equivalenceS = await medianSeconds(reps, () => {
      equivalent = 0;
      for (const [a, b] of pairs) if (latexAnswersEqual(a, b)) equivalent++;
      return Promise.resolve();
    });
    let naiveEqual = 0;
    const naiveS = await medianSeconds(reps, () => {
      naiveEqual = 0;
      for (const [a, b] of pairs) if (a.trim() === b.trim()) naiveEqual++;
      return Promise.resolve();
    });

    const ratio = (x: number): number => Math.round(x * 100) / 100;
    const result = {
      bench: 'data',
      reps,
      parquetWasm: { ...full, arrowReadS, arrowReadRowsPerS: Math.round(rowCount / arrowReadS) },
      comparison: {
        rows: baselineRows,
        parquetWasmZstd: wasm,
        parquetjsLiteSnappy: lite,
        writeSpeedup: ratio(wasm.writeRowsPerS / lite.writeRowsPerS),
        readSpeedup: ratio(wasm.readRowsPerS / lite.readRowsPerS),
        sizeRatio: ratio(lite.bytes / wasm.bytes),
      },
      mathEquivalence: { pairs: pairCount, seconds: equivalenceS, pairsPerS: Math.round(pairCount / equivalenceS), equivalent, naiveEqual, naivePairsPerS: Math.round(pairCount / naiveS) },
    };
    console.log(JSON.stringify(result));
    const c = result.comparison;
    printTable(['measure', `wasm ${rowCount}`, `wasm ${baselineRows}`, `parquetjs ${baselineRows}`, 'wasm/parquetjs'], [
      ['write rows/s', full.writeRowsPerS, wasm.writeRowsPerS, lite.writeRowsPerS, `${c.writeSpeedup}x`],
      ['read rows/s', full.readRowsPerS, wasm.readRowsPerS, lite.readRowsPerS, `${c.readSpeedup}x`],
      ['read as Arrow rows/s', Math.round(rowCount / arrowReadS), '', '', ''],
      ['MB on disk', full.mb, wasm.mb, lite.mb, `${c.sizeRatio}x smaller`],
      ['MATH equivalence pairs/s', result.mathEquivalence.pairsPerS, '', '', `${equivalent}/${pairCount} equivalent`],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
