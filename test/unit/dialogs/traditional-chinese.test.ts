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

describe('a whole complaint filed in Traditional Chinese, every answer typed', () => {
  it('greets the opener, reads each answer, takes the corrections at the summary and files it as written', async () => {
    const h = createDialogHarness();
    // An opener, not the complaint: the greeting and the request for the story.
    expect(textOf(await h.say('你好，我要投訴'))).toContain('请用您自己的话');
    expect(h.state.intake?.draft.description).toBeUndefined();
    const story = '櫃員態度很差，讓我排隊等了兩個小時';
    expect(textOf(await h.say(story))).toContain('这涉及哪项产品或业务');
    expect(textOf(await h.say('儲蓄卡'))).toContain('这是什么时候发生的');
    expect(textOf(await h.say('不記得了'))).toContain('涉及多少金额');
    expect(textOf(await h.say('沒有'))).toContain('您希望我们怎样处理');
    expect(textOf(await h.say('沒有'))).toContain('请问您怎么称呼');
    expect(textOf(await h.say('陳大文'))).toContain('电话号码');
    const summary = textOf(await h.say('手機：138-0013-8000 轉23'));
    expect(summary).toContain('请核对您的投诉信息');
    expect(summary).toContain('无具体诉求');
    // A field said to be wrong goes to its question; a Chinese numeral in Traditional is the amount.
    expect(textOf(await h.say('金額不對'))).toContain('涉及多少金额');
    expect(textOf(await h.say('兩百'))).toContain('请核对您的投诉信息');
    // A correction in passing at the summary.
    expect(textOf(await h.say('金額其實是300元'))).toContain('已为您更正');
    expect(textOf(await h.say('日期不對'))).toContain('这是什么时候发生的');
    expect(textOf(await h.say('上個禮拜三'))).toContain('2026年11月18日');
    expect(textOf(await h.say('對'))).toContain('C-20261127-0001');
    expect(h.submitted[0]).toMatchObject({
      language: 'zh',
      draft: {
        description: story,
        business: 'debit_card',
        occurredOn: '2026-11-18',
        amount: 300,
        desiredResolution: 'Nothing in particular / 无具体诉求',
        name: '陳大文',
        phone: '13800138000 ext. 23',
      },
    });
    // Thanks afterwards is good manners, not a second complaint.
    expect(textOf(await h.say('謝謝'))).toContain('感谢您的联系');
    expect(h.state.intake).toBeUndefined();
  });

  it.each([
    ['上個禮拜', '是那一周的哪一天'],
    ['後天', '这个日期还没到'],
    ['好幾個禮拜', '说到月份就行'],
  ])('answers the date "%s" with the reason its Simplified form gets', async (answer, reason) => {
    const h = createDialogHarness();
    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    await h.say('[business:deposit]');
    expect(textOf(await h.say(answer))).toContain(reason);
  });
});

describe('commands and interruptions in Traditional Chinese', () => {
  it('takes 轉人工, 查詢進度, 幫助, 重來 and 說英語 as the commands', async () => {
    const h = createDialogHarness();
    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    expect(textOf(await h.say('查詢進度'))).toContain('您目前没有处理中的投诉');
    expect(textOf(await h.say('幫助'))).toContain('我负责为银行投诉处理团队记录投诉');
    expect(textOf(await h.say('接下來會怎麼處理？'))).toContain('这涉及哪项产品或业务');
    expect(h.state.intake?.step).toBe('business');
    expect(textOf(await h.say('重來'))).toContain('确定');
    expect(textOf(await h.say('不要重來'))).toContain('好的，我们继续');
    expect(textOf(await h.say('轉人工'))).toContain('已为您转接人工');
    expect(h.submitted[0]).toMatchObject({ humanRequested: true, incomplete: true });
    expect(textOf(await h.say('可以說英語嗎'))).toContain('English');
    expect(h.state.lang).toBe('en');
  });

  it('asks to confirm 取消 and takes 確定 as yes, and 不對 after the offer of a person as a misread answer', async () => {
    const h = createDialogHarness();
    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    expect(textOf(await h.say('取消'))).toContain('确定取消这次投诉吗');
    expect(textOf(await h.say('確定'))).toContain('已取消');
    expect(h.state.intake).toBeUndefined();

    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    await h.say('[business:deposit]');
    await h.say('昨天');
    for (let i = 0; i < 3; i++) await h.say('很多錢呢呢');
    expect(h.state.pending).toBe('offer_human');
    expect(textOf(await h.say('不對'))).toContain('涉及多少金额');
    expect(h.state.pending).toBeUndefined();
    expect(h.submitted).toHaveLength(0);
  });
});

describe('answers in written Cantonese', () => {
  it('takes 冇, 唔知, 係 / 唔係, 我係… and 唔該 as the Mandarin answers they are', async () => {
    const h = createDialogHarness();
    await h.say('櫃員態度很差，讓我排隊等了兩個小時');
    await h.say('[business:deposit]');
    expect(textOf(await h.say('唔知'))).toContain('涉及多少金额');
    expect(textOf(await h.say('冇'))).toContain('您希望我们怎样处理');
    expect(textOf(await h.say('冇'))).toContain('请问您怎么称呼');
    expect(textOf(await h.say('我係陳大文'))).toContain('电话号码');
    await h.say('13812345678');
    expect(textOf(await h.say('唔係'))).toContain('您想修改哪一项');
    await h.say('[field:name]');
    await h.say('陳小文');
    expect(textOf(await h.say('係'))).toContain('C-20261127-0001');
    expect(h.submitted[0]?.draft).toMatchObject({ occurredOn: null, amount: null, desiredResolution: 'Nothing in particular / 无具体诉求', name: '陳小文' });
    expect(textOf(await h.say('唔該'))).toContain('感谢您的联系');
  });
});

describe('an amount given as more than a sum in Traditional', () => {
  it('is kept as more than it (兩千多元 is over 2,000), like 两千多元', async () => {
    const h = createDialogHarness();
    await h.say('信用卡年費被多扣了兩千多元');
    expect(h.state.intake?.draft).toMatchObject({ amount: 2000, amountApprox: 'over' });
  });
});
