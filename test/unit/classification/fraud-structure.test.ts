import { describe, expect, it } from 'vitest';
import { classifyByRules, detectFraud } from '../../../src/cases/classification/index.js';

const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
// A neutral paragraph that makes a message a long narrative (over 400 characters).
const PAD =
  ' I have been a customer for many years and always paid on time. I wrote letters, I called several times and I kept copies of everything. ' +
  'Nobody gave me a clear answer and every person I spoke with told me something different, so I am writing this down in full. ' +
  'I would like a written answer that explains what happened, what the bank will do about it, and by when I can expect it.';

describe('fraud detector: who did it (structural cues, short chat messages)', () => {
  it.each([
    ['There is a withdrawal on my statement that I never made'],
    ['a purchase from some shop, I know I did not authorise that'],
    ['My account was debited by a seller and I did not approve of it'],
    ['The app lists a payment that is not mine'],
    ['some odd card payment showed up overnight'],
    ['my flatmate took my card and spent money with it'],
    ['I think someone has my card details'],
    ['I left my wallet on the bus'],
    ['I was scammed by a fake seller online'],
    ['they opened a loan using my name'],
    ['I have no idea how they got my card number'],
    ['I paid for concert tickets through Zelle and it was a scam'],
    ['有人用我的卡在外地消费了，我本人没有操作'],
    ['我的卡被盗刷了三笔'],
  ])('%s → fraud (P1)', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });

  it.each([
    ['Why is there a fee on my card payment that I am not familiar with?'],
    ['There is a weird extra charge on my statement, is that a fee for the exchange rate?'],
    ['the transfer fee should not be there'],
    ['I never received my new card in the post'],
    ['Will I always be charged a fee for using my card?'],
    ['I used my card at the store and was charged twice'],
  ])('%s → a fee or service question, not fraud', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
  });
});

describe('fraud detector: phone and text scams, money gone (QA findings)', () => {
  it.each([
    ['Someone called me pretending to be the bank and I gave them my OTP, now 8000 RMB is gone'],
    ['I gave my verification code to a caller who said he was from the bank'],
    ['A man claiming to be from the bank asked for my PIN and now my account is empty'],
    ['I clicked a link in a text and entered my password, now money is missing'],
    ['my account was emptied overnight'],
    ['I told the caller my one-time password and he moved my savings'],
    ['a woman posing as customer service got my card number and CVV'],
    ['I shared the code from the SMS with someone on the phone'],
    ['I read out the 6 digit code to the man on the phone'],
    ['they said they were from the bank and asked for my PIN'],
    ['I got an email from the "bank", clicked the link and typed in my card details'],
    ['my savings account has been drained'],
    ['money disappeared from my account last night'],
    ['我收到一条短信说我的账户异常，点了链接输入了密码'],
    ['点了短信里的链接，填了银行卡号和验证码'],
    ['有陌生人用我的信用卡消费了'],
    ['别人用我的卡刷了五千'],
    ['我的卡里少了3000块，不是我花的'],
    ['这笔消费不是我本人消费的'],
    ['账户里少了两千块钱，我没有消费过'],
    ['我把验证码发给了对方'],
    ['对方自称是银行工作人员，让我提供验证码'],
    ['他自称是公安局的，让我把钱转到安全账户'],
    ['我的账户被清空了'],
    ['卡里的钱全没了，我什么都没做'],
    ['我的存款全没了'],
    ['I got a text sent from the bank and now my account is empty'],
  ])('%s → fraud (P1)', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });

  it.each([
    ['I was not scammed, I just want to complain about the fee'],
    ['I was never scammed, the fee is the problem'],
    ['My identity was not stolen, I just forgot my password'],
    ['My card was not lost, the ATM swallowed it'],
    ['我没有被骗，只是想投诉手续费'],
  ])('a denial is not fraud: %s', (text) => {
    expect(detectFraud(text)).toMatchObject({ fraud: false, inProgress: false });
    expect(classifyByRules(text, ctx).severity).not.toBe('P1');
  });

  it.each([
    ['Why was I charged a fee for a transfer?'],
    ['The teller was rude to me and made me wait an hour'],
    ['My transfer failed and the money is gone from my account but the recipient has not received it'],
    ['I sent money to my sister yesterday and it is missing, she never got it'],
    ['The ATM swallowed my card after I entered my PIN'],
    ['The ATM did not give me the cash but my account was debited'],
    ['I entered my PIN three times and now my card is blocked'],
    ['I told the agent my password was not working'],
    ['Can I be given a new passcode?'],
    ['I clicked the link in your email to reset my password and it did not work'],
    ['my account is empty because my salary has not arrived'],
    ['柜员态度很差，让我等了一个小时'],
    ['转账给朋友，钱扣了但是对方没收到'],
    ['银行乱收年费，卡里少了200块'],
    ['ATM吞了我的卡'],
    ['ATM没吐钱，卡里少了2000'],
    ['I sent 200 to my friend and the money is gone'],
    ['银行把初始密码发给我了'],
    ['我从未在某某消费金融借过款，为什么征信上有记录'],
    ['自称是银行工作人员的催收打电话给我家人'],
  ])('a fee, a rude teller, a failed transfer or an ATM is not fraud: %s', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
  });
});

describe('fraud detector: long narratives need a cue that names unauthorised use', () => {
  it.each([
    [`The collection agency says I owe this debt but it is not mine and I am unfamiliar with the company.${PAD}`],
    [`This company is a scam and its fees are a fraud on every customer.${PAD}`],
    [`They shared my file with my employer without my permission, which is harassment.${PAD}`],
  ])('an accusation or a disputed debt is not P1: %#', (text) => {
    expect(detectFraud(text).fraud).toBe(false);
    expect(classifyByRules(text, ctx).severity).not.toBe('P1');
  });

  it.each([
    [`On my statement there are three unauthorized charges from a store in another state.${PAD}`],
    [`I did not open this account; someone opened it in my name.${PAD}`],
    [`I was scammed by a caller who pretended to be from my bank and I sent him my savings.${PAD}`],
    [`My identity was stolen last spring.${PAD}`],
  ])('a narrative of unauthorised use is P1: %#', (text) => {
    expect(detectFraud(text).fraud).toBe(true);
    expect(classifyByRules(text, ctx).severity).toBe('P1');
  });
});
