import { failurePaths, goldenPath, metricsBaselinePath, testFileStem, validateGoldenName } from './paths';

const root = '/repo';

test('test file stem drops the folder and .test.ts', () => {
  expect(testFileStem('/repo/models/vae/vae-golden.test.ts')).toBe('vae-golden');
  expect(testFileStem('/repo/tests/samples.spec.ts')).toBe('samples');
  expect(() => testFileStem('/repo/models/vae/model.ts')).toThrow(/goldens need a test file named \*\.test\.ts/);
});

test('goldens: snapshots/<stem>/<name>.png', () => {
  expect(goldenPath(root, '/repo/models/vae/vae-golden.test.ts', 'samples-8x8')).toBe('/repo/snapshots/vae-golden/samples-8x8.png');
});

test('failure artefacts: reports/golden-failures/<stem>/<name>-<kind>.png', () => {
  expect(failurePaths(root, '/repo/tests/gan.test.ts', 'grid')).toEqual({
    expected: '/repo/reports/golden-failures/gan/grid-expected.png',
    actual: '/repo/reports/golden-failures/gan/grid-actual.png',
    diff: '/repo/reports/golden-failures/gan/grid-diff.png',
    composite: '/repo/reports/golden-failures/gan/grid-composite.png',
  });
});

test('metric baselines: snapshots/metrics.json', () => {
  expect(metricsBaselinePath(root)).toBe('/repo/snapshots/metrics.json');
});

test.each([['a/b'], ['../x'], [''], ['.hidden'], ['-x'], ['with space'], [42]])('rejects golden name %p', (name) => {
  expect(() => validateGoldenName(name)).toThrow(/golden name: expected letters, digits/);
});

test('names carry no extension', () => {
  expect(() => validateGoldenName('grid.png')).toThrow(/leave out the \.png extension/);
  expect(validateGoldenName('vae.samples_v2-1')).toBe('vae.samples_v2-1');
});
