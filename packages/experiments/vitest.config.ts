import { pixsimVitestConfig } from '../../vitest.shared';

// Smoke reproductions train real (tiny) networks on real data: allow a few minutes per file.
export default pixsimVitestConfig({ testTimeout: 300_000 });
