/**
 * Child-process entry (run.ts `measureInChild`) for a backend that cannot share the bench's
 * process: times the model tasks on it and prints one JSON line (run.ts `ChildRun`).
 *   child-run.ts <backend> <options JSON: {batch, seed, timing, only}>
 */
import { parseBackendName, useBackend } from '../../models/backend';
import { measure, type ChildRun, type ChildRunOptions } from './run';
import { matchesOnly, measureModelCosts, modelTasks, taskId } from './tasks';

async function main(argv: string[]): Promise<void> {
  const [backend, json] = argv;
  if (!backend || !json) throw new Error('usage: child-run.ts <backend> <options JSON>');
  const options = JSON.parse(json) as ChildRunOptions;
  const name = parseBackendName(backend);
  const info = await useBackend(name);
  const ctx = { batch: options.batch, seed: options.seed, costs: measureModelCosts(options.seed) };
  const tasks: ChildRun['tasks'] = [];
  for (const def of modelTasks(ctx).filter((d) => matchesOnly(taskId(d.name, name), options.only))) {
    try {
      tasks.push({ name: def.name, ...(await measure(def, options.timing)) });
    } catch (error) {
      tasks.push({ name: def.name, error: (error as Error).message.split('\n')[0] ?? 'unknown error' });
    }
  }
  const run: ChildRun = { backend: { threads: info.threads, description: info.description }, tasks };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`child-run: ${error.message.split('\n')[0]}`);
  process.exitCode = 1;
});
