#!/usr/bin/env node
// Part of `npm run build`: copies the hand-written JavaScript modules under src/ (`*.mjs`, with
// their `*.d.mts` declarations) next to the compiled output in dist/src/, which tsc does not
// emit. Plain JavaScript so that it runs without tsx.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function copyIslands(from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyIslands(src, join(to, name));
    else if (name.endsWith('.mjs') || name.endsWith('.d.mts')) cpSync(src, join(to, name));
  }
}
copyIslands('src', join('dist', 'src'));
