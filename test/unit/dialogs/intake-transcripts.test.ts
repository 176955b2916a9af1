import { describe, expect, it } from 'vitest';
import type { SurveyPort } from '../../../src/dialogs/deps.js';
import { step } from '../../../src/dialogs/conversation.js';
import { parseState } from '../../../src/dialogs/state.js';
import { buttonsOf, createDialogHarness, textOf } from '../../support/dialog-harness.js';

type Line = [say: string, botSays: (string | RegExp)[]];

/** Plays a transcript and checks every bot turn contains what the line expects. */
async function play(lines: Line[], opts: { locale?: string; now?: Date } = {}) {
  const h = createDialogHarness(opts);
  for (const [say, expected] of lines) {
    const text = textOf(await h.say(say));
    for (const e of expected) {
      if (typeof e === 'string') expect(text, `after "${say}"`).toContain(e);
      else expect(text, `after "${say}"`).toMatch(e);
    }
  }
  return h;
}

describe('intake transcripts', () => {
  it('takes an English complaint, asks only what is missing, and files it', async () => {
    const h = await play([
      ['Hello', ['complaints assistant of Test Bank', 'Privacy', 'in your own words']],
      ['The teller at the branch was rude to me and refused to help', ['Which product or service']],
      ['[business:deposit]', ['When did it happen']],
      ['yesterday', ['How much money']],
      ['[skip]', ['What would you like us to do']],
      ['An apology from the branch manager', ['What is your name']],
      ['Alice Wong', ['phone number']],
      ['13812345678', ['Please check your complaint', 'Savings / current account', '26 November 2026', 'none given', 'Alice Wong']],
      ['[confirm]', ['Reference: C-20261127-0001', 'What happens next', 'decision']],
    ]);
    expect(h.submitted).toHaveLength(1);
    expect(h.submitted[0]).toMatchObject({
      incomplete: false,
      humanRequested: false,
      language: 'en',
      draft: { business: 'deposit', occurredOn: '2026-11-26', amount: null, name: 'Alice Wong', phone: '13812345678' },
    });
  });

  it.each(['hello?', 'Hi there', 'Good morning', 'hey there!', 'Hi bot', 'hi, I need help', 'I want to complain', 'I need help', '123456'])(
    'greets "%s" and asks for the story, then takes the story as the description',
    async (opener) => {
      const h = await play(
        [
          [opener, ['complaints assistant of Test Bank', 'in your own words']],
          ['My card was swallowed by the ATM', ['Which product or service']],
        ],
        { locale: 'en' },
      );
      expect(h.state.intake?.draft.description).toBe('My card was swallowed by the ATM');
    },
  );

  it.each(['你好，我要投诉', '我要投诉', '您好！在吗？'])('greets "%s" in Chinese and takes the next message as the description', async (opener) => {
    const h = await play([
      [opener, ['您好', '请用您自己的话']],
      ['卡被吞了，ATM 没有退卡', ['这涉及哪项产品或业务']],
    ]);
    expect(h.state.intake?.draft.description).toBe('卡被吞了，ATM 没有退卡');
  });

  it('asks for the story again without greeting twice when the customer greets again', async () => {
    const h = await play([
      ['Hello', ['complaints assistant of Test Bank']],
      ['hi, I want to make a complaint', ['in your own words']],
    ]);
    expect(textOf(await h.say('Hi there'))).not.toContain('complaints assistant');
    expect(h.state.intake).toMatchObject({ step: 'describe', failures: 0 });
  });

  it.each(['ATM ate my card', '卡被吞了', 'I have a problem with my card'])('takes a short complaint "%s" as the description', async (story) => {
    const h = createDialogHarness();
    await h.say(story);
    expect(h.state.intake?.draft.description).toBe(story);
  });

  it('tells the reference again when Confirm comes twice (a double tap, a resend after a lost reply)', async () => {
    const h = await play([
      ['The teller at the branch was rude to me and refused to help', ['Which product or service']],
      ['[business:deposit]', ['When did it happen']],
      ['yesterday', ['How much money']],
      ['[skip]', ['What would you like us to do']],
      ['An apology', ['What is your name']],
      ['Alice Wong', ['phone number']],
      ['13812345678', ['Please check your complaint']],
      ['[confirm]', ['Reference: C-20261127-0001']],
      ['[confirm]', ['already filed under reference C-20261127-0001']],
    ]);
    expect(h.submitted).toHaveLength(1);
  });

  it('takes a Chinese complaint and does not ask again for what the description already says', async () => {
    const h = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您好', '隐私说明', '您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['138 1234 5678', ['请核对', '信用卡', '定价收费', '500']],
      ['确认', ['编号：C-20261127-0001', '接下来']],
    ]);
    const draft = h.submitted[0]!.draft;
    expect(draft).toMatchObject({ business: 'credit_card', amount: 500, occurredOn: '2026-11-26', phone: '13812345678', name: '张伟' });
    expect(draft.extracted).toEqual(expect.arrayContaining(['business', 'amount', 'occurredOn']));
    expect(h.submitted[0]!.language).toBe('zh');
  });

  it('lets the customer correct one field from the summary', async () => {
    const h = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['refund the duplicate', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint', 'Bob']],
      ['[correct]', ['What would you like to correct?']],
      ['[field:name]', ['What is your name']],
      ['Robert Brown', ['Please check your complaint', 'Robert Brown']],
      ['[confirm]', ['Reference:']],
    ]);
    expect(h.submitted[0]!.draft.name).toBe('Robert Brown');
    expect(h.submitted[0]!.draft.phone).toBe('+447700900123');
  });

  it('takes the facts of a corrected description again, fills what was skipped, keeps what the customer answered, and warns of fraud', async () => {
    const h = await play([
      ['The app is slow', ['Which product or service']],
      ['[business:other]', ['When did it happen']],
      ['yesterday', ['How much money']],
      ['[skip]', ['What would you like us to do']],
      ['Make it faster', ['What is your name']],
      ['Alice Wong', ['phone number']],
      ['13812345678', ['Where it happened: Mobile app', 'Amount: none given']],
      ['[correct]', ['What would you like to correct?']],
      ['[field:description]', ['in your own words']],
    ]);
    const replies = textOf(await h.say('Actually someone hacked my account and transferred 20000 yuan'));
    expect(replies).toContain('Freeze your card or account');
    expect(replies).toContain('Please check your complaint');
    expect(replies).toMatch(/Amount: CN¥20,000/);
    expect(replies).not.toContain('Where it happened: Mobile app');
    expect(replies).toContain('When: 26 November 2026');
    await h.say('[confirm]');
    expect(h.submitted[0]!.draft).toMatchObject({ amount: 20000, currency: 'CNY', occurredOn: '2026-11-26', business: 'other', name: 'Alice Wong', desiredResolution: 'Make it faster' });
    expect(h.submitted[0]!.draft.channel).toBeUndefined();
  });

  it('asks for a fact only the old description gave before showing the corrected summary', async () => {
    const h = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['refund the duplicate', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint', 'Credit card']],
      ['[correct]', ['What would you like to correct?']],
      ['[field:description]', ['in your own words']],
      ['The staff at the branch were rude when I asked about it', ['Which product or service']],
      ['[business:deposit]', ['When did it happen']],
      ['yesterday', ['How much money']],
      ['[skip]', ['Please check your complaint', 'Savings / current account', 'none given', 'Bob']],
    ]);
    expect(h.state.intake?.draft).toMatchObject({ business: 'deposit', amount: null, occurredOn: '2026-11-26', name: 'Bob', desiredResolution: 'refund the duplicate' });
  });

  it('takes the summary buttons\' labels typed in English, and a field named at the summary', async () => {
    const h = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['refund the duplicate', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint']],
      ['correct something', ['What would you like to correct?']],
      ['Name', ['What is your name']],
      ['Robert Brown', ['Please check your complaint', 'Robert Brown']],
      ['the amount', ['How much money']],
      ['60', ['Please check your complaint']],
      ['Confirm and submit!', ['Reference: C-20261127-0001']],
    ]);
    expect(h.submitted[0]!.draft).toMatchObject({ name: 'Robert Brown', amount: 60 });
  });

  it('takes the summary buttons\' labels typed in Chinese, and "我要修改金额"', async () => {
    const h = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对']],
      ['修改信息', ['您想修改哪一项']],
      ['姓名', ['请问您怎么称呼']],
      ['张小伟', ['请核对', '张小伟']],
      ['我要修改金额', ['涉及多少金额']],
      ['600', ['请核对']],
      ['确认提交', ['编号：C-20261127-0001']],
    ]);
    expect(h.submitted[0]!.draft).toMatchObject({ name: '张小伟', amount: 600 });
  });

  it('goes straight to the question of a field said to be wrong at the summary: "the amount is wrong", "wrong date", "金额不对", "电话写错了"', async () => {
    const en = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['refund the duplicate', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint']],
      ['the amount is wrong', ['How much money']],
      ['100', ['Please check your complaint']],
      ['wrong date', ['When did it happen']],
      ['[date:yesterday]', ['Please check your complaint', '26 November 2026']],
      ['[confirm]', ['Reference: C-20261127-0001']],
    ]);
    expect(en.submitted[0]!.draft).toMatchObject({ amount: 100, occurredOn: '2026-11-26' });
    const zh = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对']],
      ['金额不对', ['涉及多少金额']],
      ['600', ['请核对']],
      ['电话写错了', ['电话号码']],
      ['13912345678', ['请核对', '13912345678']],
      ['确认提交', ['编号：C-20261127-0001']],
    ]);
    expect(zh.submitted[0]!.draft).toMatchObject({ amount: 600, phone: '13912345678' });
  });

  it('takes an earlier answer corrected at a later question or at the summary, says so, and asks the pending question again', async () => {
    const en = await play([
      ['My credit card was charged 50 dollars twice for the same purchase', ['When did it happen']],
      ['sorry, the amount was actually $350', ['I have corrected it. Amount: US$350', 'When did it happen']],
      ['yesterday', ['What would you like us to do']],
      ['refund the duplicate', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint', 'Amount: US$350']],
      ['actually the amount was $300', ['I have corrected it. Amount: US$300', 'Please check your complaint', 'Amount: US$300']],
      ['the date should be 20 November', ['When: 20 November 2026', 'Please check your complaint']],
      ['[correct]', ['What would you like to correct?']],
      ['my number is actually +44 7700 900456', ['Phone: +447700900456', 'Please check your complaint']],
      ['[confirm]', ['Reference: C-20261127-0001']],
    ]);
    expect(en.submitted[0]!.draft).toMatchObject({ amount: 300, currency: 'USD', occurredOn: '2026-11-20', phone: '+447700900456' });
    // The customer's own answer now: a corrected description does not replace it.
    expect(en.submitted[0]!.draft.extracted).not.toContain('amount');
    const zh = await play([
      ['我的信用卡同一笔消费被扣了两次50元', ['什么时候发生']],
      ['不好意思，金额其实是350元', ['已为您更正。涉及金额：¥350', '什么时候发生']],
      ['昨天', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对', '¥350']],
      ['金额其实是300元', ['已为您更正。涉及金额：¥300', '请核对']],
      ['日期应该是3月5号', ['发生时间：2026年3月5日', '请核对']],
      ['电话写错了，应该是13912345678', ['电话：13912345678', '请核对']],
      ['确认提交', ['编号：C-20261127-0001']],
    ]);
    expect(zh.submitted[0]!.draft).toMatchObject({ amount: 300, occurredOn: '2026-03-05', phone: '13912345678' });
  });

  it('adds more told at the summary to the complaint, takes the amount and date it gives when they were missing, and shows the summary again', async () => {
    const en = await play([
      ['The branch refused to reverse a charge on my savings account', ['When did it happen']],
      ['[date:unknown]', ['How much money']],
      ['[skip]', ['What would you like us to do']],
      ['refund the charge', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['Please check your complaint', 'When: not known', 'Amount: none given']],
      ['also, they charged me again today 1200 yuan', ['Added to your complaint.', 'Please check your complaint', 'they charged me again today', 'When: 27 November 2026', 'Amount: CN¥1,200']],
      ['hmm ok', ['Please use one of the buttons']],
      ['[confirm]', ['Reference: C-20261127-0001']],
    ]);
    expect(en.submitted[0]!.draft).toMatchObject({
      description: 'The branch refused to reverse a charge on my savings account\nalso, they charged me again today 1200 yuan',
      amount: 1200,
      currency: 'CNY',
      occurredOn: '2026-11-27',
    });
    const zh = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对']],
      ['另外今天又扣了我1200元', ['已补充到您的投诉中。', '请核对', '另外今天又扣了我1200元', '¥500']],
      ['嗯嗯嗯嗯', ['请点击下面的按钮']],
      ['确认提交', ['编号：C-20261127-0001']],
    ]);
    // The amount the customer already gave stays: only a missing one is taken.
    expect(zh.submitted[0]!.draft).toMatchObject({ amount: 500, occurredOn: '2026-11-26' });
    expect(zh.submitted[0]!.draft.description).toContain('另外今天又扣了我1200元');
  });

  it('adds more told at the summary after the fraud guidance to the complaint, instead of "Please use one of the buttons"', async () => {
    const h = await play([
      ['Someone stole my credit card and used it at a shop yesterday, 300 dollars', ['Freeze your card or account']],
    ]);
    for (const say of ['[business:credit_card]', 'refund me', 'Bob', '13812345678']) await h.say(say);
    expect(h.state.intake?.step).toBe('confirm');
    const replies = textOf(await h.say('they also took another 200 dollars from my account this morning'));
    expect(replies).toContain('Added to your complaint.');
    expect(replies).toContain('Please check your complaint');
    expect(replies).not.toContain('Please use one of the buttons');
    expect(replies).not.toContain('Freeze your card or account');
    expect(h.state.intake?.draft.description?.match(/another 200 dollars/g)).toHaveLength(1);
  });

  it('shows a vague amount as the customer said it (两千多, 1千多, "over $2,000"), keeping the number for severity', async () => {
    const zh = await play([
      ['我的信用卡昨天被多扣了两千多块钱年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', [/涉及金额：¥2,000(\.00)?多/]],
      ['金额不对', ['涉及多少金额']],
      ['1千多', [/涉及金额：1,000多/]],
      ['确认提交', ['编号：C-20261127-0001']],
    ]);
    expect(zh.submitted[0]!.draft).toMatchObject({ amount: 1000, amountApprox: 'over' });
    const en = await play([
      ['My credit card was charged over $2,000 in fees yesterday that I never agreed to', ['What would you like us to do']],
      ['refund the fees', ['name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', [/Amount: over US\$2,000/]],
      ['the amount is wrong', ['How much money']],
      ['about 500 dollars', [/Amount: about US\$500/]],
      ['the amount is wrong', ['How much money']],
      ['500', [/Amount: 500\n/]],
    ]);
    expect(en.state.intake?.draft.amount).toBe(500);
    expect(en.state.intake?.draft.amountApprox).toBeUndefined();
  });

  it('still shows the summary of an intake saved before amounts could be vague', async () => {
    const h = createDialogHarness();
    const saved = {
      v: 1,
      lang: 'zh',
      updatedAt: '2026-11-27T01:50:00.000Z',
      intake: {
        startedAt: '2026-11-27T01:40:00.000Z',
        step: 'amount',
        draft: { description: '信用卡被多扣了年费', business: 'credit_card', occurredOn: '2026-11-26', extracted: ['business'] },
        failures: 0,
        correcting: false,
        fraudWarned: false,
      },
    };
    const { state, reset } = parseState(JSON.stringify(saved));
    expect(reset).toBe(false);
    const result = await step(state, { conversationKey: 'test:1', intakeChannel: 'test', externalUserId: 'u1', conversationRef: {}, receivedAt: new Date(), text: '两千多' }, h.deps());
    expect(textOf(result.replies)).toContain('您希望我们怎样处理');
    expect(result.state.intake?.draft).toMatchObject({ amount: 2000, amountApprox: 'over' });
  });

  it.each(['continue', '继续'])('continues on "%s" typed at the offer to resume, asking the question again', async (typed) => {
    const h = createDialogHarness();
    await h.say('My mortgage payment was taken twice this month');
    h.advanceClock(2 * 3600_000);
    await h.say('/start');
    expect(textOf(await h.say(typed))).toContain('When did it happen');
    expect(h.state.intake).toMatchObject({ step: 'occurredOn', failures: 0 });
    expect(h.state.intake?.draft.occurredOn).toBeUndefined();
  });

  it('asks the question again after "Try again" typed at the offer of a person, and gives the reason for a wrong answer typed past it', async () => {
    const h = createDialogHarness();
    await h.say('Someone at the ATM gave me the wrong amount of cash, the machine is broken');
    await h.say('[business:cash]');
    await h.say('today');
    for (const say of ['a lot', 'loads']) await h.say(say);
    expect(textOf(await h.say('very much'))).toContain('talk to a person');
    const again = textOf(await h.say('Try again'));
    expect(again).toContain('How much money');
    expect(again).not.toContain('talk to a person');
    for (const say of ['a lot', 'loads']) await h.say(say);
    expect(textOf(await h.say('very much'))).toContain('talk to a person');
    const past = textOf(await h.say('heaps'));
    expect(past).toMatch(/could not read that as an amount[\s\S]*How much money/);
    expect(past).not.toContain('talk to a person');
    expect(h.submitted).toHaveLength(0);
  });

  it('reads "再试一次" at the offer of a person, and "不对" there as the summary being wrong', async () => {
    const h = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对']],
      ['嗯嗯嗯', ['请点击下面的按钮']],
      ['啊', ['请点击下面的按钮']],
      ['哦', ['需要为您转接人工服务吗']],
      ['再试一次', ['请核对']],
      ['嗯嗯嗯', ['请点击下面的按钮']],
      ['啊', ['请点击下面的按钮']],
      ['哦', ['需要为您转接人工服务吗']],
      ['不对', ['您想修改哪一项']],
    ]);
    expect(h.submitted).toHaveLength(0);
  });

  it('re-asks with the reason when the amount is not a number, and offers a person after three failures', async () => {
    const h = createDialogHarness();
    await h.say('Someone at the ATM gave me the wrong amount of cash, the machine is broken');
    await h.say('[business:cash]');
    let replies = await h.say('today');
    expect(textOf(replies)).toContain('How much money');
    replies = await h.say('a lot');
    expect(textOf(replies)).toContain('could not read that as an amount');
    expect(textOf(replies)).toContain('How much money');
    replies = await h.say('loads');
    expect(textOf(replies)).toContain('could not read that as an amount');
    replies = await h.say('very much');
    expect(textOf(replies)).toContain('talk to a person');
    expect(buttonsOf(replies)).toEqual(['cmd:human', 'retry']);
    replies = await h.say('[retry]');
    expect(textOf(replies)).toContain('How much money');
    replies = await h.say('¥2,000');
    expect(textOf(replies)).toContain('What would you like us to do');
    expect(h.state.intake?.draft.amount).toBe(2000);
  });

  it('cancels only after confirmation and files nothing', async () => {
    const h = await play([
      ['The mobile app keeps crashing when I log in', ['Which product']],
      ['cancel', ['Cancel this complaint?']],
      ['no', ['carry on', 'Which product']],
      ['/cancel', ['Cancel this complaint?']],
      ['[cancel:yes]', ['Cancelled. Nothing was filed.']],
    ]);
    expect(h.submitted).toHaveLength(0);
    expect(h.state.intake).toBeUndefined();
  });

  it('refuses a Yes left on "Cancel this complaint?" when pressed at the summary, and files nothing', async () => {
    const h = createDialogHarness();
    await h.say('The teller at the branch was rude to me and refused to help');
    const asked = await h.say('/cancel');
    expect(buttonsOf(asked)).toEqual(['cancel:yes', 'cancel:no']);
    await h.say('no');
    for (const say of ['[business:deposit]', 'yesterday', '[skip]', 'An apology', 'Alice Wong']) await h.say(say);
    expect(textOf(await h.say('13812345678'))).toContain('Please check your complaint');
    const stale = await h.say('[cancel:yes]');
    expect(textOf(stale)).toContain('That button belongs to an earlier question');
    expect(textOf(stale)).toContain('Please check your complaint');
    expect(h.submitted).toHaveLength(0);
    expect(h.state.intake?.failures).toBe(0);
    // The summary's own button, and a typed yes, still answer it.
    expect(textOf(await h.say('是'))).toContain('Reference: C-20261127-0001');
  });

  it('refuses a button from an earlier question at a slot question', async () => {
    const h = createDialogHarness();
    await h.say('The teller at the branch was rude to me and refused to help');
    expect(textOf(await h.say('[date:today]'))).toMatch(/earlier question[\s\S]*Which product/);
    expect(textOf(await h.say('[business:deposit]'))).toContain('When did it happen');
  });

  it('after "Cancel this complaint?", still switches language, and takes a message typed instead as "carry on"', async () => {
    const h = await play([
      ['Hello', ['in your own words']],
      ['/cancel', ['Cancel this complaint?']],
      ['/language', ['之后我会用中文', '请用您自己的话']],
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['/cancel', ['确定取消这次投诉吗']],
      ['退款', ['好的，我们继续', '请问您怎么称呼']],
    ]);
    expect(h.state.intake?.draft).toMatchObject({ description: '我的信用卡昨天被多扣了500元年费，我从来没有同意过', desiredResolution: '退款' });
    expect(h.state.pending).toBeUndefined();
  });

  it('after "Start again from the beginning?", still answers help and a person, and keeps the complaint', async () => {
    const h = await play([
      ['The mobile app keeps crashing when I log in', ['Which product']],
      ['/restart', ['Start again from the beginning?']],
      ['help', ['"cancel" to stop', 'Which product']],
      ['/restart', ['Start again from the beginning?']],
      ['human', ['passed your complaint to a colleague', 'C-20261127-0001']],
    ]);
    expect(h.submitted[0]).toMatchObject({ humanRequested: true, draft: { description: 'The mobile app keeps crashing when I log in' } });
  });

  it('at the offer to resume, does not take a typed answer to the question it left off at, which the customer was not shown', async () => {
    const h = createDialogHarness();
    await h.say('My mortgage payment was taken twice this month');
    h.advanceClock(2 * 3600_000);
    expect(textOf(await h.say('/start'))).toContain('unfinished complaint');
    expect(textOf(await h.say('yesterday'))).toContain('unfinished complaint');
    expect(h.state.intake?.draft.occurredOn).toBeUndefined();
    expect(textOf(await h.say('[continue]'))).toContain('When did it happen');
  });

  it.each(['thank you!', 'thanks a lot', 'ok, bye'])('answers "%s" after the receipt politely, starts nothing, and a person is asked for on that case', async (thanks) => {
    const h = await play([
      ['The queue took two hours and nobody helped', ['Which product']],
      ['[business:other]', ['When']],
      ['not sure', ['How much']],
      ['no', ['What would you like']],
      ['Better service', ['name']],
      ['Carol', ['phone']],
      ['13900001111', ['check your complaint']],
      ['yes', ['Reference: C-20261127-0001']],
    ]);
    const replies = textOf(await h.say(thanks));
    expect(replies).toContain('Thank you for contacting us');
    expect(replies).not.toMatch(/Privacy|Which product|in your own words/);
    expect(h.state.intake).toBeUndefined();
    expect(textOf(await h.say('human'))).toContain('asked a colleague to contact you here about C-20261127-0001');
    expect(h.submitted).toHaveLength(1);
  });

  it.each(['谢谢', '好的，谢谢', '没有了'])('answers "%s" in Chinese with nothing running, and starts nothing', async (thanks) => {
    const h = createDialogHarness();
    expect(textOf(await h.say(thanks))).toContain('感谢您的联系');
    expect(h.state.intake).toBeUndefined();
  });

  it('still takes "ok" as the answer to the summary', async () => {
    const h = await play([
      ['The queue took two hours and nobody helped', ['Which product']],
      ['[business:other]', ['When']],
      ['not sure', ['How much']],
      ['no', ['What would you like']],
      ['Better service', ['name']],
      ['Carol', ['phone']],
      ['13900001111', ['check your complaint']],
      ['ok', ['Reference: C-20261127-0001']],
    ]);
    expect(h.submitted).toHaveLength(1);
  });

  it('turns a request for a human mid-intake into a case with what is known', async () => {
    const h = await play([
      ['我的房贷利率被银行擅自上调了，客服一直推脱', ['什么时候发生']],
      ['转人工', ['已为您转接人工', 'C-20261127-0001']],
    ]);
    expect(h.submitted[0]).toMatchObject({ incomplete: true, humanRequested: true });
    expect(h.submitted[0]!.draft.description).toContain('房贷');
  });

  it.each(['转人工服务', '人工客服', '我要人工', '找人工', '接人工', '我要找客服'])('hands over on "%s" at a question instead of taking it as the answer', async (ask) => {
    const h = await play([
      ['我的房贷利率被银行擅自上调了，客服一直推脱', ['什么时候发生']],
      [ask, ['已为您转接人工', 'C-20261127-0001']],
    ]);
    expect(h.submitted[0]).toMatchObject({ incomplete: true, humanRequested: true });
    expect(h.submitted[0]!.draft.occurredOn).toBeUndefined();
  });

  it.each(['I want to talk to a person', 'talk to a human please', 'Agent please', 'I need customer service', 'can I speak to someone?'])(
    'hands over on "%s" at the name question instead of refusing it',
    async (ask) => {
      const h = await play([
        ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
        ['refund the duplicate', ['What is your name']],
        [ask, ['passed your complaint to a colleague', 'C-20261127-0001']],
      ]);
      expect(h.submitted[0]).toMatchObject({ incomplete: true, humanRequested: true });
    },
  );

  it.each([
    ['customer service', 'Which product or service'],
    ['the staff', 'in your own words'],
    ['someone', 'in your own words'],
  ])('does not hand over on a bare "%s" (an answer, not a request for a person)', async (say, asked) => {
    const h = createDialogHarness();
    await h.say(asked === 'in your own words' ? 'hello' : 'The teller at the branch was rude to me and refused to help');
    expect(textOf(await h.say(say))).not.toContain('colleague');
    expect(h.submitted).toHaveLength(0);
  });

  it.each(['thank you', 'ok thanks', '好的谢谢'])('does not take "%s" as the story when the story is asked for', async (say) => {
    const h = createDialogHarness();
    await h.say('hello?');
    await h.say(say);
    expect(h.state.intake?.draft.description).toBeUndefined();
    expect(textOf(await h.say('My card was swallowed by the ATM'))).toMatch(/Which product or service|这涉及哪项产品或业务/);
    expect(h.state.intake?.draft.description).toBe('My card was swallowed by the ATM');
  });

  it.each(['被骗了', '卡丢了', '钱没了'])('takes the three-character fraud report "%s" as the complaint, with the freeze guidance', async (say) => {
    const h = createDialogHarness();
    const replies = textOf(await h.say(say));
    expect(replies).toContain('冻结');
    expect(h.state.intake?.draft.description).toBe(say);
    const later = createDialogHarness();
    await later.say('你好');
    expect(textOf(await later.say(say))).toContain('冻结');
    expect(later.state.intake?.draft.description).toBe(say);
  });

  it('stays in English for an English sentence naming a Chinese place or person', async () => {
    const h = createDialogHarness({ locale: 'en-US' });
    await h.say('/start');
    expect(textOf(await h.say('The ATM at the 王府井 branch swallowed my card'))).toContain('Which product or service');
    expect(h.state.lang).toBe('en');
    const zh = createDialogHarness({ locale: 'en-US' });
    await zh.say('/start');
    expect(textOf(await zh.say('我的 Visa 卡被盗刷了'))).toContain('冻结');
    expect(zh.state.lang).toBe('zh');
  });

  it('does not file "我要找人工客服" as the complaint when it opens the conversation', async () => {
    const h = await play([['我要找人工客服', ['已为您转接人工']]]);
    expect(h.submitted[0]).toMatchObject({ humanRequested: true, draft: { description: '（尚无描述：客户要求转人工）' } });
  });

  it.each([
    ['switch to English', 'en', 'When did it happen'],
    ['Can you speak English?', 'en', 'When did it happen'],
    ['英文', 'en', 'When did it happen'],
    ['说中文', 'zh', '这是什么时候发生的'],
  ] as const)('switches language on "%s" mid-intake and asks the question again', async (ask, lang, question) => {
    const h = await play([['我的贷款对账单上有从未告知的利息', ['这是什么时候发生的']]]);
    if (lang === 'zh') await h.say('English');
    expect(textOf(await h.say(ask))).toContain(question);
    expect(h.state.lang).toBe(lang);
    expect(h.state.intake?.draft.occurredOn).toBeUndefined();
  });

  it.each(['the customer service was rude', '客服态度很差'])('still takes "%s" as a complaint', async (story) => {
    const h = createDialogHarness();
    await h.say(story);
    expect(h.state.intake?.draft.description).toBe(story);
    expect(h.submitted).toHaveLength(0);
  });

  it('records a human request on the last case when no intake is running', async () => {
    const h = await play([
      ['The queue took two hours and nobody helped', ['Which product']],
      ['[business:other]', ['When']],
      ['not sure', ['How much']],
      ['no', ['What would you like']],
      ['Better service', ['name']],
      ['Carol', ['phone']],
      ['13900001111', ['check your complaint']],
      ['yes', ['Reference: C-20261127-0001']],
      ['human', ['asked a colleague', 'C-20261127-0001']],
    ]);
    expect(h.humanRequests).toEqual(['C-20261127-0001']);
    expect(h.submitted).toHaveLength(1);
  });

  it('sends freeze guidance in the same turn as a fraud report, then continues the intake', async () => {
    const h = createDialogHarness();
    const replies = await h.say('Someone just stole $5,000 from my debit card, I did not make these transactions');
    const text = textOf(replies);
    expect(text).toContain('Freeze your card');
    expect(text).toContain('95555');
    expect(text).toMatch(/Never share verification codes/);
    expect(replies.at(-1)!.text).not.toContain('Freeze');
    expect(h.state.intake?.fraudWarned).toBe(true);
    expect(h.state.intake?.draft.amount).toBe(5000);
  });

  it('sends freeze guidance in Chinese for a phone scam', async () => {
    const text = textOf(await createDialogHarness().say('我刚接到冒充公安的诈骗电话，被骗转账两万元到安全账户'));
    expect(text).toContain('冻结');
    expect(text).toContain('验证码');
  });

  it('sends freeze guidance when fraud is told at the product question, keeps the text in the description and asks again', async () => {
    const h = await play([
      ['I have a problem with my card', ['Which product or service']],
      ['Someone used my card without my permission and took 500 dollars', ['Freeze your card', 'Which product or service']],
    ]);
    expect(textOf(await h.say('[business:debit_card]'))).not.toContain('Freeze');
    expect(h.state.intake?.draft).toMatchObject({
      description: 'I have a problem with my card\nSomeone used my card without my permission and took 500 dollars',
      business: 'debit_card',
      amount: 500,
    });
  });

  it('does not take fraud told at the name question as the name', async () => {
    const h = await play([
      ['The teller at the branch was rude to me and refused to help', ['Which product or service']],
      ['[business:deposit]', ['When did it happen']],
      ['yesterday', ['How much money']],
      ['[skip]', ['What would you like us to do']],
      ['An apology', ['What is your name']],
      ['My account was hacked just now!!', ['Freeze your card', 'What is your name']],
      ['Alice Wong', ['phone number']],
      ['13812345678', ['Please check your complaint', 'My account was hacked just now!!', 'Alice Wong']],
      ['[confirm]', ['Reference:', 'treated as urgent']],
    ]);
    expect(h.submitted[0]!.draft).toMatchObject({ name: 'Alice Wong', description: expect.stringContaining('My account was hacked just now!!') });
  });

  it('sends freeze guidance in Chinese when the fraud comes at the outcome question, then asks it again', async () => {
    const h = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['我的卡刚刚被盗刷了两万，快帮我冻结', ['冻结', '验证码', '您希望我们怎样处理']],
      ['[resolution:refund]', ['请问您怎么称呼']],
    ]);
    expect(h.state.intake?.draft.description).toContain('我的卡刚刚被盗刷了两万');
    expect(h.state.intake?.draft.desiredResolution).not.toContain('盗刷');
  });

  it('warns once: after the guidance, a fraud-sounding answer is taken as the answer', async () => {
    const h = await play([
      ['Someone just stole $5,000 from my debit card yesterday', ['Freeze your card', 'What would you like us to do']],
    ]);
    const text = textOf(await h.say('Freeze my card and give the money back'));
    expect(text).not.toContain('Freeze your card');
    expect(text).toContain('What is your name');
    expect(h.state.intake?.draft.desiredResolution).toBe('Freeze my card and give the money back');
  });

  it('switches language on request and re-asks the current question', async () => {
    const h = await play([
      ['My loan statement shows interest I was never told about', ['When did it happen']],
      ['中文', ['之后我会用中文', '这是什么时候发生的']],
      ['English', ['English from now on', 'When did it happen']],
    ]);
    expect(h.state.lang).toBe('en');
  });

  it('switches language on "/lang", as on "/language", either way, and re-asks the current question', async () => {
    const h = await play([
      ['My loan statement shows interest I was never told about', ['When did it happen']],
      ['/lang', ['之后我会用中文', '这是什么时候发生的']],
      ['/lang', ['English from now on', 'When did it happen']],
    ]);
    expect(h.state.lang).toBe('en');
    expect(h.state.intake?.draft.occurredOn).toBeUndefined();
  });

  it('greets a Chinese client that taps Start in Chinese and files the case in Chinese', async () => {
    const h = await play(
      [
        ['/start', ['您好', '请用您自己的话']],
        ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ],
      { locale: 'zh-hans' },
    );
    expect(h.state.lang).toBe('zh');
  });

  it('switches from a language guessed from a command to the one the complaint is written in', async () => {
    const h = await play(
      [
        ['/start', ['complaints assistant']],
        ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
        ['[resolution:refund]', ['请问您怎么称呼']],
        ['Zhang Wei', ['电话号码']],
        ['13812345678', ['请核对']],
        ['确认', ['编号']],
      ],
      { locale: 'en' },
    );
    expect(h.submitted[0]!.language).toBe('zh');
  });

  it('keeps a language the customer asked for, whatever they write next', async () => {
    await play(
      [
        ['/start', ['您好']],
        ['English', ['English from now on']],
        ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['What would you like us to do']],
      ],
      { locale: 'zh-CN' },
    );
  });

  it('takes a description as long as a whole Telegram message, and says how long one may be when it is longer', async () => {
    const story = 'The bank charged me a fee I never agreed to and the branch will not explain it. ';
    const h = createDialogHarness();
    const tooLong = story.repeat(110).trim();
    const refused = textOf(await h.say(tooLong));
    expect(refused).toContain(`That is too long for one message: ${tooLong.length} characters, and I can take 8000 at most`);
    expect(refused).toContain('in your own words');
    expect(h.state.intake?.draft.description).toBeUndefined();
    const again = textOf(await h.say(tooLong));
    expect(again).toContain('too long for one message');
    const whole = story.repeat(60).slice(0, 4080);
    expect(textOf(await h.say(whole))).not.toContain('in your own words');
    expect(h.state.intake?.draft.description).toBe(whole.trim());
  });

  it('answers an unknown command with help, starting nothing and disturbing nothing', async () => {
    const h = createDialogHarness({ locale: 'en' });
    const idle = textOf(await h.say('/foo'));
    expect(idle).toContain("I don't know that command");
    expect(idle).toContain('"cancel" to stop');
    expect(h.state.intake).toBeUndefined();
    await h.say('The bank closed my savings account without telling me why');
    await h.say('[business:deposit]');
    const mid = textOf(await h.say('/foo'));
    expect(mid).toMatch(/I don't know that command[\s\S]*When did it happen/);
    expect(h.state.intake).toMatchObject({ step: 'occurredOn', failures: 0, draft: { description: 'The bank closed my savings account without telling me why' } });
  });

  it('says it reads only text when sent a sticker, asking the question again, and starts nothing when idle', async () => {
    const h = createDialogHarness({ locale: 'en' });
    const idle = textOf(await h.say('', { text: undefined, unsupported: 'sticker' }));
    expect(idle).toContain('I can only read text');
    expect(h.state.intake).toBeUndefined();
    await h.say('The teller at the branch was rude to me and refused to help');
    const mid = await h.say('', { text: undefined, unsupported: 'location' });
    expect(textOf(mid)).toMatch(/I can only read text[\s\S]*Which product/);
    expect(buttonsOf(mid)).toContain('business:deposit');
    expect(h.state.intake).toMatchObject({ step: 'business', failures: 0 });
  });

  it('answers help without losing the place', async () => {
    await play([
      ['The ATM swallowed my card yesterday at the station', []],
      ['help', ['cancel', 'We were at this question']],
    ]);
  });

  it('answers "what happens next?" mid-intake and asks the question again, instead of taking it as the answer', async () => {
    const h = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['what happens next?', ['reference number', 'latest date for our decision', 'What would you like us to do']],
      ['How long will this take?', ['reference number', 'What would you like us to do']],
    ]);
    expect(h.state.intake).toMatchObject({ step: 'desiredResolution', failures: 0 });
    expect(h.state.intake?.draft.desiredResolution).toBeUndefined();
  });

  it('answers 要多久才有结果 mid-intake in Chinese, and does not take "what happens next?" as the story', async () => {
    const zh = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['要多久才有结果？', ['编号', '处理决定的日期', '您希望我们怎样处理']],
    ]);
    expect(zh.state.intake?.draft.desiredResolution).toBeUndefined();
    const en = await play([
      ['Hi', ['in your own words']],
      ['what happens next?', ['reference number', 'in your own words']],
    ]);
    expect(en.state.intake).toMatchObject({ step: 'describe' });
    expect(en.state.intake?.draft.description).toBeUndefined();
  });

  it('answers "how does this work?" before any complaint with the greeting and the request for the story, and after one with its decision date', async () => {
    const h = await play(
      [
        ['how does this work?', ['reference number', 'complaints assistant of Test Bank', 'in your own words']],
        ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
        ['[resolution:refund]', ['name']],
        ['Bob', ['phone']],
        ['+44 7700 900123', ['Please check your complaint']],
        ['[confirm]', ['Reference: C-20261127-0001']],
        ['what happens next?', ['reference number', 'C-20261127-0001', 'decision due by']],
      ],
      { locale: 'en' },
    );
    expect(h.submitted).toHaveLength(1);
    expect(h.state.intake).toBeUndefined();
  });

  it('takes "no" or 没有 as the outcome wanted as nothing in particular, shown so in the summary rather than as "no"', async () => {
    const en = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last Tuesday', ['What would you like us to do']],
      ['no', ['What is your name']],
      ['Bob', ['phone']],
      ['+44 7700 900123', ['You would like: Nothing in particular']],
    ]);
    expect(en.state.intake?.draft.desiredResolution).toBe('Nothing in particular / 无具体诉求');
    const zh = await play([
      ['我的信用卡昨天被多扣了500元年费，我从来没有同意过', ['您希望我们怎样处理']],
      ['没有', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['诉求：无具体诉求']],
    ]);
    expect(zh.state.intake?.draft.desiredResolution).toBe('Nothing in particular / 无具体诉求');
  });

  it('refuses a future date and a malformed phone with the reason', async () => {
    const h = createDialogHarness();
    await h.say('The bank closed my savings account without telling me why');
    await h.say('[business:deposit]');
    expect(textOf(await h.say('2027-05-01'))).toContain('in the future');
    await h.say('last Monday');
    await h.say('[skip]');
    await h.say('Reopen my account');
    await h.say('Dan');
    const tooShort = textOf(await h.say('12345'));
    expect(tooShort).toContain('does not look like a complete phone number');
    expect(tooShort).toContain('for example 13812345678');
    expect(textOf(await h.say('+1 415 555 0100'))).toContain('Please check your complaint');
  });

  it('takes a day of the month alone as the answer to when it happened', async () => {
    // The harness's clock: Friday 2026-11-27 in Shanghai.
    const h = await play([
      ['网点的工作人员态度很差，不给我办理业务', ['这涉及哪项产品或业务']],
      ['[business:deposit]', ['这是什么时候发生的']],
      ['10号', ['涉及多少金额']],
      ['[skip]', ['您希望我们怎样处理']],
      ['道歉', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对', '2026年11月10日']],
    ]);
    await h.say('确认');
    expect(h.submitted[0]!.draft.occurredOn).toBe('2026-11-10');
  });

  it('takes a month named without a day as that month, and shows it as a month', async () => {
    const h = await play([
      ['网点的工作人员态度很差，不给我办理业务', ['这涉及哪项产品或业务']],
      ['[business:deposit]', ['这是什么时候发生的']],
      ['十月份吧', ['涉及多少金额']],
      ['[skip]', ['您希望我们怎样处理']],
      ['道歉', ['请问您怎么称呼']],
      ['张伟', ['电话号码']],
      ['13812345678', ['请核对', '发生时间：2026年10月']],
    ]);
    await h.say('确认');
    expect(h.submitted[0]!.draft.occurredOn).toBe('2026-10');
  });

  it('asks a vague date once more, offering Not sure, and takes the second vague answer as not known', async () => {
    const h = createDialogHarness();
    await h.say('The bank closed my savings account without telling me why');
    await h.say('[business:deposit]');
    const again = await h.say('a few weeks ago');
    expect(textOf(again)).toContain('the month is enough');
    expect(buttonsOf(again)).toContain('date:unknown');
    expect(textOf(await h.say('not long ago, a few weeks maybe'))).toContain('How much money');
    for (const say of ['[skip]', 'Reopen it', 'Dan']) await h.say(say);
    expect(textOf(await h.say('+1 415 555 0100'))).toContain('When: not known');
    await h.say('[confirm]');
    expect(h.submitted[0]!.draft.occurredOn).toBeNull();
  });

  it('asks which day when the complaint and the answer say only "last week", in English and in Chinese alike', async () => {
    // Friday 2026-11-27: last week ran from Monday 16 to Sunday 22.
    const en = await play([
      ['My credit card was charged 50 dollars twice for the same purchase last week', ['When did it happen']],
      ['last week', ['Which day of that week', 'When did it happen']],
      ['Tuesday last week', ['What would you like us to do']],
    ]);
    expect(en.state.intake?.draft.occurredOn).toBe('2026-11-17');
    const zh = await play([
      ['我的信用卡上周同一笔消费被扣了两次50元', ['什么时候发生']],
      ['上周', ['那一周的哪一天', '什么时候发生']],
      ['上周二', ['您希望我们怎样处理']],
    ]);
    expect(zh.state.intake?.draft.occurredOn).toBe('2026-11-17');
    const unsure = await play([
      ['我的信用卡上周同一笔消费被扣了两次50元', ['什么时候发生']],
      ['上个礼拜', ['那一周的哪一天']],
      ['就是上星期', ['您希望我们怎样处理']],
    ]);
    expect(unsure.state.intake?.draft.occurredOn).toBeNull();
  });

  it('does not take a weekday inside a larger word (借款周日是54期, a mistyped 周期) or a standing one ("every Monday") as the date', async () => {
    const zh = await play([['我的借款周日是54期，每期都多扣了200元利息', ['什么时候发生']]]);
    expect(zh.state.intake?.draft.occurredOn).toBeUndefined();
    const en = await play([['My savings account is charged a 5 dollar fee every Monday that I never agreed to', ['When did it happen']]]);
    expect(en.state.intake?.draft.occurredOn).toBeUndefined();
  });

  it('takes 上周日 as the Sunday that ended last week, as "Sunday last week" is, also when said on a Sunday', async () => {
    // Friday 2026-11-27 and Sunday 2026-11-29: last week ran from Monday 16 to Sunday 22.
    for (const now of [new Date('2026-11-27T02:00:00Z'), new Date('2026-11-29T02:00:00Z')]) {
      for (const sunday of ['上周日', '上星期天', '上个礼拜天']) {
        const h = await play(
          [
            ['我的信用卡上周同一笔消费被扣了两次50元', ['什么时候发生']],
            [sunday, ['您希望我们怎样处理']],
          ],
          { now },
        );
        expect(h.state.intake?.draft.occurredOn, `${sunday} on ${now.toISOString()}`).toBe('2026-11-22');
      }
      const en = await play(
        [
          ['My credit card was charged 50 dollars twice for the same purchase last week', ['When did it happen']],
          ['Sunday last week', ['What would you like us to do']],
        ],
        { now },
      );
      expect(en.state.intake?.draft.occurredOn).toBe('2026-11-22');
    }
    // Said on a Sunday, 上周一 is six days back, not the day before.
    const monday = await play(
      [
        ['我的信用卡上周同一笔消费被扣了两次50元', ['什么时候发生']],
        ['上周一', ['您希望我们怎样处理']],
      ],
      { now: new Date('2026-11-29T02:00:00Z') },
    );
    expect(monday.state.intake?.draft.occurredOn).toBe('2026-11-16');
  });

  it('dates 昨天 by the bank\'s day, not the server\'s, just after midnight in Shanghai', async () => {
    // 00:30 on Friday 2026-11-27 in Shanghai; still Thursday the 26th in UTC.
    const h = createDialogHarness({ now: new Date('2026-11-26T16:30:00Z') });
    expect(textOf(await h.say('我的信用卡昨天被多扣了500元年费，我从来没有同意过'))).toContain('您希望我们怎样处理');
    expect(h.state.intake?.draft.occurredOn).toBe('2026-11-26');
  });

  it('takes "last night" as the date question\'s answer for yesterday, as 昨晚 is, also in the small hours', async () => {
    // 03:00 on Friday 2026-11-27 in Shanghai.
    for (const night of ['last night', '昨晚']) {
      const h = createDialogHarness({ now: new Date('2026-11-26T19:00:00Z') });
      expect(textOf(await h.say('The bank closed my savings account without telling me why'))).toContain('When did it happen');
      expect(textOf(await h.say(night))).toContain('How much money');
      expect(h.state.intake?.draft.occurredOn, night).toBe('2026-11-26');
    }
  });

  it('offers Today, Yesterday and Not sure as buttons for the date', async () => {
    const h = createDialogHarness();
    await h.say('The bank closed my savings account without telling me why');
    const asked = await h.say('[business:deposit]');
    expect(buttonsOf(asked)).toEqual(['date:today', 'date:yesterday', 'date:unknown']);
    expect(textOf(await h.say('[date:yesterday]'))).toContain('How much money');
    for (const say of ['[skip]', 'Reopen it', 'Dan', '+1 415 555 0100', '[confirm]']) await h.say(say);
    expect(h.submitted[0]!.draft.occurredOn).toBe('2026-11-26');

    const later = createDialogHarness();
    await later.say('The bank closed my savings account without telling me why');
    await later.say('[business:deposit]');
    await later.say('[date:unknown]');
    for (const say of ['[skip]', 'Reopen it', 'Dan', '+1 415 555 0100', '[confirm]']) await later.say(say);
    expect(later.submitted[0]!.draft.occurredOn).toBeNull();
  });

  it('drops an unfinished intake after 24 hours and keeps one within', async () => {
    const h = createDialogHarness();
    await h.say('My credit card application was refused without any reason');
    h.advanceClock(23 * 3600_000);
    expect(textOf(await h.say('[business:credit_card]'))).toContain('When did it happen');
    h.advanceClock(25 * 3600_000);
    expect(textOf(await h.say('yesterday'))).toContain('expired');
  });

  it('after 24 hours, does not take the answer to the expired question as a new complaint: it asks for the description', async () => {
    const h = createDialogHarness();
    await h.say('My credit card application was refused without any reason');
    await h.say('[business:credit_card]');
    h.advanceClock(25 * 3600_000);
    const replies = await h.say('yesterday');
    expect(textOf(replies)).toMatch(/expired[\s\S]*Privacy[\s\S]*in your own words what happened/);
    expect(textOf(replies)).not.toContain('When did it happen');
    expect(h.state.intake).toMatchObject({ step: 'describe', draft: { extracted: [] } });
    expect(h.state.intake?.draft.description).toBeUndefined();
    expect(textOf(await h.say('The mobile app logs me out every minute'))).toMatch(/Which product|When did it happen/);
    expect(h.state.intake?.draft.description).toBe('The mobile app logs me out every minute');
  });

  it('after 24 hours, still takes a fraud report as a new complaint with the freeze guidance', async () => {
    const h = createDialogHarness();
    await h.say('My credit card application was refused without any reason');
    h.advanceClock(25 * 3600_000);
    const replies = textOf(await h.say('Someone stole my card and spent 3000 yuan just now'));
    expect(replies).toContain('expired');
    expect(replies).toContain('Freeze your card or account');
    expect(h.state.intake?.draft.description).toBe('Someone stole my card and spent 3000 yuan just now');
  });

  it('after 24 hours, a short answer to the expired question gets the notice, the greeting with the privacy notice and the request for the story', async () => {
    for (const [setup, answer] of [
      [['My credit card application was refused without any reason', '[business:credit_card]'], '昨天'],
      [['My credit card application was refused without any reason', '[business:credit_card]', 'yesterday'], '500 yuan'],
      [['My credit card application was refused without any reason', '[business:credit_card]', 'yesterday', '[skip]', 'An apology'], 'Jane Doe'],
      [['My credit card application was refused without any reason', '[business:credit_card]', 'yesterday', '[skip]'], 'No'],
      [['My credit card application was refused without any reason'], '[date:unknown]'],
    ] as const) {
      const h = createDialogHarness();
      for (const say of setup) await h.say(say);
      h.advanceClock(25 * 3600_000);
      const text = textOf(await h.say(answer));
      expect(text, answer).toMatch(/expired[\s\S]*complaints assistant of Test Bank[\s\S]*Privacy[\s\S]*in your own words what happened/);
      expect(h.state.intake, answer).toMatchObject({ step: 'describe', draft: { extracted: [] } });
      expect(h.state.intake?.draft.description, answer).toBeUndefined();
    }
  });

  it('after 24 hours, a new story is the new complaint, after the notice and the greeting', async () => {
    for (const story of ['My card was swallowed by the ATM yesterday', '卡被吞了']) {
      const h = createDialogHarness();
      await h.say('My credit card application was refused without any reason');
      await h.say('[business:credit_card]');
      h.advanceClock(25 * 3600_000);
      const text = textOf(await h.say(story));
      expect(text, story).toMatch(/(expired|过期)[\s\S]*(Privacy|隐私)/);
      expect(h.state.intake?.draft.description, story).toBe(story);
      expect(h.state.intake?.step, story).not.toBe('describe');
    }
  });

  it('after 24 hours, a survey answer and "stop" go to the survey, not to a new intake', async () => {
    const answers: unknown[] = [];
    let optedOut = false;
    const surveys: SurveyPort = {
      async awaiting() {
        if (optedOut) return null;
        const question = answers.length === 0 ? 'solved' : 'score';
        return { surveyId: 's1', reference: 'C-20261120-0001', language: 'en', question, askedAt: null };
      },
      async answer(_id, answer) {
        answers.push(answer);
        return { recorded: true };
      },
      async optOut() {
        optedOut = true;
        return true;
      },
      async requestReview() {
        return null;
      },
      policyName: 'cn',
    };
    const h = createDialogHarness({ surveys });
    await h.say('My credit card application was refused without any reason');
    h.advanceClock(25 * 3600_000);
    expect(textOf(await h.say('No'))).toMatch(/1.*5|score|rate/i);
    expect(answers).toEqual([{ question: 'solved', value: 'no' }]);
    expect(h.state.intake).toBeUndefined();

    const later = createDialogHarness({ surveys });
    await later.say('My credit card application was refused without any reason');
    later.advanceClock(25 * 3600_000);
    expect(textOf(await later.say('2'))).not.toContain('in your own words');
    expect(answers).toContainEqual({ question: 'score', value: 2 });

    const third = createDialogHarness({ surveys });
    await third.say('My credit card application was refused without any reason');
    third.advanceClock(25 * 3600_000);
    await third.say('stop');
    expect(optedOut).toBe(true);
    expect(third.state.intake).toBeUndefined();
  });

  it('offers to resume an unfinished intake when the customer greets again', async () => {
    const h = createDialogHarness();
    await h.say('My mortgage payment was taken twice this month');
    h.advanceClock(2 * 3600_000);
    const replies = await h.say('/start');
    expect(textOf(replies)).toContain('unfinished complaint');
    expect(buttonsOf(replies)).toEqual(['continue', 'restart']);
    expect(textOf(await h.say('[continue]'))).toMatch(/Which product|When did it happen|What would you like/);
  });

  it('asks the current question again, without the offer, when the customer greets moments after it', async () => {
    for (const greeting of ['hi', 'I have a question', '我要投诉', 'I need help', 'complaint']) {
      const h = createDialogHarness();
      await h.say('The teller at the branch was rude to me and refused to help');
      await h.say('[business:deposit]');
      await h.say('yesterday');
      h.advanceClock(20_000);
      const replies = await h.say(greeting);
      expect(textOf(replies), greeting).toMatch(/How much money|金额/);
      expect(textOf(replies), greeting).not.toMatch(/unfinished complaint|未完成/);
      expect(h.state.pending, greeting).toBeUndefined();
      expect(h.state.intake?.step, greeting).toBe('amount');
    }
  });

  it('at the offer to resume, "no" and a message typed instead are not taken as the answer to the current question: the offer is asked again', async () => {
    const h = createDialogHarness();
    await h.say('The teller at the branch was rude to me and refused to help');
    await h.say('[business:deposit]');
    await h.say('yesterday');
    h.advanceClock(2 * 3600_000);
    expect(textOf(await h.say('hi'))).toContain('unfinished complaint');
    for (const say of ['no', '100']) {
      const replies = await h.say(say);
      expect(textOf(replies), say).toContain('unfinished complaint');
      expect(buttonsOf(replies), say).toEqual(['continue', 'restart']);
      expect(h.state.intake?.draft.amount, say).toBeUndefined();
      expect(h.state.intake?.step, say).toBe('amount');
    }
    expect(textOf(await h.say('[continue]'))).toContain('How much money');
    expect(textOf(await h.say('100 yuan'))).toContain('What would you like');
  });

  it.each([
    ['取消', '是的，取消吧'],
    ['cancel', 'yes, cancel it'],
    ['cancel', 'yes please'],
    ['cancel', 'cancel'],
    ['取消', '取消'],
    ['算了', '算了'],
  ])('cancels on "%s" then "%s"', async (command, answer) => {
    const h = createDialogHarness();
    await h.say('信用卡被多扣了年费，我要求退还');
    await h.say(command);
    const text = textOf(await h.say(answer));
    expect(text).toMatch(/已取消|Cancelled/);
    expect(text).not.toMatch(/我们继续|carry on/);
    expect(h.state.intake).toBeUndefined();
    expect(h.submitted).toHaveLength(0);
  });

  it('restarts on "yes, start over" and "是的，重来吧", and "不用了" keeps the complaint', async () => {
    for (const answer of ['yes, start over', '是的，重来吧', 'restart']) {
      const h = createDialogHarness();
      await h.say('The teller at the branch was rude to me and refused to help');
      await h.say('restart');
      expect(textOf(await h.say(answer)), answer).toMatch(/starting again|从头开始/);
      expect(h.state.intake?.draft.description, answer).toBeUndefined();
    }
    const h = createDialogHarness();
    await h.say('信用卡被多扣了年费，我要求退还');
    await h.say('取消');
    const kept = textOf(await h.say('不用了'));
    expect(kept).toContain('我们继续');
    expect(h.state.intake?.draft.description).toBe('信用卡被多扣了年费，我要求退还');
    expect(h.state.intake?.failures).toBe(0);
  });

  it('at "Cancel this complaint?", a message that only starts with yes carries on and is handled', async () => {
    const h = createDialogHarness();
    await h.say('The teller at the branch was rude to me and refused to help');
    await h.say('[business:deposit]');
    await h.say('yesterday');
    await h.say('cancel');
    const text = textOf(await h.say('yes, the amount was 500 yuan'));
    expect(text).toMatch(/carry on[\s\S]*What would you like/);
    expect(h.state.intake?.draft.amount).toBe(500);
  });

  it.each(['[correct]', '[business:deposit]', '[date:yesterday]'])('answers an old %s pressed after the receipt with the reference, and starts nothing', async (button) => {
    const h = createDialogHarness();
    for (const say of ['The teller at the branch was rude to me and refused to help', '[business:deposit]', 'yesterday', '[skip]', 'An apology', 'Alice Wong', '13812345678']) {
      await h.say(say);
    }
    expect(textOf(await h.say('[confirm]'))).toContain('Reference: C-20261127-0001');
    const text = textOf(await h.say(button));
    expect(text).toContain('already filed under reference C-20261127-0001');
    expect(text).toContain('write it here');
    expect(text).not.toMatch(/Privacy|in your own words/);
    expect(h.state.intake).toBeUndefined();
  });

  it('lists open cases on status', async () => {
    const h = createDialogHarness();
    expect(textOf(await h.say('status'))).toContain('no open complaints');
  });
});
