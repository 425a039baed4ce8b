/**
 * No third-party noise on stderr: Dawn (the `webgpu` package) writes driver warnings from native
 * code to file descriptor 2, which only a separate process can catch. These tests run the real
 * CLI as a child process, so they see what a user's terminal would.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverMessages } from '../../src/sim/tensor/webgpuAdapter.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'dpocheck-dev.js');

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('driver noise stays off stderr', () => {
  it('`dpocheck backends`: empty stderr, the webgpu row carries its reason', async () => {
    const r = await cli(['backends', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as { backends: { name: string; available: boolean; reason?: string }[] }).backends;
    const webgpu = rows.find((x) => x.name === 'webgpu')!;
    if (!webgpu.available) expect(webgpu.reason).toMatch(/\S/);
  });

  it('`dpocheck simulate --backend auto`: empty stderr', async () => {
    const r = await cli(['simulate', '--K', '1', '--Q', '3', '--d', '3', '--v', '0', '--lb', '0.3', '--until', 'tau1', '--backend', 'auto', '--workers', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('driverMessages keeps the message and drops native source locations', () => {
    const raw =
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n" +
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n\n';
    expect(driverMessages(raw)).toBe("Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory");
    expect(driverMessages('')).toBe('');
  });
});
