import { describe, expect, it } from 'vitest';
import { detectLanguage, t } from '../../../src/dialogs/i18n.js';
import { detectInterruption, requestedLanguage } from '../../../src/dialogs/interruptions.js';
import { en } from '../../../src/dialogs/locales/en.js';
import { zh } from '../../../src/dialogs/locales/zh.js';
import { normalizePhone, normalizeSharedPhone } from '../../../src/dialogs/slots.js';
import { parseState } from '../../../src/dialogs/state.js';
import type { InboundMessage } from '../../../src/dialogs/types.js';

const msg = (text: string, action?: string): InboundMessage => ({
  conversationKey: 'k',
  intakeChannel: 'test',
  externalUserId: 'u',
  conversationRef: {},
  receivedAt: new Date(0),
  text,
  action,
});

describe('texts', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).toBeTruthy();
      const vars = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      expect(vars(zh[key]), key).toEqual(vars(en[key]));
    }
  });

  it('fills placeholders', () => {
    expect(t('en', 'case_created', { reference: 'C-20261127-0001' })).toContain('C-20261127-0001');
  });
});

describe('detectLanguage', () => {
  it.each([
    ['my card was stolen', undefined, 'en'],
    ['我的 Visa 卡被盗刷了', undefined, 'zh'],
    ['12345', 'en-US', 'en'],
    ['12345', 'zh-CN', 'zh'],
    ['', undefined, 'zh'],
    // A bare command is the client's menu: the locale decides.
    ['/start', 'zh-hans', 'zh'],
    ['/start', 'en', 'en'],
    ['/help@ComplaintBot', 'en-US', 'en'],
    ['/start', undefined, 'zh'],
  ] as const)('%s (%s) → %s', (text, locale, lang) => {
    expect(detectLanguage(text, locale)).toBe(lang);
  });
});

describe('detectInterruption', () => {
  it.each([
    ['help', 'help'],
    ['/help@ComplaintBot', 'help'],
    ['帮助', 'help'],
    ['取消', 'cancel'],
    ['转人工', 'human'],
    ['Talk to a person', 'human'],
    ['查询进度', 'status'],
    ['English', 'language'],
    ['重新开始', 'restart'],
    ['Hi there', 'start'],
    ['hello?', 'start'],
    ['hi, I need help', 'start'],
    ['你好，我要投诉', 'start'],
    ['?', 'help'],
    ['我要找人工客服', 'human'],
    ['Agent please', 'human'],
    ['can I speak to someone?', 'human'],
    ['switch to English', 'language'],
    ['Can you speak English?', 'language'],
    ['说中文', 'language'],
    ['/lang', 'language'],
    ['/LANG@ComplaintBot', 'language'],
    ['/language', 'language'],
    ['what happens next?', 'next_steps'],
    ['How long will this take?', 'next_steps'],
    ['接下来会怎么处理？', 'next_steps'],
    ['要多久才有结果？', 'next_steps'],
    ['it has been three weeks and nothing happened', null],
    ['多久都没人处理', null],
    ['the customer service was rude', null],
    ['客服态度很差', null],
    ['/foo', 'unknown_command'],
    ['/report_2@ComplaintBot', 'unknown_command'],
    ['I want to cancel my credit card because of the fees', null],
    ['the teller refused to help me', null],
    ['ATM ate my card', null],
    ['卡被吞了', null],
    ['hi, my card was stolen', null],
    ['I want to complain about the fees', null],
  ] as const)('%s → %s', (text, kind) => {
    expect(detectInterruption(msg(text))).toBe(kind);
  });

  it.each([
    ['switch to English', 'en'],
    ['英文', 'en'],
    ['Can you speak Chinese?', 'zh'],
    ['说中文', 'zh'],
  ] as const)('reads the language asked for in "%s"', (text, lang) => {
    expect(requestedLanguage(msg(text))).toBe(lang);
  });

  it('reads commands from buttons', () => {
    expect(detectInterruption(msg('', 'cmd:human'))).toBe('human');
    expect(detectInterruption(msg('', 'cmd:nonsense'))).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each([
    ['138 1234 5678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
    ['010 6512 3456', '01065123456'],
    ['+44 7700 900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['12345', null],
    ['call me', null],
    // As customers type them: full-width digits, words around the number, an extension.
    ['１３８００１３８０００', '13800138000'],
    ['my number is 138 0013 8000', '13800138000'],
    ['我的电话是13800138000', '13800138000'],
    ['手机：138-0013-8000', '13800138000'],
    ['call me after 6pm at 13800138000', '13800138000'],
    ['0755-12345678', '075512345678'],
    ['010-12345678 ext 23', '01012345678 ext. 23'],
    ['010-12345678转23', '01012345678 ext. 23'],
    ['座机 010 1234 5678 分机 23', '01012345678 ext. 23'],
    ['+1 (415) 555-2671 x23', '+14155552671 ext. 23'],
    // Not Chinese numbers: a mobile one digit short, a US number without +1 at a Chinese bank.
    ['1380013800', null],
    ['(415) 555-2671', null],
    ['6222021234567890', null],
  ] as const)('%s → %s', (raw, phone) => {
    expect(normalizePhone(raw)).toBe(phone);
  });

  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415-555-2671', 'US', '+14155552671'],
    ['1 415 555 2671', 'US', '+14155552671'],
    ['07700 900123', 'GB', '+447700900123'],
    ['020 7946 0958', 'GB', '+442079460958'],
    // A number outside the numbering plan libphonenumber knows (07700 900xxx is kept for
    // drama, like a range issued after the plan) in a sentence with other digits in it.
    ['07700 900123 after 5pm', 'GB', '+447700900123'],
    ['call after 5 on 07700 900123', 'GB', '+447700900123'],
    // A Chinese number at a bank abroad is foreign there: dialled with +86.
    ['+86 138 0013 8000', 'US', '+8613800138000'],
    ['555-2671', 'US', null],
    ['13800138000', 'GB', null],
  ] as const)('%s at a bank in %s → %s', (raw, country, phone) => {
    expect(normalizePhone(raw, country)).toBe(phone);
  });
});

describe('normalizeSharedPhone', () => {
  it.each([
    ['447700900123', '+447700900123'],
    ['12025550123', '+12025550123'],
    // An 11-digit number starting 1 shared by Telegram is North American, never a bare CN mobile.
    ['13105550123', '+13105550123'],
    ['8613812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+447700900123', '+447700900123'],
    ['12345', null],
  ] as const)('%s → %s', (raw, phone) => {
    expect(normalizeSharedPhone(raw)).toBe(phone);
  });

  it("reads a shared number as international at a bank abroad too, a Chinese one with +86 there", () => {
    expect(normalizeSharedPhone('14155552671', 'US')).toBe('+14155552671');
    expect(normalizeSharedPhone('8613812345678', 'GB')).toBe('+8613812345678');
  });
});

describe('parseState', () => {
  it('starts fresh from nothing and resets state that no longer parses', () => {
    expect(parseState(null)).toEqual({ state: { v: 1 }, reset: false });
    expect(parseState('{not json')).toEqual({ state: { v: 1 }, reset: true });
    expect(parseState(JSON.stringify({ v: 1, intake: { step: 'nowhere' } })).reset).toBe(true);
  });
});
