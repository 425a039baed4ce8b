/**
 * docs/theory.md is the repository's own theory document: every "THEORY §n" citation in the
 * code must land on one of its sections, and every claim it names as a check must exist.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAIMS } from '../../properties/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'theory.md'), 'utf8');

/** Section numbers of the top-level headings "## n. Title". */
const sections = new Set([...doc.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(name) ? [p] : [];
  });
}

describe('docs/theory.md', () => {
  it('says at its top what "THEORY §n" means, and has sections 1 to 9 in order', () => {
    expect(doc.split('\n').slice(0, 5).join('\n')).toContain("In code comments and claims, 'THEORY §n' refers to section n of this file.");
    const order = [...doc.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the paper\'s numbering for every result it restates', () => {
    for (const name of ['Lemma 4.1', 'Theorem 4.2', 'Theorem 4.3', 'Lemma B.1', 'Theorem B.4', 'Theorem C.5', 'failure mode']) {
      expect(doc.toLowerCase(), name).toContain(name.toLowerCase());
    }
  });

  it('every "THEORY §n" or "docs/theory.md §n" cited in src/ and properties/ is a section of it', () => {
    const cited = new Map<number, string>();
    for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'properties'))]) {
      const text = readFileSync(file, 'utf8');
      // "THEORY §4", "THEORY §3–§5", "THEORY §4 and §7": every § number in the citation.
      for (const m of text.matchAll(/(?:THEORY|docs\/theory\.md) ((?:§\d+(?:[–-]§?\d+)?(?:,? (?:and )?)?)+)/g)) {
        for (const n of m[1]!.matchAll(/§?(\d+)/g)) cited.set(Number(n[1]), file);
      }
    }
    expect(cited.size).toBeGreaterThan(0);
    for (const [n, file] of cited) expect(sections.has(n), `§${n} cited in ${file}`).toBe(true);
  });

  it('names only claims that exist', () => {
    const ids = new Set(CLAIMS.map((c) => c.id));
    const named = [...doc.matchAll(/`([a-z0-9]+(?:-[a-zA-Z0-9]+)+)`/g)].map((m) => m[1]!).filter((x) => !x.includes('/'));
    const claimLike = named.filter((x) => /^(thm|lemma|bounds|certificate|failure|k-|beta|gpo|token|multitoken|appendixC)/.test(x));
    expect(claimLike.length).toBeGreaterThan(10);
    for (const id of claimLike) expect(ids.has(id) || id === 'bounds-paper-*', id).toBe(true);
  });
});
