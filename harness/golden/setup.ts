/** jest setupFilesAfterEnv: registers the golden matchers (typed in matcher.ts). */
import { toMatchGoldenImage, toMatchMetricBaseline } from './matcher';

expect.extend({ toMatchGoldenImage, toMatchMetricBaseline } as unknown as jest.ExpectExtendMap);
