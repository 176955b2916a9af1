import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyError, builtinPolicyFile, computeDeadlines, isBusinessDay, loadPolicy } from '../../../src/cases/clocks/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'clocks-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePolicy(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A valid custom policy: a bank with its own holiday and a 10-business-day rule. */
const custom = {
  name: 'acme',
  timeZone: 'Asia/Hong_Kong',
  calendar: { id: 'acme', holidays: [{ name: 'Founders Day', date: '2026-03-02' }] },
  serviceTargets: { firstResponseHours: { P1: 0.5, P2: 2, P3: 8, P4: 48 } },
  regulatory: {
    default: {
      id: 'house',
      steps: [
        { id: 'answer', length: 10, unit: 'business_days' },
        { id: 'extension_1', length: 20, unit: 'business_days', approverRole: 'supervisor', noticeKey: 'acme.extension' },
      ],
    },
  },
};

describe('loadPolicy', () => {
  it.each([
    { spec: 'cn', timeZone: undefined, expectedZone: 'Asia/Shanghai' },
    { spec: 'uk', timeZone: undefined, expectedZone: 'Europe/London' },
    { spec: 'us', timeZone: undefined, expectedZone: 'America/New_York' },
    { spec: ' uk ', timeZone: 'Europe/London', expectedZone: 'Europe/London' },
    { spec: 'cn', timeZone: 'Asia/Hong_Kong', expectedZone: 'Asia/Hong_Kong' },
  ])('loads built-in $spec in $expectedZone', ({ spec, timeZone, expectedZone }) => {
    const p = loadPolicy(spec, timeZone ? { timeZone } : {});
    expect(p.name).toBe(spec.trim());
    expect(p.origin).toBe('builtin');
    expect(p.timeZone).toBe(expectedZone);
    expect(p.firstResponseHours).toEqual({ P1: 1, P2: 4, P3: 24, P4: 24 });
  });

  it('loads a policy file with inline holidays; its own time zone wins over BANK_TIMEZONE', () => {
    const file = writePolicy('acme.json', custom);
    const p = loadPolicy(file, { timeZone: 'Europe/London' });
    expect(p.name).toBe('acme');
    expect(p.origin).toBe(file);
    expect(p.timeZone).toBe('Asia/Hong_Kong');
    expect(isBusinessDay('2026-03-02', p.calendar, p.timeZone)).toBe(false);
    // Received Friday 27 Feb 2026; Monday 2 March is the bank's holiday, so the tenth business
    // day is Monday 16 March rather than Friday 13 March.
    const d = computeDeadlines({ receivedAt: new Date('2026-02-27T10:00:00Z'), severity: 'P1', business: 'deposit', policy: p });
    expect(d.firstResponseDueAt.toISOString()).toBe('2026-02-27T10:30:00.000Z');
    expect(d.regulatoryDueAt.toISOString()).toBe('2026-03-16T15:59:59.999Z');
    expect(d.calendarStatus).toBe('official');
  });

  it('resolves a relative path against cwd', () => {
    writePolicy('relative.json', builtinPolicyFile('uk'));
    expect(loadPolicy('./relative.json', { cwd: dir }).name).toBe('uk');
  });

  it.each([
    { what: 'an unknown profile name', spec: 'fr', message: /Unknown COMPLAINT_POLICY "fr": expected cn, uk, us or a path/ },
    { what: 'a missing file', spec: path.join(dir, 'nope.json'), message: /Cannot read complaint policy file .*nope\.json: file not found/ },
    { what: 'a file that is not JSON', spec: () => writePolicy('broken.json', '{ "name": "x", '), message: /broken\.json is not valid JSON/ },
    {
      what: 'a missing severity target',
      spec: () => writePolicy('no-p4.json', { ...custom, serviceTargets: { firstResponseHours: { P1: 1, P2: 4, P3: 24 } } }),
      message: /no-p4\.json:\n.*serviceTargets\.firstResponseHours\.P4/,
    },
    {
      what: 'an extension without approverRole or noticeKey',
      spec: () =>
        writePolicy('no-approver.json', {
          ...custom,
          regulatory: { default: { id: 'house', steps: [{ id: 'a', length: 10, unit: 'calendar_days' }, { id: 'b', length: 20, unit: 'calendar_days' }] } },
        }),
      message: /regulatory\.default\.steps\.1\.approverRole: an extension needs an approverRole[\s\S]*steps\.1\.noticeKey/,
    },
    {
      what: 'an extension shorter than the deadline it extends',
      spec: () =>
        writePolicy('shorter.json', {
          ...custom,
          regulatory: { default: { id: 'house', steps: [{ id: 'a', length: 10, unit: 'calendar_days' }, { id: 'b', length: 5, unit: 'calendar_days', approverRole: 'supervisor', noticeKey: 'k' }] } },
        }),
      message: /steps\.1\.length: must be longer than the previous step \(10\)/,
    },
    { what: 'an unknown time zone', spec: () => writePolicy('tz.json', { ...custom, timeZone: 'Mars/Olympus' }), message: /timeZone: must be an IANA time zone/ },
    { what: 'an unknown calendar id', spec: () => writePolicy('cal.json', { ...custom, calendar: 'fr' }), message: /calendar/ },
    { what: 'a misspelt key', spec: () => writePolicy('typo.json', { ...custom, serviceTarget: custom.serviceTargets }), message: /serviceTarget/ },
    {
      what: 'a track for a business that does not exist',
      spec: () => writePolicy('biz.json', { ...custom, regulatory: { ...custom.regulatory, byBusiness: { mortgages: custom.regulatory.default } } }),
      message: /regulatory\.byBusiness/,
    },
    { what: 'an inline holiday that is not a date', spec: () => writePolicy('date.json', { ...custom, calendar: { holidays: [{ name: 'x', date: '2026-13-01' }] } }), message: /calendar\.holidays\.0/ },
  ])('rejects $what with a PolicyError that says what is wrong', ({ spec, message }) => {
    const nameOrPath = typeof spec === 'function' ? spec() : spec;
    let thrown: unknown;
    try {
      loadPolicy(nameOrPath);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).code).toBe('policy_invalid');
    expect((thrown as PolicyError).message).toMatch(message);
  });

  it('rejects an invalid BANK_TIMEZONE', () => {
    expect(() => loadPolicy('cn', { timeZone: 'Asia/Nowhere' })).toThrow(/Invalid time zone "Asia\/Nowhere"/);
  });
});
