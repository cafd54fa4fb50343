/** The project classifier's penultimate layer as the feature extractor for distribution metrics. */
import type * as tf from '@tensorflow/tfjs';
import { FEATURE_DIM, featureModel } from '../../models/classifier/model';
import type { FeatureExtractor } from './features';

// apply, not predict: predict splits every call into batches of 32 (measured 2× slower at 500).
export function classifierFeatureExtractor(classifier: tf.LayersModel): FeatureExtractor {
  const features = featureModel(classifier);
  return { name: 'shoe-classifier-penultimate', dim: FEATURE_DIM, extract: (images) => features.apply(images, { training: false }) as tf.Tensor2D };
}
