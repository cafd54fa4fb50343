/** The project classifier's penultimate layer as the feature extractor for distribution metrics. */
import type * as tf from '@tensorflow/tfjs';
import { FEATURE_DIM, featureModel } from '../../models/classifier/model';
import type { FeatureExtractor } from './features';

export function classifierFeatureExtractor(classifier: tf.LayersModel): FeatureExtractor {
  const features = featureModel(classifier);
  return { name: 'shoe-classifier-penultimate', dim: FEATURE_DIM, extract: (images) => features.predict(images) as tf.Tensor2D };
}
