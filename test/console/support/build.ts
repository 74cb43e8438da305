import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import chromium from '@sparticuz/chromium';

const SOURCES = ['src/console/web', 'vite.config.ts', 'package-lock.json'];
export const CONSOLE_INDEX = 'dist/console/index.html';

function newest(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newest(path.join(target, name))));
}

/**
 * The browser tests need the built console (dist/console): `npm run build` makes it, and so does this, when the
 * sources are newer than the build (the test global setup calls it; tsc alone does not build the console).
 */
export function buildConsoleIfStale(): void {
  if (existsSync(CONSOLE_INDEX) && statSync(CONSOLE_INDEX).mtimeMs >= Math.max(...SOURCES.map(newest))) return;
  try {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`The planner console could not be built (vite build, see vite.config.ts):\n${stderr || (error as Error).message}`);
  }
}

/**
 * Unpacks the tests' Chromium (from inside the @sparticuz/chromium package) once, before the test files start:
 * two files unpacking it at the same moment on a fresh machine would run a half-written binary (ETXTBSY).
 */
export async function unpackChromium(): Promise<string> {
  return chromium.executablePath();
}
