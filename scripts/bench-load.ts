/**
 * Child process of scripts/bench-data.ts: loads one dataset file with `loadDataset` and prints
 * one JSON line: seconds, and the peak memory the load added above the process's baseline
 * (maxRSS just before the load, after every module is imported).
 *
 * Usage: tsx scripts/bench-load.ts FILE.npz
 */
import { loadDataset } from '../src/data/datasetFile.ts';

const file = process.argv[2]!;
const base = process.resourceUsage().maxRSS;
const t0 = performance.now();
const ds = loadDataset(file);
const seconds = (performance.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS;
console.log(JSON.stringify({ seconds, peakAboveBaselineBytes: (peak - base) * 1024, featureBytes: ds.train.features.byteLength, storage: ds.train.features instanceof Float32Array ? 'float32' : 'float64' }));
