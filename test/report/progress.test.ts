import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/report/progress.ts';

/** A writable that claims to be a terminal, recording what the bar draws. */
function fakeTerminal(): Writable & { output: string[] } {
  const output: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      output.push(String(chunk));
      done();
    },
  }) as Writable & { output: string[]; isTTY: boolean; columns: number };
  Object.assign(stream, {
    output,
    isTTY: true,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
  });
  return stream;
}

describe('createProgress', () => {
  it('is silent when disabled (--json)', () => {
    const lines: string[] = [];
    const stream = fakeTerminal();
    const progress = createProgress({ enabled: false, interactive: true, write: (s) => lines.push(s), stream });
    progress.start('claim', 10);
    progress.update(5);
    progress.stop('claim: held');
    expect(lines).toEqual([]);
    expect(stream.output).toEqual([]);
  });

  it('prints one plain line per task when stderr is not a terminal', () => {
    const lines: string[] = [];
    const progress = createProgress({ enabled: true, interactive: false, write: (s) => lines.push(s) });
    progress.start('a (1/2)', 3);
    progress.update(3);
    progress.stop('a: held');
    progress.start('b (2/2)', 3);
    progress.stop('b: violated');
    expect(lines).toEqual(['a: held\n', 'b: violated\n']);
  });

  it('draws a bar on a terminal and prints the summary after it', () => {
    const lines: string[] = [];
    const stream = fakeTerminal();
    const progress = createProgress({ enabled: true, interactive: true, write: (s) => lines.push(s), stream });
    progress.start('thm42-sandwich (1/1)', 4);
    progress.update(2);
    progress.stop('thm42-sandwich: held');
    expect(stream.output.join('')).toContain('thm42-sandwich (1/1)');
    expect(lines).toEqual(['thm42-sandwich: held\n']);
  });
});
