/**
 * `dpocheck diagnose --data features.npz`: where real embeddings sit against THEORY §3's
 * assumption (debiased, scale-free estimates with standard errors), which conditions they break
 * and by how much, the explorer's frontier for each broken one, raw vs centred cosines, and —
 * reported apart — what DPO does on them (the flow to τ_1 and the authors' preset).
 * Text by default, `--json` for scripts, charts and the JSON into `--out DIR` (atomically).
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { diagnose } from '../../check/diagnose/diagnose.ts';
import { catchInterrupt, EXIT_INTERRUPTED } from '../../check/interrupt.ts';
import { loadDataset } from '../../data/datasetFile.ts';
import { diagnoseText, writeDiagnoseReport } from '../../report/diagnoseReport.ts';
import type { CommandContext } from '../main.ts';
import { UsageError } from '../errors.ts';
import { parseInteger, parseNumber, parseSeed } from '../parse.ts';

export { EXIT_INTERRUPTED };

interface DiagnoseFlags {
  data?: string;
  seed?: string;
  split?: string;
  train?: boolean;
  workers?: string;
  bootstrap?: string;
  json?: boolean;
  out?: string;
}

/** Everything the flags resolve to, checked before the data file is read. */
export interface DiagnosePlan {
  readonly data: string;
  readonly seed: number;
  readonly split?: number;
  readonly train: boolean;
  readonly workers: number;
  readonly replicates: number;
  readonly json: boolean;
  readonly out?: string;
}

/** Resolves and checks the flags of `diagnose` (UsageError naming the flag). */
export function planDiagnose(flags: DiagnoseFlags): DiagnosePlan {
  if (flags.data === undefined) throw new UsageError('--data: required (a .npz or .json dataset: features, chosen, rejected, optional concept, test_*)');
  let split: number | undefined;
  if (flags.split !== undefined) {
    split = parseNumber('--split', flags.split);
    if (!(split > 0 && split < 1)) throw new UsageError(`--split: must lie in (0, 1), got ${flags.split}`);
  }
  if (flags.out !== undefined) {
    if (flags.out === '') throw new UsageError('--out: expected a directory name');
    const parent = path.dirname(path.resolve(flags.out));
    if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new UsageError(`--out ${flags.out}: directory ${parent} does not exist`);
    if (existsSync(flags.out) && !statSync(flags.out).isDirectory()) throw new UsageError(`--out ${flags.out}: exists and is not a directory`);
  }
  return {
    data: flags.data,
    seed: flags.seed === undefined ? 0 : parseSeed('--seed', flags.seed),
    ...(split !== undefined ? { split } : {}),
    train: flags.train !== false,
    workers: flags.workers === undefined ? availableParallelism() : parseInteger('--workers', flags.workers, 0),
    replicates: flags.bootstrap === undefined ? 200 : parseInteger('--bootstrap', flags.bootstrap, 0),
    json: flags.json === true,
    ...(flags.out !== undefined ? { out: flags.out } : {}),
  };
}

/** Typed arrays as plain arrays, non-finite numbers as null (JSON has no NaN). */
function stringify(doc: unknown): string {
  return JSON.stringify(
    doc,
    (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array);
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    },
    2,
  );
}

/**
 * Registers `dpocheck diagnose`.
 * @example registerDiagnose(program, ctx); // dpocheck diagnose --data d.npz --split 0.1 --out reports/diag
 */
export function registerDiagnose(program: Command, ctx: CommandContext): void {
  program
    .command('diagnose')
    .description("measure a dataset against the paper's assumption (THEORY §3): debiased estimates, conditions, frontiers, cosines, and DPO on it")
    .option('--data <file>', 'dataset (.npz or .json): features, chosen, rejected; optional concept (integer id per sample), test_*')
    .option('--seed <int>', 'seed of the bootstrap, the Lanczos start, the cosine pairs and --split (default 0)')
    .option('--split <fraction>', 'hold out this fraction of every cluster as the test set (the authors used 0.1)')
    .option('--no-train', 'statistics only: skip the flow to τ_1 and the authors\' preset')
    .option('--workers <n>', 'worker threads for the Lanczos products and training (default: all cores; results identical for every n)')
    .option('--bootstrap <n>', 'bootstrap replicates for the standard errors (default 200; 0 = none)')
    .option('--json', 'print one JSON object (schemaVersion 1)')
    .option('--out <dir>', 'write diagnose.json, report.txt, the SVG charts and index.html into this directory (atomically)')
    .action(async (flags: DiagnoseFlags) => {
      const plan = planDiagnose(flags);
      const dataset = loadDataset(plan.data);
      // Ctrl-C keeps the statistics and whatever training stage finished (exit 130): during the
      // statistics they finish and the training is skipped. A second Ctrl-C quits at once.
      const stop = catchInterrupt({ onFirst: () => ctx.io.err('dpocheck diagnose: Ctrl-C: finishing the stage in flight (Ctrl-C again quits at once)\n') });
      let report;
      try {
        report = await diagnose(dataset, {
          file: plan.data,
          seed: plan.seed,
          ...(plan.split !== undefined ? { split: plan.split } : {}),
          train: plan.train,
          workers: plan.workers,
          replicates: plan.replicates,
          signal: stop.signal,
        });
      } finally {
        stop.dispose();
      }
      const json = stringify(report) + '\n';
      const text = diagnoseText(report);
      if (plan.out !== undefined) {
        try {
          await writeDiagnoseReport(plan.out, report, json);
        } catch (e) {
          // A file-system refusal is the user's --out; anything else is a bug and keeps its trace.
          const code = (e as NodeJS.ErrnoException).code;
          if (code === undefined) throw e;
          throw new UsageError(`--out ${plan.out}: cannot write (${code})`);
        }
      }
      ctx.io.out(plan.json ? json : text);
      if (report.interrupted) {
        ctx.io.err('dpocheck diagnose: interrupted; kept the statistics and the training stages that finished\n');
        ctx.exitCode = EXIT_INTERRUPTED;
      }
    });
}
