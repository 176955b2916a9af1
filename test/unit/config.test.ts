import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('needs nothing set: embedded SQLite in ./data, port 3978, rules only', () => {
    const c = loadConfig({}, '/srv/desk');
    expect(c).toMatchObject({ PORT: 3978, DATABASE_URL: 'file:/srv/desk/data/complaint-desk.db', dataDir: '/srv/desk/data', COMPLAINT_POLICY: 'cn', SURVEY_DELAY_MINUTES: 60 });
    expect(c.SURVEY_HOURS).toEqual({ fromMinute: 0, toMinute: 24 * 60 });
    expect(c.OPENAI_API_KEY).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3978');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a port number'],
    [{ PUBLIC_URL: 'ftp://complaints.bank.example' }, 'PUBLIC_URL: must be an http:// or https:// URL'],
    [{ PUBLIC_URL: 'complaints.bank.example:443' }, 'PUBLIC_URL: must be an http:// or https:// URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must start with file:'],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example/hook' }, 'TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_WEBHOOK_URL is set'],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, 'TELEGRAM_BOT_TOKEN'],
    [{ STAFF_TELEGRAM_CHAT_ID: '-1001234567890' }, 'STAFF_TELEGRAM_CHAT_ID: needs TELEGRAM_BOT_TOKEN'],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example/hook', TELEGRAM_WEBHOOK_SECRET: 'a-secret-of-some-length' }, 'TELEGRAM_WEBHOOK_URL: needs TELEGRAM_BOT_TOKEN'],
    [{ STAFF_TELEGRAM_CHAT_ID: 'complaints-staff' }, 'STAFF_TELEGRAM_CHAT_ID: must be a Telegram chat id'],
    [{ STAFF_TELEGRAM_CHAT_ID: '-100 1234567890' }, 'STAFF_TELEGRAM_CHAT_ID: must be a Telegram chat id'],
    [{ STAFF_API_TOKEN: 'short' }, 'STAFF_API_TOKEN: must be at least 16 characters'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN: must be at least 16 characters'],
    [{ ADMIN_EMAIL: 'boss@bank.example' }, 'ADMIN_PASSWORD: is required when ADMIN_EMAIL is set'],
    [{ ADMIN_EMAIL: 'boss@bank.example', ADMIN_PASSWORD: 'x'.repeat(73) }, 'ADMIN_PASSWORD: must be at most 72 bytes'],
    [{ BANK_TIMEZONE: 'Mars/Olympus' }, 'BANK_TIMEZONE: must be an IANA time zone'],
    [{ MicrosoftAppId: 'app' }, 'MicrosoftAppPassword: is required when MicrosoftAppId is set'],
    [{ SURVEY_DELAY_MINUTES: '-5' }, 'SURVEY_DELAY_MINUTES'],
    [{ SURVEY_HOURS: '21:00-09:00' }, 'SURVEY_HOURS: must be HH:MM-HH:MM with the start before the end'],
    [{ SURVEY_HOURS: '9-21' }, 'SURVEY_HOURS: must be HH:MM-HH:MM'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY: must be a number of proxies'],
    [{ TRUST_PROXY: '10.0.0.1, nginx' }, 'TRUST_PROXY: must be a number of proxies'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1,' }, 'TRUST_PROXY'],
    [{ OPENAI_API_KEY: 'k', OPENAI_MODEL: 'qwen2.5', OPENAI_BASE_URL: 'localhost:11434/v1' }, 'OPENAI_BASE_URL: must be an http:// or https:// URL'],
    [{ OPENAI_API_KEY: 'k', OPENAI_MODEL: 'qwen2.5', OPENAI_BASE_URL: 'ftp://llm.bank.example/v1' }, 'OPENAI_BASE_URL: must be an http:// or https:// URL'],
    [{ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_MODEL: 'qwen2.5' }, 'OPENAI_API_KEY: is required when OPENAI_BASE_URL is set'],
    [{ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_API_KEY: 'ollama', OPENAI_MODEL: ' ' }, 'OPENAI_MODEL: is required when OPENAI_BASE_URL is set'],
    [{ OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '90000' }, 'OPENAI_TIMEOUT_MS: must be a number of milliseconds from 100 to 60000'],
    [{ OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '50' }, 'OPENAI_TIMEOUT_MS: must be a number of milliseconds from 100 to 60000'],
    [{ OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '8s' }, 'OPENAI_TIMEOUT_MS: must be a number of milliseconds from 100 to 60000'],
    [{ OPENAI_API_KEY: 'k', OPENAI_MAX_TOKENS: '100' }, 'OPENAI_MAX_TOKENS: must be a number of tokens from 256 to 32768'],
    [{ OPENAI_API_KEY: 'k', OPENAI_MAX_TOKENS: 'lots' }, 'OPENAI_MAX_TOKENS: must be a number of tokens from 256 to 32768'],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => loadConfig(env, '/srv/desk')).toThrow(ConfigError);
    expect(() => loadConfig(env, '/srv/desk')).toThrow(message);
  });

  it('takes TRUST_PROXY as Express does: loopback unless set, a hop count, or proxy addresses and subnets', () => {
    expect(loadConfig({}, '/srv').TRUST_PROXY).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '1' }, '/srv').TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16, fd00::/8, loopback' }, '/srv').TRUST_PROXY).toEqual(['10.0.0.5', '192.168.0.0/16', 'fd00::/8', 'loopback']);
  });

  it('asks OpenAI for gpt-4o-mini unless told otherwise', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }, '/srv').OPENAI_MODEL).toBe('gpt-4o-mini');
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_MODEL: 'gpt-4.1' }, '/srv').OPENAI_MODEL).toBe('gpt-4.1');
    expect(loadConfig({ OPENAI_API_KEY: 'ollama', OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_MODEL: 'qwen2.5' }, '/srv').OPENAI_MODEL).toBe('qwen2.5');
  });

  it('caps an LLM answer at 1024 tokens unless told otherwise', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }, '/srv').OPENAI_MAX_TOKENS).toBe(1024);
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_MAX_TOKENS: '4096' }, '/srv').OPENAI_MAX_TOKENS).toBe(4096);
  });

  it('keeps evidence where DATA_DIR says, and beside the SQLite file otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'file:./db/x.sqlite' }, '/srv').dataDir).toBe(path.resolve('/srv/db'));
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db', DATA_DIR: '/var/lib/desk' }, '/srv').dataDir).toBe('/var/lib/desk');
  });
});
