import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = import.meta.url;
/** The project root when this file runs as TypeScript, dist/ when it runs compiled. */
const root = new URL('../../', here);

/**
 * The compiled file of a module a worker thread is to load: the module itself when the
 * package runs from dist/, or its compiled twin under dist/ when the code runs as
 * TypeScript (tests; `npm test` builds first), since a worker loads plain JavaScript.
 */
export function compiledModule(module: URL): URL {
  if (!here.endsWith('.ts') || !module.href.startsWith(root.href)) return module;
  const compiled = new URL(`dist/${module.href.slice(root.href.length).replace(/\.ts$/, '.js')}`, root);
  if (!existsSync(fileURLToPath(compiled))) throw new Error(`${fileURLToPath(compiled)} is not built: run npm run build`);
  return compiled;
}
