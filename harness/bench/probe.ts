/**
 * Child-process entry of the cpu guard (run.ts `probeInChild`): times one iteration of one task on
 * one backend and prints `{"ms": …}`. Runs in its own process so that the parent can kill a step
 * that would take minutes on the pure-JavaScript backend.
 *   probe.ts <task name> <backend> <batch> <seed>
 */
import { parseBackendName, useBackend } from '../../models/backend';
import { measureModelCosts, modelTasks } from './tasks';

async function main(argv: string[]): Promise<void> {
  const [name, backend, batch, seed] = argv;
  if (!name || !backend || !batch || !seed) throw new Error('usage: probe.ts <task name> <backend> <batch> <seed>');
  await useBackend(parseBackendName(backend));
  const ctx = { batch: Number(batch), seed: Number(seed), costs: measureModelCosts(Number(seed)) };
  const def = modelTasks(ctx).find((d) => d.name === name);
  if (!def) throw new Error(`probe: unknown task '${name}'`);
  const prepared = def.prepare();
  const start = performance.now();
  prepared.iterate();
  const ms = performance.now() - start;
  prepared.dispose();
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`probe: ${error.message}`);
  process.exitCode = 1;
});
