#!/usr/bin/env node
// The `pixsim` command's launcher. It is a committed file (not a build output) so that `pnpm install` in a
// fresh clone can link the bin before the package is built; it loads the built CLI from dist/.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'pixsim: the CLI is not built yet (no dist/bin.js). In a clone of the repository run ' +
      '`npx -y pnpm@10 build` first; from npm, reinstall @pixsim/experiments.\n',
  );
  process.exit(1);
}
await import(cli.href);
