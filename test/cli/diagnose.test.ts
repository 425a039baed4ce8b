/**
 * `dpocheck diagnose` in-process: the JSON document on the LLM-like fixture (recovering the
 * parameters scripts/make-llm-like-npz.py wrote into llm_like.json), --out with charts, determinism,
 * and one-line exit-2 refusals of bad input.
 */
import { runSingleCommand, type CliRun } from './singleCommand.ts';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerDiagnose } from '../../src/cli/commands/diagnose.ts';
import { encodeNpy, writeNpz } from '../../src/data/npz.ts';
import { saveDataset } from '../../src/data/datasetFile.ts';
import { syntheticDataset } from '../check/diagnose/synthetic.ts';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'datasets', 'llm_like.npz');
const PARAMS = JSON.parse(readFileSync(FIXTURE.replace(/\.npz$/, '.json'), 'utf-8')) as { lb: number; v: number; common_mean: number; K: number };
const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-diagnose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `dpocheck <argv>` with only this command registered (see singleCommand.ts). */
const cli = (argv: readonly string[]): Promise<CliRun> => runSingleCommand(registerDiagnose, argv);

/** Writes an npz with the given arrays (features float64 n×d, the rest 1-D). */
function npz(name: string, arrays: Record<string, Float64Array | Int32Array | Float32Array>, d: number): string {
  const m = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(arrays)) m.set(k, encodeNpy(v, k.endsWith('features') ? [v.length / d, d] : [v.length]));
  const file = path.join(tmp, name);
  writeFileSync(file, writeNpz(m, false));
  return file;
}

/** A small two-concept dataset with one shared pair (so it needs `concept`). */
function sharedPair(n = 16, d = 3) {
  const features = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 1.7) + (i % d === 1 ? (Math.floor(i / d) % 2 ? 1 : -1) : 0));
  const chosen = Int32Array.from({ length: n }, (_, i) => i % 2);
  const rejected = Int32Array.from(chosen, (c) => 1 - c);
  const concept = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  return { features, chosen, rejected, concept };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('dpocheck diagnose on the LLM-like fixture', () => {
  let doc: Record<string, any>;
  it('--json: the document recovers what the generator put in', async () => {
    const run = await cli(['diagnose', '--data', FIXTURE, '--no-train', '--json', '--bootstrap', '50']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    doc = JSON.parse(run.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['K', 'Q', 'd', 'N', 'scale', 'estimates', 'standardErrors', 'conditions', 'cosine', 'training']));
    expect(doc.K).toBe(PARAMS.K);
    expect(doc.conceptSource).toBe('concept');
    expect(doc.estimates.Z).toBe(PARAMS.K); // one response pair for every concept
    // The common mean is part of b: l_b = √(common² + lb²) in concept units.
    expect(rel(doc.estimates.lb, Math.hypot(PARAMS.common_mean, PARAMS.lb))).toBeLessThan(0.05);
    expect(rel(doc.estimates.v, PARAMS.v)).toBeLessThan(0.05);
    expect(doc.estimates.anisotropy).toBeGreaterThan(doc.details.isotropicEdge);
    expect(typeof doc.standardErrors.lb).toBe('number');
    // The paper's picture: raw embeddings all alike, centred ones not.
    expect(doc.cosine.raw.mean).toBeGreaterThan(0.85);
    expect(Math.abs(doc.cosine.centred.mean)).toBeLessThan(0.05);
    const byId = Object.fromEntries(doc.conditions.map((c: any) => [c.id, c]));
    expect(byId.noise.holds).toBe(false);
    expect(byId.noise.factor).toBeCloseTo(32 * doc.estimates.v * Math.sqrt(64), 6);
    expect(byId.noise.frontier.text).toMatch(/noise is 30(\.\d)?× the edge; Theorem 4\.2's conclusions were found to fail from about 56\.6×/);
    expect(byId.noise.frontier.seed).toBe(20240806);
    expect(byId.dim.holds).toBe(true);
    expect(byId.dim.frontier).toBeNull();
    expect(doc.training).toEqual({ skipped: 'not requested (--no-train)' });
  });

  it('is deterministic for a seed', async () => {
    const again = JSON.parse((await cli(['diagnose', '--data', FIXTURE, '--no-train', '--json', '--bootstrap', '50'])).stdout);
    delete again.seconds;
    const first = { ...doc };
    delete first.seconds;
    expect(again).toEqual(first);
  });

  it('--out writes the JSON, the text and the charts atomically; training runs on the test arrays', async () => {
    const out = path.join(tmp, 'diag');
    const run = await cli(['diagnose', '--data', FIXTURE, '--bootstrap', '20', '--workers', '0', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Conditions \(v5 main text\)/);
    expect(run.stdout).toMatch(/authors' preset/);
    expect(readdirSync(out).sort()).toEqual(['conditions.svg', 'cosines.svg', 'diagnose.json', 'index.html', 'margins.svg', 'report.txt', 'spectrum.svg']);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.diag'))).toEqual([]);
    const written = JSON.parse(readFileSync(path.join(out, 'diagnose.json'), 'utf-8'));
    expect(written.testN).toBe(64);
    expect(written.training.flow.test.measured).not.toBeNull();
    expect(written.training.certificate.computed).toBe(true);
    expect(readFileSync(path.join(out, 'cosines.svg'), 'utf-8')).toMatch(/^<svg/);
  });
});

describe('SIGINT', () => {
  it('keeps what was measured and exits 130', async () => {
    const before = process.listenerCount('SIGINT');
    const running = cli(['diagnose', '--data', FIXTURE, '--bootstrap', '5', '--workers', '1', '--json']);
    // One Ctrl-C once the handler exists (a second one would quit the process at once); the
    // flow's worker messages let this timer run.
    let done = false;
    void running.then(() => (done = true));
    while (!done && process.listenerCount('SIGINT') === before) await new Promise((r) => setTimeout(r, 1));
    if (!done) process.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/^dpocheck diagnose: Ctrl-C: finishing the stage in flight \(Ctrl-C again quits at once\)\ndpocheck diagnose: interrupted; kept the statistics/);
    const doc = JSON.parse(run.stdout);
    expect(doc.interrupted).toBe(true);
    expect(doc.estimates.v).toBeGreaterThan(0);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('--split', () => {
  it('holds out the fraction of every cluster and tests on it', async () => {
    const file = path.join(tmp, 'split.npz');
    saveDataset(file, syntheticDataset({ K: 2, Q: 50, d: 10, v: 0.3, lb: 0.4, seed: 7, rotate: true, scale: 4, tokens: 'shared', withConcept: true }));
    const run = await cli(['diagnose', '--data', file, '--split', '0.1', '--json', '--bootstrap', '10', '--workers', '0']);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout);
    expect(doc.N).toBe(180);
    expect(doc.testN).toBe(20);
    expect(doc.training.flow.test.measured).toBeGreaterThanOrEqual(0);
    expect(doc.training.preset.test.measured).toBeGreaterThanOrEqual(0);
  });
});

describe('bad input: one line, exit 2', () => {
  const expectRefusal = async (argv: string[], pattern: RegExp) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  };
  it('no --data', () => expectRefusal(['diagnose'], /--data: required/));
  it('--split outside (0, 1)', () => expectRefusal(['diagnose', '--data', FIXTURE, '--split', '1.5'], /--split: must lie in \(0, 1\)/));
  it('--split on a file with test arrays', () => expectRefusal(['diagnose', '--data', FIXTURE, '--split', '0.1'], /already has test arrays/));
  it('one shared pair and no concept array', () => {
    const { features, chosen, rejected } = sharedPair();
    return expectRefusal(['diagnose', '--data', npz('noconcept.npz', { features, chosen, rejected }, 3)], /\[concept\]: every sample has the same response pair/);
  });
  it('a concept array of the wrong length', () => {
    const { features, chosen, rejected, concept } = sharedPair();
    return expectRefusal(['diagnose', '--data', npz('short.npz', { features, chosen, rejected, concept: concept.subarray(1) }, 3)], /\[concept\]: has length 15 but there are 16 samples/);
  });
  it('a concept array of floats', () => {
    const { features, chosen, rejected, concept } = sharedPair();
    return expectRefusal(['diagnose', '--data', npz('float.npz', { features, chosen, rejected, concept: Float64Array.from(concept) }, 3)], /\[concept\]: must be an integer array/);
  });
  it('a concept with only one cluster', () => {
    const { features, chosen, rejected, concept } = sharedPair();
    const one = Int32Array.from(chosen, (c, i) => (i < 8 ? 0 : 1));
    return expectRefusal(['diagnose', '--data', npz('onecluster.npz', { features, chosen: one, rejected: Int32Array.from(one, (c) => 1 - c), concept }, 3)], /concept 0 has only one cluster/);
  });
  it('a cluster with one sample', () => {
    const { features, chosen, rejected } = sharedPair(6);
    return expectRefusal(
      ['diagnose', '--data', npz('tiny.npz', { features, chosen, rejected, concept: Int32Array.from([0, 0, 0, 0, 1, 1]) }, 3)],
      /cluster \(1, [+-]\) has 1 sample/,
    );
  });
  it('--out whose parent does not exist writes nothing', async () => {
    const out = path.join(tmp, 'missing', 'dir');
    await expectRefusal(['diagnose', '--data', FIXTURE, '--out', out], /directory .* does not exist/);
    expect(existsSync(out)).toBe(false);
  });
});
