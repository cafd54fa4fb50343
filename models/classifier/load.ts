import { join } from 'node:path';
import { loadNetwork } from '../checkpoint';
import { CHECKPOINTS_DIR } from '../registry';

export const CLASSIFIER_DIR = join(CHECKPOINTS_DIR, 'classifier');

export function loadClassifier(dir = CLASSIFIER_DIR) {
  return loadNetwork(dir, 'classifier');
}
