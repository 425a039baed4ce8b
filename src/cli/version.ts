/** Package version, read once from package.json (reported in counterexamples and results). */
import { readFileSync } from 'node:fs';
import { packagePath } from '../packageRoot.ts';

export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
