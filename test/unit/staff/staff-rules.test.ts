import { describe, expect, it } from 'vitest';
import { complaintNames } from '../../../src/cases/conflict-of-interest.js';
import { TRANSITIONS, transitionRefusal } from '../../../src/cases/case-lifecycle.js';
import { extensionNoticeText } from '../../../src/cases/extend-case-deadline.js';
import { maskForStaff, maskName, maskPhone } from '../../../src/cases/reveal-customer-contact.js';
import { createUnknownLoginThrottle, LOCK_MS } from '../../../src/cases/staff/accounts.js';
import { html, markChinese, markLanguage, raw } from '../../../src/cases/staff/console/html.js';
import { csrfTokenFor, sameToken } from '../../../src/cases/staff/session.js';
import { CASE_STATUSES } from '../../../src/cases/taxonomy.js';

describe('the case lifecycle', () => {
  it.each([
    ['new', 'in_progress'],
    ['in_progress', 'awaiting_customer'],
    ['awaiting_customer', 'in_progress'],
    ['in_progress', 'resolved'],
    ['resolved', 'closed'],
    ['resolved', 'reopened'],
    ['reopened', 'in_progress'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(transitionRefusal(from, to)).toBeNull();
  });

  it.each([
    ['in_progress', 'closed', 'only a resolved case can be closed'],
    ['in_progress', 'reopened', 'only a resolved case can be reopened'],
    ['closed', 'reopened', 'a closed case is archived and cannot change'],
    ['resolved', 'in_progress', 'a resolved case cannot go to in_progress'],
    ['resolved', 'resolved', 'the case is already resolved'],
  ] as const)('refuses %s → %s with a reason', (from, to, reason) => {
    expect(transitionRefusal(from, to)).toBe(reason);
  });

  it('has an entry for every status and nothing leaves closed', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CASE_STATUSES].sort());
    expect(TRANSITIONS.closed).toEqual([]);
  });
});

describe('回避: a complaint that names a staff member', () => {
  it.each([
    ['The teller Wang Fang was rude', 'Wang Fang', true],
    ['the teller wang fang was rude', 'Wang Fang', true],
    ['Mr Fang at the counter shouted at me', 'Wang Fang', true],
    ['柜员王芳态度很差', '王芳', true],
    ['The teller was rude', 'Wang Fang', false],
    ['I paid a fang-shaped fee', 'Li Fangfang', false],
    ['Alice in wonderland', 'Al', false],
  ])('"%s" names %s: %s', (text, name, expected) => {
    expect(complaintNames(text, name)).toBe(expected);
  });
});

describe('masking', () => {
  it('keeps the first character of each name part and the last four digits of a phone', () => {
    expect(maskName('Jane Doe')).toBe('J*** D**');
    expect(maskName('王小明')).toBe('王**');
    expect(maskPhone('+1 415 555 0100')).toBe('*******0100');
    expect(maskPhone('13912345678')).toBe('*******5678');
    // The last four of the number itself, not of number and extension run together.
    expect(maskPhone('01065123456 ext. 23')).toBe('*******3456 ext. 23');
    expect(maskName(null)).toBeNull();
  });

  // The phone answer in the conversation is the customer's own typing; the case stores the
  // number as staff dial it (E.164 for a foreign number), so the stored form is not in the text.
  it.each([
    ['+447700900123', 'my number is 07700 900123', 'my number is *******0123'],
    ['+447700900123', '0044 7700 900 123, after 6pm', '**********0123, after 6pm'],
    ['+14155552671 ext. 23', '415 555 2671 x23', '******2671 x23'],
    ['+14155552671', 'call 1 415 555 2671', 'call *******2671'],
    ['01065123456', '座机 010 6512 3456', '座机 *******3456'],
    ['01065123456 ext. 23', '０１０　６５１２　３４５６ 转23', '*******3456 转23'],
  ])('masks the customer’s own phone %s as they typed it ("%s")', (phone, text, shown) => {
    expect(maskForStaff(text, { customerName: null, customerPhone: phone })).toBe(shown);
  });

  it('leaves other numbers in the customer’s words alone', () => {
    expect(maskForStaff('I paid 2671 on 12 May, ref 900123', { customerName: null, customerPhone: '+447700900123' })).toBe('I paid 2671 on 12 May, ref 900123');
  });
});

describe('extension notices', () => {
  it('fills the clock module’s notice in the customer’s language', () => {
    const params = { dueDate: '2026-04-09', reason: 'CCTV review' };
    expect(extensionNoticeText('clocks.notice.cn.extension_1', params, 'en')).toContain('extended, with approval, to 2026-04-09. Reason: CCTV review');
    expect(extensionNoticeText('clocks.notice.cn.extension_1', params, 'zh')).toContain('2026-04-09');
    // An unknown key falls back to the generic notice rather than sending nothing.
    expect(extensionNoticeText('bank.custom', params, 'en')).toContain('by 2026-04-09');
  });
});

describe('console HTML', () => {
  it('escapes every interpolated value unless it is markup built by html``', () => {
    const evil = '<script>alert("x")</script>\'`&';
    expect(html`<p>${evil}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&#96;&amp;</p>');
    expect(html`<div>${html`<b>${evil}</b>`}</div>`.value).toContain('<b>&lt;script&gt;');
    expect(html`<ul>${['<a>', raw('<li>ok</li>')]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('marks the Chinese of a bilingual label, punctuation and digits inside it included, and escapes the rest', () => {
    expect(markChinese('Bank target 服务目标').value).toBe('Bank target <span lang="zh-Hans">服务目标</span>');
    expect(markChinese('Wait 15 minutes. 登录尝试过多，请15分钟后再试。').value).toBe('Wait 15 minutes. <span lang="zh-Hans">登录尝试过多，请15分钟后再试。</span>');
    expect(markChinese('AI summary · AI 摘要——请对照对话核实').value).toBe('AI summary · AI <span lang="zh-Hans">摘要——请对照对话核实</span>');
    expect(markChinese('<b> & 未结').value).toBe('&lt;b&gt; &amp; <span lang="zh-Hans">未结</span>');
    expect(markChinese('Log out').value).toBe('Log out');
  });

  it('marks a customer’s mostly Chinese text as Chinese as a whole, and only the Chinese words of an English one', () => {
    expect(markLanguage('我的card被盗刷了5000元').value).toBe('<span lang="zh-Hans">我的card被盗刷了5000元</span>');
    expect(markLanguage('I was charged twice at 星巴克 on Monday').value).toBe('I was charged twice at <span lang="zh-Hans">星巴克</span> on Monday');
    expect(markLanguage('My card <b>was</b> charged').value).toBe('My card &lt;b&gt;was&lt;/b&gt; charged');
  });
});

describe('CSRF tokens', () => {
  it('are tied to the session and compared in constant time', () => {
    expect(csrfTokenFor('session-a')).toBe(csrfTokenFor('session-a'));
    expect(csrfTokenFor('session-a')).not.toBe(csrfTokenFor('session-b'));
    expect(csrfTokenFor('session-a')).not.toContain('session-a');
    expect(sameToken(csrfTokenFor('s'), csrfTokenFor('s'))).toBe(true);
    expect(sameToken(undefined, csrfTokenFor('s'))).toBe(false);
    expect(sameToken('', '')).toBe(false);
  });
});

describe('the login throttle for emails without an account', () => {
  const t0 = new Date('2026-11-27T03:00:00Z');

  it('locks on the fifth failure in a row for 15 minutes, then counts afresh', () => {
    const throttle = createUnknownLoginThrottle();
    for (let i = 0; i < 4; i++) expect(throttle.fail('x@bank.test', t0)).toBeNull();
    expect(throttle.fail('x@bank.test', t0)).toEqual(new Date(t0.getTime() + LOCK_MS));
    expect(throttle.lockedUntil('x@bank.test', new Date(t0.getTime() + LOCK_MS - 1))).not.toBeNull();
    const later = new Date(t0.getTime() + LOCK_MS);
    expect(throttle.lockedUntil('x@bank.test', later)).toBeNull();
    expect(throttle.fail('x@bank.test', later)).toBeNull();
  });

  it('forgets the least recently tried email beyond its size', () => {
    const throttle = createUnknownLoginThrottle(2);
    for (let i = 0; i < 4; i++) throttle.fail('a@bank.test', t0);
    throttle.fail('b@bank.test', t0);
    throttle.fail('a@bank.test', t0);
    expect(throttle.lockedUntil('a@bank.test', t0)).not.toBeNull();
    throttle.fail('c@bank.test', t0);
    // a, tried after b, is still locked; b's one failure was forgotten: four more do not lock it.
    expect(throttle.lockedUntil('a@bank.test', t0)).not.toBeNull();
    for (let i = 0; i < 4; i++) expect(throttle.fail('b@bank.test', t0)).toBeNull();
  });
});
