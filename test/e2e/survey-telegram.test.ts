import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { shownMarkup, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { STAFF_TOKEN, TOKEN, completeIntake, startTelegramApp, telegramUser, tempDir, texts } from './telegram-support.js';

describe('follow-up survey over Telegram (fake Bot API server)', () => {
  let fake: FakeTelegram;
  let app: RunningApp;

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN });
    app = await startTelegramApp(tempDir('tg-survey-'), fake, { SURVEY_DELAY_MINUTES: '0', SURVEY_HOURS: '00:00-24:00' });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('asks with inline buttons in Chinese; "未解决" and a typed "1" reopen the case (no review offered); "不要再发" opts out', async () => {
    const u = telegramUser(fake, { id: 52_001, first_name: 'Test', language_code: 'zh-hans' });
    const first = await u.say('我的信用卡被收取了300元年费，办卡时没有人告诉我');
    const { reference } = await completeIntake(u, first, { business: 'credit_card', occurredOn: '昨天', amount: '300', resolution: 'refund', name: '王芳', phone: '13912345678' });
    const res = await fetch(`${app.url}/api/staff/cases/${reference}/transitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'resolved', resolution: '已退还年费。', rootCause: '年费未告知' }),
    });
    expect(res.status).toBe(200);

    const survey = await fake.waitFor(() => u.sent().find((m) => m.text.includes('您的问题解决了吗')), 30_000, 'the survey');
    expect(survey.text).toContain(reference);
    const buttons = shownMarkup(survey)?.inline_keyboard?.flat() ?? [];
    const id = (await app.db.survey.findFirstOrThrow({ where: { case: { reference } } })).id;
    expect(buttons.map((b) => b.callback_data)).toEqual([`survey:solved:yes:${id}`, `survey:solved:partly:${id}`, `survey:solved:no:${id}`]);
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    expect(buttons.map((b) => b.text)).toEqual(['已解决', '部分解决', '未解决']);

    let out = await u.press(`survey:solved:no:${id}`);
    expect(texts(out)).toContain(`已重新受理投诉 ${reference}`);
    out = await u.say('1');
    expect(shownMarkup(out.at(-1)!)?.inline_keyboard?.flat().map((b) => b.callback_data)).toEqual([`survey:comment:skip:${id}`]);
    out = await u.press(`survey:comment:skip:${id}`);
    // The case is reopened: thanks, and no review (核查) offered next to it.
    expect(texts(out)).toContain('感谢您的反馈');
    expect(out.flatMap((m) => shownMarkup(m)?.inline_keyboard?.flat() ?? []).some((b) => b.callback_data.startsWith('survey:review:'))).toBe(false);

    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true, customer: true } });
    expect(kase).toMatchObject({ status: 'reopened', reopenCount: 1 });
    expect(kase.survey).toMatchObject({ solved: 'no', score: 1, comment: '' });

    out = await u.say('不要再发');
    expect(texts(out)).toContain('不再向您发送回访');
    expect((await app.db.customer.findUniqueOrThrow({ where: { id: kase.customerId } })).surveyOptOut).toBe(true);
  });

  it('a customer who blocked the bot after the decision: the survey is skipped, not counted as sent, not retried, and staff are told once', async () => {
    // An app of its own (and Bot API server): its clock moves past the survey's time.
    let now = new Date();
    const tg = await startFakeTelegram({ token: TOKEN });
    const desk = await startTelegramApp(tempDir('tg-survey-blocked-'), tg, { SURVEY_DELAY_MINUTES: '60', SURVEY_HOURS: '00:00-24:00' }, { clock: () => now });
    try {
      const u = telegramUser(tg, { id: 52_002, first_name: 'Test', language_code: 'en' });
      const first = await u.say('My credit card was charged a 300 dollar annual fee nobody told me about');
      const { reference } = await completeIntake(u, first, { business: 'credit_card', occurredOn: 'yesterday', amount: '300', resolution: 'refund', name: 'Jane Doe', phone: '+14155550100' });
      const staff = (method: string, p: string, body?: unknown) =>
        fetch(`${desk.url}/api/staff${p}`, { method, headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
      const surveysSent = async () => ((await (await staff('GET', `/reports/summary?from=${day(-1)}&to=${day(4)}`)).json()) as { csat: { sent: number } }).csat.sent;
      const sentBefore = await surveysSent();
      expect((await staff('POST', `/cases/${reference}/transitions`, { to: 'resolved', resolution: 'Fee refunded.', rootCause: 'Fee not disclosed' })).status).toBe(200);
      // The decision reached them; then they blocked the bot, before the survey was due.
      tg.block(u.user.id);
      const survey = () => desk.db.survey.findFirstOrThrow({ where: { case: { reference } } });
      now = new Date(now.getTime() + 61 * 60_000);
      await desk.scheduler.runOnce();
      now = new Date(now.getTime() + 2 * 86_400_000);
      await desk.scheduler.runOnce();

      expect(await survey()).toMatchObject({ status: 'skipped', sentAt: null, expiresAt: null });
      const kase = await desk.db.case.findUniqueOrThrow({ where: { reference }, include: { channelAccount: true } });
      expect(kase.channelAccount?.reachable).toBe(false);
      const alerts = await desk.db.staffNotification.findMany({ where: { caseId: kase.id, type: 'survey_undelivered' } });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.message).toContain(reference);
      // Nothing left to retry or remind.
      expect(await desk.db.job.count({ where: { status: 'pending', payload: { contains: (await survey()).id } } })).toBe(0);
      // The reports count only surveys that reached the customer.
      expect(await surveysSent()).toBe(sentBefore);
    } finally {
      await desk.stop();
      await tg.close();
    }
  });
});
