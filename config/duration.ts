// Durations in configs are strings such as "30s", "10m", "2h" or "500ms" (the forms Temporal takes).
import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, { message: 'expected a duration such as "500ms", "30s", "10m" or "2h"' });

export function durationMs(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`not a duration: "${duration}"`);
  return Number(match[1]) * units[match[2]];
}
