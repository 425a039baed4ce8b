/**
 * Registers tfjs's gradient functions (and chained tensor methods) with `@tensorflow/tfjs-core`.
 *
 * The `@tensorflow/tfjs` umbrella does this in its bundle; dpocheck depends on tfjs-core and the
 * cpu backend only (the umbrella also pulls in layers, converter, data and webgl, none of which
 * it uses). tfjs-core ships its gradient registrations only as ESM sources whose relative imports
 * omit the `.js` extension, which Node's ESM loader does not resolve; a resolve hook restricted
 * to files inside tfjs-core's `dist/` adds it. The registrations land in tfjs's global registries
 * (kept on `globalThis`), so the CommonJS build that `import('@tensorflow/tfjs-core')` loads sees
 * them. Loaded once, and only by code that uses tfjs (autodiff in the dense head and the
 * multi-token identity).
 */
import { register } from 'node:module';

/** The resolve hook, inline so that it works from the TypeScript sources and from dist alike. */
const HOOK = `
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent !== undefined && parent.includes('/@tensorflow/tfjs-core/dist/')
      && (specifier.startsWith('./') || specifier.startsWith('../')) && !/\\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
  }
  return next(specifier, context);
}`;

let registered: Promise<void> | undefined;

/** Registers every tfjs gradient and chained op once per process (idempotent). */
export function registerTfjsGradients(): Promise<void> {
  registered ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
    await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js' as string);
  })();
  return registered;
}
