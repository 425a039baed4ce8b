#!/usr/bin/env node
// Development entry point (not shipped): registers tsx so that the TypeScript sources run without
// a build step, then hands over to the CLI. `npm run verify` and `npm run dpocheck -- …` use it in
// a clone; the published `dpocheck` binary (bin/dpocheck.js) runs the compiled dist/ instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
