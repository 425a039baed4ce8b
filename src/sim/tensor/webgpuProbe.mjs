// Child process of webgpuAdapter.ts: loads Dawn and asks for an adapter, so that whatever Dawn's
// native code writes to file descriptor 2 (e.g. "Warning: Couldn't load Vulkan …") lands in a
// pipe the parent reads, never on the user's terminal. Prints one JSON line on stdout:
// { "stage": "load" | "create" | "request" | "done", "adapter": boolean, "message"?: string }.
import { writeSync } from 'node:fs';

const answer = (x) => {
  writeSync(1, JSON.stringify(x) + '\n');
  // Exit at once: Dawn's teardown may write more, or crash, after the answer is out.
  process.exit(0);
};
const message = (err) => String(err instanceof Error ? err.message : err).split('\n')[0];

let mod;
try {
  mod = await import('webgpu');
} catch (err) {
  answer({ stage: 'load', adapter: false, message: message(err) });
}
let gpu;
try {
  Object.assign(globalThis, mod.globals);
  gpu = mod.create([]);
  globalThis.__dpocheckGpu = gpu; // kept referenced: Dawn crashes if the object is collected
} catch (err) {
  answer({ stage: 'create', adapter: false, message: message(err) });
}
try {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  answer({ stage: 'done', adapter: adapter !== null });
} catch (err) {
  answer({ stage: 'request', adapter: false, message: message(err) });
}
