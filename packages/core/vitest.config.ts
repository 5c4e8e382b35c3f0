import { pixsimVitestConfig } from '../../vitest.shared';

export default pixsimVitestConfig();
