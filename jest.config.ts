/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Sources are TypeScript run through SWC into CommonJS. pixelmatch and tinybench ship as
// ESM only, so SWC compiles them too. pngjs and TensorFlow.js run per-pixel / per-op JavaScript in
// the test realm, so they also go through the transformer, which gives every file it sees fast
// bindings of the built-in globals (tests/fast-globals-transform.cjs says why: per-pixel loops were
// ~50× slower than in plain Node; when measured, the suite of the time took 52–69 s before and 35–47 s after).
const esmPackages = ['pixelmatch', 'tinybench'];
const transformedPackages = [...esmPackages, 'pngjs', '@tensorflow'];

// jest gives each test file its own copy of process.env, so what models/backend.ts sets there
// never reaches libtensorflow; set it here, in the parent whose environment the workers inherit.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

const config: Config = {
  testEnvironment: '<rootDir>/tests/tfjs-environment.ts',
  roots: ['<rootDir>/models', '<rootDir>/harness', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '<rootDir>/tests/fast-globals-transform.cjs',
      { swc: { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }, esmPackages },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${transformedPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Two workers on the 2-core machines: the TensorFlow-heavy files overlap with the many pure-JS
  // ones (measured on the suite of the time: 103 s with 1 worker, 62 s with 2; results identical).
  // The suite has grown since: README.md gives today's time.
  maxWorkers: 2,
  testTimeout: 120_000,
  // Golden-image and metric-baseline matchers (toMatchGoldenImage, toMatchMetricBaseline).
  setupFilesAfterEnv: ['<rootDir>/harness/golden/setup.ts'],
  // The .cjs shim loads the TypeScript reporter: jest requires reporters without its transform.
  reporters: ['default', '<rootDir>/harness/golden/obsolete-reporter.cjs'],
};

export default config;
