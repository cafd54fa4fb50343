/**
 * Child-process entry (run.ts `measureInChild`) for work that cannot run in the bench's process:
 * tensorflow-gpu (its package and tfjs-node cannot share one) and the cpu guard's single
 * iteration (a child can be killed). Times the model tasks asked for, printing one JSON line
 * (run.ts `ChildLine`) for the backend, or why it is unavailable, then one per task as it finishes.
 *   child-run.ts <backend> <options JSON: run.ts ChildRunOptions>
 */
import { BackendUnavailableError, parseBackendName, useBackend, type BackendInfo } from '../../models/backend';
import { measure, type ChildLine, type ChildRunOptions } from './run';
import { tasksFor } from './tasks';

const print = (line: ChildLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const oneLine = (error: unknown) => (error as Error).message.replace(/\s*\n\s*/g, ' ');

async function main(argv: string[]): Promise<void> {
  const [backend, json] = argv;
  if (!backend || !json) throw new Error('usage: child-run.ts <backend> <options JSON>');
  const options = JSON.parse(json) as ChildRunOptions;
  const name = parseBackendName(backend);
  let info: BackendInfo;
  try {
    info = await useBackend(name);
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    print({ unavailable: oneLine(error) });
    return;
  }
  print({ backend: { threads: info.threads, description: info.description } });
  const ctx = { batch: options.batch, seed: options.seed, costs: options.costs };
  for (const def of tasksFor(name, ctx, options.only)) {
    try {
      print({ task: { name: def.name, ...(await measure(def, options.timing)) } });
    } catch (error) {
      print({ task: { name: def.name, error: oneLine(error) } });
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(oneLine(error));
  process.exitCode = 1;
});
