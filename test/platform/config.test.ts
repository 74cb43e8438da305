import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ environment: 'development', port: 4000, conflictMarginDays: 28, host: '127.0.0.1', databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number from 1 to 65535 \(got "abc"\)/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ CONFLICT_MARGIN_DAYS: '-3' }, /CONFLICT_MARGIN_DAYS must be a whole number/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must be a URL of the form postgres:\/\//],
    [{ TRUSTED_ISSUERS_FILE: '/nonexistent/issuers.json' }, /TRUSTED_ISSUERS_FILE names \/nonexistent\/issuers.json, which does not exist or cannot be read/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be development, test or production/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z', PSEUDONYM_KEY_FILE: 'package.json' }, /TRUSTED_ISSUERS_FILE is required in production/],
    [{ NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: 'package.json', PSEUDONYM_KEY_FILE: 'package.json' }, /DATABASE_URL is required in production/],
  ])('refuses %j with a sentence saying what is wrong', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports all problems at once', () => {
    try {
      loadConfig({ PORT: 'x', CONFLICT_MARGIN_DAYS: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('does not compare a port it could not read with the metrics port', () => {
    try {
      loadConfig({ PORT: 'abc', METRICS_PORT: '4000' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['PORT must be a whole number from 1 to 65535 (got "abc").']);
    }
  });

  it('stops the server at start-up with that sentence and a non-zero exit', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], { env: { ...process.env, PORT: 'eighty', NODE_ENV: 'development' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Samenloop cannot start: PORT must be a whole number from 1 to 65535 (got "eighty").');
  });

  it('refuses to start in production without trusted issuers', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1:1/x', PSEUDONYM_KEY_FILE: 'package.json', TRUSTED_ISSUERS_FILE: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/TRUSTED_ISSUERS_FILE is required in production/);
  });

  it('refuses a trusted issuers file that is not valid', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, NODE_ENV: 'development', TRUSTED_ISSUERS_FILE: 'package.json' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Samenloop cannot start: TRUSTED_ISSUERS_FILE .*package.json must be a non-empty JSON array of issuers/);
  });
});
