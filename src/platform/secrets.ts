import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readOrCreateSecret } from './database/embedded.js';

export const MIN_KEY_BYTES = 32;

/**
 * A secret key from the file an environment variable names, or — outside production, when none is named — one
 * generated once into the data directory. Production refuses to start without the file (see config.ts).
 */
export function loadSecretKey(options: { file: string | undefined; variable: string; dataDir: string; generatedName: string }): Buffer {
  if (!options.file) return Buffer.from(readOrCreateSecret(path.join(options.dataDir, options.generatedName), MIN_KEY_BYTES));
  const key = Buffer.from(readFileSync(options.file, 'utf8').trim());
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`${options.variable} ${options.file} holds ${key.length} bytes; the key must be at least ${MIN_KEY_BYTES}.`);
  }
  return key;
}
