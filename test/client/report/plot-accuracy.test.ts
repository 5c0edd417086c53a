import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import { renderAccuracyPlot, type AccuracyPlotInput } from '../../../client/report/plot-accuracy';
import { renderPng } from '../../../client/report/plot-png';

const input: AccuracyPlotInput = {
  title: 'Arithmetic <N=3 & M=2>',
  subtitle: '2026-11-22, 2-core CPU',
  series: [
    { label: 'Multiagent FT', points: [0, 1, 2, 3].map((i) => ({ iteration: i, accuracy: 0.4 + 0.05 * i, stderr: 0.02 })) },
    { label: 'Single-agent FT', points: [{ iteration: 0, accuracy: 0.3, stderr: 0.021 }, { iteration: 1, accuracy: 0.33, stderr: 0.019 }] },
  ],
  references: [{ label: 'Debate', accuracy: 0.4, stderr: 0.022 }],
};

/** Open and close tags must nest (a tiny structural check independent of any SVG library). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name);
  }
  assert.deepEqual(stack, []);
}

void test('the SVG is well-formed and parses as SVG', () => {
  const svg = renderAccuracyPlot(input);
  assertBalanced(svg);
  const parsed = new Resvg(svg);
  assert.equal(parsed.width, 640);
  assert.ok(parsed.height > 300);
});

void test('every point has an error bar spanning accuracy ± stderr, in its series', () => {
  const svg = renderAccuracyPlot(input);
  assert.equal(svg.match(/<g class="series"/g)?.length, 2);
  const bars = [...svg.matchAll(/<g class="error-bar" data-iteration="(\d+)" data-accuracy="([\d.]+)" data-stderr="([\d.]+)"[^>]*>(<line [^>]*\/>){3}<\/g>/g)];
  assert.equal(bars.length, 6);
  assert.deepEqual(bars.map((b) => Number(b[1])), [0, 1, 2, 3, 0, 1]);
  // The vertical line of a bar is longer when the stderr is larger.
  const span = (b: RegExpMatchArray) => {
    const [, y1, y2] = /y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"/.exec(b[0])!;
    return Math.abs(Number(y2) - Number(y1));
  };
  assert.ok(span(bars[4]) > span(bars[5]));
  assert.ok(svg.includes('data-label="Multiagent FT"') && svg.includes('data-label="Single-agent FT"'));
  assert.ok(svg.includes('class="reference" data-label="Debate"'));
  assert.ok(svg.includes('Debate (40.0% ± 2.2%)'));
});

void test('labels are escaped', () => {
  const svg = renderAccuracyPlot(input);
  assert.ok(svg.includes('Arithmetic &lt;N=3 &amp; M=2&gt;'));
  assert.ok(!svg.includes('<N=3'));
});

void test('bad input names the field', () => {
  assert.throws(() => renderAccuracyPlot({ title: 't', series: [] }), /series is empty/);
  assert.throws(
    () => renderAccuracyPlot({ title: 't', series: [{ label: 'A', points: [{ iteration: 1, accuracy: 1.5, stderr: 0 }] }] }),
    /series\[0\] \(A\) points\[0\]\.accuracy must be in \[0, 1\], got 1\.5/,
  );
  assert.throws(
    () => renderAccuracyPlot({ title: 't', series: [{ label: 'A', points: [{ iteration: 0.5, accuracy: 0.5, stderr: 0 }] }] }),
    /points\[0\]\.iteration must be an integer/,
  );
  assert.throws(
    () => renderAccuracyPlot({ ...input, references: [{ label: 'D', accuracy: 0.5, stderr: Number.NaN }] }),
    /references\[0\] \(D\)\.stderr/,
  );
});

void test('the PNG is a PNG of twice the SVG size', async () => {
  const svg = renderAccuracyPlot(input);
  const png = await renderPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(view.getUint32(16), 1280);
});

void test("a point's annotation is SVG text above its error bar, escaped, kept inside the plot at the first and last iteration", () => {
  const svg = renderAccuracyPlot({
    title: 't',
    series: [{ label: 'A', points: [{ iteration: 0, accuracy: 0.4, stderr: 0.02, annotation: 'first' }, { iteration: 1, accuracy: 0.5, stderr: 0.02, annotation: '+3.0 ± 1.4, z 2.10' }, { iteration: 2, accuracy: 0.5, stderr: 0.02, annotation: 'a < b' }, { iteration: 3, accuracy: 0.5, stderr: 0.02, annotation: 'last' }] }],
  });
  assertBalanced(svg);
  const texts = [...svg.matchAll(/<text class="annotation" x="[\d.]+" y="([\d.]+)" text-anchor="(\w+)"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2], m[3]]);
  assert.deepEqual(texts, [['start', 'first'], ['middle', '+3.0 ± 1.4, z 2.10'], ['middle', 'a &lt; b'], ['end', 'last']]);
  // Iteration 1's text sits above its bar's upper cap.
  const bar = /<g class="error-bar" data-iteration="1"[^>]*><line [^>]*y2="([\d.]+)"/.exec(svg)!;
  const textY = Number(/<text class="annotation" x="[\d.]+" y="([\d.]+)"[^>]*>\+3\.0/.exec(svg)![1]);
  assert.ok(textY < Number(bar[1]), `text at y ${textY}, cap at ${bar[1]}`);
});
