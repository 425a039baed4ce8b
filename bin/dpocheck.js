#!/usr/bin/env node
// The `dpocheck` binary: runs the compiled CLI in dist/ (built by `npm run build`, which
// `prepare` and `prepack` run). Plain JavaScript, no TypeScript loader at run time.
// A closed pipe (`dpocheck … | head`) ends the output quietly, as other command-line tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('dpocheck: not built (dist/ is missing): run `npm run build`, or `npm run dpocheck -- <args>` to run the sources\n');
    process.exit(2);
  }
  throw err;
}
process.exitCode = await cli.main(process.argv.slice(2));
