import { describe, expect, it } from 'vitest';
import { isLabel } from '../../../src/dialogs/i18n.js';
import { createDialogHarness, textOf } from '../../support/dialog-harness.js';

describe('a complaint written in Traditional Chinese', () => {
  it('gets the freeze guidance in the same turn, is not asked the amount or the date, and keeps its own words', async () => {
    const h = createDialogHarness();
    const story = '我的信用卡上個禮拜三被盜刷了五千元，請幫我凍結帳戶';
    const first = textOf(await h.say(story));
    expect(first).toContain('冻结'); // the replies are in Simplified Chinese, the bank's
    expect(first).toContain('95555');
    expect(h.state.intake?.fraudWarned).toBe(true);
    expect(h.state.intake?.draft).toMatchObject({ description: story, amount: 5000, currency: 'CNY', occurredOn: '2026-11-18' });
    expect(textOf(await h.say('[business:credit_card]'))).toContain('您希望我们怎样处理');
    expect(textOf(await h.say('希望銀行退款'))).toContain('请问您怎么称呼');
    await h.say('陳大文');
    const summary = textOf(await h.say('13812345678'));
    expect(summary).toContain(story);
    expect(summary).toContain('2026年11月18日');
    await h.say('[confirm]');
    expect(h.submitted[0]).toMatchObject({ language: 'zh', draft: { description: story, amount: 5000, occurredOn: '2026-11-18', business: 'credit_card' } });
  });
});

describe('a button label typed in Traditional Chinese', () => {
  it('works as the button', async () => {
    expect(isLabel('確認提交', 'btn_confirm')).toBe(true);
    expect(isLabel('繼續', 'btn_continue')).toBe(true);
    expect(isLabel('修改資訊', 'btn_correct')).toBe(true);
    expect(isLabel('修改資訊', 'btn_confirm')).toBe(false);
    const h = createDialogHarness();
    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    await h.say('[business:deposit]');
    await h.say('昨天');
    await h.say('[skip]');
    await h.say('道歉');
    await h.say('陳大文');
    expect(textOf(await h.say('13812345678'))).toContain('櫃員態度很差');
    expect(textOf(await h.say('確認提交'))).toContain('C-20261127-0001');
    expect(h.submitted).toHaveLength(1);
  });
});
