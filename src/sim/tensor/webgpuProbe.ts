/**
 * Child process of webgpuAdapter.ts: loads Dawn and asks for an adapter, so that whatever Dawn's
 * native code writes to file descriptor 2 (e.g. "Warning: Couldn't load Vulkan …") lands in a
 * pipe the parent reads, never on the user's terminal. Prints one JSON line ({@link ProbeAnswer})
 * on stdout and exits. Started through src/childModule.ts (works from the sources and from dist/).
 */
import { writeSync } from 'node:fs';

/** The child's one-line answer: how far it got and whether Dawn offered an adapter. */
export interface ProbeAnswer {
  readonly stage: 'load' | 'create' | 'request' | 'done';
  readonly adapter: boolean;
  readonly message?: string;
}

interface DawnModule {
  create(options: string[]): { requestAdapter(options: { powerPreference: string }): Promise<unknown> };
  globals: object;
}

function answer(x: ProbeAnswer): never {
  writeSync(1, JSON.stringify(x) + '\n');
  // Exit at once: Dawn's teardown may write more, or crash, after the answer is out.
  process.exit(0);
}

const message = (err: unknown): string => String(err instanceof Error ? err.message : err).split('\n')[0]!;

async function probe(): Promise<never> {
  let mod: DawnModule;
  try {
    // A variable specifier: `webgpu` is an optional dependency (absent after --omit=optional).
    const specifier = 'webgpu';
    mod = (await import(specifier)) as DawnModule;
  } catch (err) {
    return answer({ stage: 'load', adapter: false, message: message(err) });
  }
  let gpu: ReturnType<DawnModule['create']>;
  try {
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
    (globalThis as { __dpocheckGpu?: unknown }).__dpocheckGpu = gpu; // kept referenced: Dawn crashes if the object is collected
  } catch (err) {
    return answer({ stage: 'create', adapter: false, message: message(err) });
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    return answer({ stage: 'done', adapter: adapter !== null });
  } catch (err) {
    return answer({ stage: 'request', adapter: false, message: message(err) });
  }
}

await probe();
