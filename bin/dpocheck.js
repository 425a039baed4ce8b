#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run without a build step, then hands
// over to the CLI. Kept in plain JS so `npx dpocheck` works on a fresh clone after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
