// How the pages write numbers, times and durations.

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
}

/** Accuracy ± standard error, both in percent: "56.3% ± 12.4". */
export function accuracyText(accuracy: number, stderr: number): string {
  return `${pct(accuracy)} ± ${(100 * stderr).toFixed(1)}`;
}

export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  // A mean that rounds to zero is written 0, not "-0.000".
  const text = x.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A signed difference in percentage points: "+5.8". */
export function points(x: number): string {
  return Number.isNaN(x) ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
}

export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "2026-11-22 07:20:39" in UTC, the zone every run id and log line uses. */
export function dateTime(d: Date | null): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '–';
}
