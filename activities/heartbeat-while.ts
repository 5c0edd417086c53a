// A model call can outlast the step's heartbeat timeout with nothing new to report: one
// generate() covers every agent of a debate round or rollout turn, and a scoring call a whole PPO
// batch. While such work runs the step repeats its last progress every third of the timeout, so
// that only a worker that died (whose timers stop with it) times out.
import { Context } from '@temporalio/activity';

export async function heartbeatWhile<T>(details: () => unknown, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return work();
  const timer = setInterval(() => ctx.heartbeat(details()), Math.max(1000, timeoutMs / 3));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
