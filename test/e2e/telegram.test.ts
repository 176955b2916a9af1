import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { FAKE_BOT, startFakeTelegram, tgUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { waitForRedelivery } from '../support/redelivery.js';
import { REFERENCE, STAFF_TOKEN, TOKEN, completeIntake, staffCase, startTelegramApp, telegramUser, tempDir, texts, type IntakeAnswers } from './telegram-support.js';

const PLAIN: IntakeAnswers = { business: 'deposit', occurredOn: 'yesterday', amount: 'skip', resolution: 'apology', name: 'Carol Chan', phone: '13912345678' };

const STAFF_CHAT = '-1001234567890';

describe('Telegram channel (long polling against a fake Bot API server)', () => {
  let dir: string;
  let fake: FakeTelegram;
  let app: RunningApp;
  let nextUser = 41_000;
  const newUser = (language_code: string) => ({ id: nextUser++, first_name: 'Test', language_code });

  beforeAll(async () => {
    dir = tempDir('tg-polling-');
    fake = await startFakeTelegram({ token: TOKEN });
    app = await startTelegramApp(dir, fake, { STAFF_TELEGRAM_CHAT_ID: STAFF_CHAT, EVIDENCE_MAX_BYTES: '100000' });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('connects, sets the commands menu in Chinese and English, and polls', async () => {
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0, 5000, 'polling');
    expect(fake.callsOf('getMe')).not.toHaveLength(0);
    expect(fake.callsOf('deleteWebhook')).not.toHaveLength(0);
    const menus = fake.callsOf('setMyCommands');
    const byLang = new Map(menus.map((c) => [String(c.body.language_code ?? ''), c.body.commands as { command: string; description: string }[]]));
    for (const lang of ['', 'zh', 'en']) {
      expect(byLang.get(lang)?.map((c) => c.command)).toEqual(['start', 'help', 'cancel', 'status', 'language', 'human']);
    }
    expect(byLang.get('en')!.find((c) => c.command === 'human')!.description).toBe('Talk to a person');
    expect(byLang.get('zh')!.find((c) => c.command === 'human')!.description).toBe('转人工服务');
  });

  it('files a Chinese complaint with button presses and a shared phone number', async () => {
    const u = telegramUser(fake, newUser('zh-hans'));
    let out = await u.say('我的信用卡昨天被多扣了500元年费，我从来没有同意过');
    expect(texts(out)).toContain('您好');
    expect(texts(out)).toContain('您希望我们怎样处理');
    expect(fake.callsOf('sendChatAction', u.user.id).at(-1)?.body.action).toBe('typing');
    const keyboard = out.at(-1)!.reply_markup!.inline_keyboard!.flat();
    expect(keyboard.map((b) => b.callback_data)).toContain('resolution:refund');
    expect(keyboard.every((b) => Buffer.byteLength(b.callback_data) <= 64)).toBe(true);

    const answersBefore = fake.callsOf('answerCallbackQuery').length;
    out = await u.press('resolution:refund');
    expect(fake.callsOf('answerCallbackQuery').length).toBe(answersBefore + 1);
    expect(texts(out)).toContain('请问您怎么称呼');

    out = await u.say('张伟');
    expect(texts(out)).toContain('电话号码');
    const phoneButton = out.at(-1)!.reply_markup!.keyboard![0]![0]!;
    expect(phoneButton).toMatchObject({ text: '发送我的手机号', request_contact: true });

    const editsBefore = fake.callsOf('editMessageReplyMarkup', u.user.id).length;
    out = await u.shareOwnPhone('+86 138 1234 5678');
    expect(texts(out)).toContain('请核对');
    expect(texts(out)).toContain('13812345678');
    // The phone keyboard is removed, and the summary's buttons are put back on by an edit.
    expect(out[0]!.reply_markup).toEqual({ remove_keyboard: true });
    const edit = fake.callsOf('editMessageReplyMarkup', u.user.id).slice(editsBefore).find((c) => c.body.reply_markup);
    expect(JSON.stringify(edit?.body.reply_markup)).toContain('"confirm"');

    out = await u.press('confirm');
    const reference = REFERENCE.exec(texts(out))?.[0];
    expect(reference, texts(out)).toBeDefined();
    expect(texts(out)).toContain('接下来');

    const detail = await staffCase(app, reference!);
    expect(detail.case).toMatchObject({ reference, intakeChannel: 'telegram', business: 'credit_card' });
    // The customer's answer is in the transcript, with their name masked until a Reveal.
    expect(detail.transcript.some((m) => m.direction === 'in' && m.text.includes('张*'))).toBe(true);
    expect(JSON.stringify(detail)).not.toContain('张伟');
    const account = await app.db.channelAccount.findUnique({ where: { conversationKey: `telegram:${u.user.id}` } });
    expect(JSON.parse(account!.conversationRef)).toEqual({ kind: 'telegram', chatId: u.user.id });
  });

  it('answers a Chinese client that taps Start in Chinese, and files the case in Chinese', async () => {
    const u = telegramUser(fake, newUser('zh-hans'));
    expect(texts(await u.say('/start'))).toContain('您好');
    const first = await u.say('我的信用卡昨天被多扣了500元年费，我从来没有同意过');
    const { reference } = await completeIntake(u, first, { ...PLAIN, resolution: 'refund', name: '张伟' });
    const filed = await app.db.case.findUnique({ where: { reference: reference! }, select: { language: true } });
    expect(filed?.language).toBe('zh');
  });

  it('takes a complaint as long as a whole Telegram message as the description', async () => {
    const u = telegramUser(fake, newUser('en'));
    const story = 'The branch refused to return the deposit I paid for the safe box and nobody explains why. ';
    const whole = story.repeat(50).slice(0, 4080);
    const out = await u.say(whole);
    expect(texts(out)).toContain('complaints assistant');
    expect(texts(out)).not.toContain('in your own words');
    const state = await app.db.dialogState.findUnique({ where: { conversationKey: `telegram:${u.user.id}` } });
    expect(JSON.parse(state!.state).intake.draft.description).toBe(whole.trim());
  });

  it('files an English complaint with button presses; slash commands reach the dialog', async () => {
    const u = telegramUser(fake, newUser('en'));
    const first = await u.say('I was charged twice for the same payment at the supermarket and nobody helps me');
    expect(texts(first)).toContain('complaints assistant');
    // A slash command mid-intake is the dialog's "help" interruption; the question comes back.
    const help = await u.say('/help');
    expect(texts(help)).toContain(first.at(-1)!.text.split('\n')[0]!.slice(0, 20));
    const { reference, pressed } = await completeIntake(u, help, {
      business: 'payment',
      occurredOn: 'yesterday',
      amount: 'skip',
      resolution: 'refund',
      name: 'Alice Wong',
      phone: '13812345678',
    });
    expect(pressed).toEqual(expect.arrayContaining(['resolution:refund', 'confirm']));
    expect(reference).toBeDefined();
    const detail = await staffCase(app, reference!);
    expect(detail.case).toMatchObject({ reference, intakeChannel: 'telegram' });

    const listed = await fetch(`${app.url}/api/staff/cases?intakeChannel=telegram`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
    const body = (await listed.json()) as { items: { reference: string }[] };
    expect(body.items.map((c) => c.reference)).toContain(reference);
  });

  it('does not file the complaint when the old Yes of "Cancel this complaint?" is pressed at the summary', async () => {
    const u = telegramUser(fake, newUser('en'));
    await u.say('The teller at the branch was rude to me and refused to help');
    expect(texts(await u.say('/cancel'))).toContain('Cancel this complaint?');
    // A typed answer leaves the Yes / No buttons on the question.
    const carryOn = await u.say('no');
    expect(texts(carryOn)).toContain('carry on');
    const atSummary = await completeIntake(u, carryOn, { ...PLAIN, stopAt: 'confirm' });
    expect(texts(atSummary.out)).toContain('Please check your complaint');
    const stale = await u.press('cancel:yes');
    expect(texts(stale)).toContain('That button belongs to an earlier question');
    expect(texts(stale)).not.toMatch(REFERENCE);
    expect(await app.db.case.count({ where: { conversationKey: `telegram:${u.user.id}` } })).toBe(0);
    expect(texts(await u.press('confirm'))).toMatch(REFERENCE);
  });

  it('takes a shared contact whose number has no "+" as an international number', async () => {
    const u = telegramUser(fake, newUser('en'));
    const first = await u.say('The teller at the branch was rude to me and refused to help');
    await completeIntake(u, first, { ...PLAIN, stopAt: 'phone' });
    const summary = await u.shareOwnPhone('447700900123');
    expect(texts(summary)).toContain('Please check your complaint');
    expect(texts(summary)).toContain('Phone: +447700900123');
  });

  it('removes the phone keyboard after a typed number, putting the summary buttons back by an edit', async () => {
    const u = telegramUser(fake, newUser('en'));
    const first = await u.say('The teller at the branch was rude to me and refused to help');
    const atPhone = await completeIntake(u, first, { ...PLAIN, stopAt: 'phone' });
    expect(atPhone.out.at(-1)!.reply_markup!.keyboard![0]![0]).toMatchObject({ text: 'Share my phone number', request_contact: true });
    const editsBefore = fake.callsOf('editMessageReplyMarkup', u.user.id).length;
    const summary = await u.say('13812345678');
    expect(texts(summary)).toContain('Please check your complaint');
    expect(summary[0]!.reply_markup).toEqual({ remove_keyboard: true });
    const edit = fake.callsOf('editMessageReplyMarkup', u.user.id).slice(editsBefore).find((c) => c.body.reply_markup);
    expect(edit?.body.message_id).toBe(summary[0]!.message_id);
    const { reference } = await completeIntake(u, summary, PLAIN);
    const detail = await staffCase(app, reference!);
    // A rude teller is not urgent: the staff chat hears nothing of it.
    expect(['P3', 'P4']).toContain(detail.case.severity);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.sent.filter((m) => m.chat_id === STAFF_CHAT && m.text.includes(reference!))).toHaveLength(0);
  });

  it('handles an update delivered twice (in one batch and again later) as one turn, its replies sent again when it comes later', async () => {
    const u = telegramUser(fake, newUser('en'));
    const update = { ...tgUpdate.text(u.user, 'Hello'), update_id: fake.nextUpdateId() };
    await fake.process(update, update);
    const first = u.sent();
    // Twice in one batch: the second waited for the first's turn, which sent the replies.
    expect(texts(first).match(/complaints assistant/g)).toHaveLength(1);
    // Telegram delivers an update again later only when the bot did not confirm it (a crash
    // before the offset moved): the replies may never have left, so they are sent again, from
    // the transcript (at least once); the turn itself does not run again.
    await waitForRedelivery();
    await fake.process(update);
    expect(u.sent().slice(first.length).map((m) => m.text)).toEqual(first.map((m) => m.text));
    const inbound = await app.db.transcriptMessage.count({ where: { conversationKey: `telegram:${u.user.id}`, direction: 'in' } });
    expect(inbound).toBe(1);
    expect(await app.db.processedUpdate.count({ where: { key: `telegram:${update.update_id}` } })).toBe(1);
  });

  it('never runs two updates of one chat on the same state: a batch is taken in order', async () => {
    const u = telegramUser(fake, newUser('zh'));
    const before = u.sent().length;
    await fake.process(tgUpdate.text(u.user, '我的信用卡昨天被多扣了500元年费，我从来没有同意过'), tgUpdate.text(u.user, '退款'), tgUpdate.text(u.user, '李娜'));
    const out = u.sent().slice(before);
    const order = ['您希望我们怎样处理', '请问您怎么称呼', '电话号码'].map((s) => out.findIndex((m) => m.text.includes(s)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const state = await app.db.dialogState.findUnique({ where: { conversationKey: `telegram:${u.user.id}` } });
    expect(JSON.parse(state!.state)).toMatchObject({ intake: { step: 'phone', draft: { name: '李娜' } } });
  });

  it('starts an intake from a picture with no text and keeps the photo, downloaded, as evidence on the case', async () => {
    const u = telegramUser(fake, newUser('en'));
    const bytes = Buffer.from(`fake-jpeg-${'x'.repeat(2000)}`);
    const fileId = fake.addFile(bytes, 'photos/file_7.jpg');
    let out = await u.photo(fileId, bytes.length);
    expect(texts(out)).toContain('complaints assistant');
    expect(texts(out)).toContain('in your own words');
    out = await u.say('My credit card was charged 50 dollars twice for the same purchase last week');
    const { reference } = await completeIntake(u, out, PLAIN);
    expect(reference).toBeDefined();

    const evidence = await waitForEvidence(app, `telegram:${u.user.id}`);
    expect(evidence).toMatchObject({ kind: 'photo', fileId, size: bytes.length, mimeType: 'image/jpeg' });
    const c = await app.db.case.findUnique({ where: { reference: reference! }, select: { id: true } });
    expect(evidence.caseId).toBe(c!.id);
    expect(evidence.localPath).toMatch(/^evidence\//);
    expect(fs.readFileSync(path.join(dir, evidence.localPath!))).toEqual(bytes);
    const detail = await staffCase(app, reference!);
    expect(detail.case.evidence).toHaveLength(1);
  });

  it('keeps a photo sent during the intake, with its caption, and does not download one over the size limit', async () => {
    const u = telegramUser(fake, newUser('en'));
    const first = await u.say('The teller at the branch was rude to me and refused to help');
    const big = Buffer.alloc(200_000, 1);
    const bigId = fake.addFile(big, 'photos/big.jpg');
    const ack = await u.photo(bigId, big.length, 'the receipt');
    expect(texts(ack)).toContain('kept the file as evidence');
    // The question asked before the photo is asked again.
    expect(ack.at(-1)!.text).toBe(first.at(-1)!.text);
    const { reference } = await completeIntake(u, ack, PLAIN);
    const rows = await app.db.evidence.findMany({ where: { conversationKey: `telegram:${u.user.id}` } });
    const c = await app.db.case.findUnique({ where: { reference: reference! }, select: { id: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ caseId: c!.id, kind: 'photo', fileId: bigId, caption: 'the receipt', size: big.length, localPath: null });
    expect(fake.calls.filter((x) => x.method === 'getFile' && x.body.file_id === bigId)).toHaveLength(0);
  });

  it('answers a sticker with what the bot can read, and asks the question again', async () => {
    const u = telegramUser(fake, newUser('zh-hans'));
    const first = await u.say('网点的工作人员态度很差，不给我办理业务');
    const out = await u.sticker();
    expect(texts(out)).toContain('我只能读取文字');
    expect(out.at(-1)!.text).toBe(first.at(-1)!.text);
    const transcript = await app.db.transcriptMessage.findMany({ where: { conversationKey: `telegram:${u.user.id}`, direction: 'in' }, orderBy: { createdAt: 'asc' } });
    expect(transcript.at(-1)?.text).toBe('[sticker]');
  });

  it('treats an edited message as a new answer to the current question', async () => {
    const u = telegramUser(fake, newUser('en'));
    const first = await u.say('The teller at the branch was rude to me and refused to help');
    await completeIntake(u, first, { ...PLAIN, name: 'Dave Smiht', stopAt: 'phone' });
    const before = u.sent().length;
    await fake.process(tgUpdate.edited(u.user, 1, 'Dave Smith'));
    // The edit arrived at the phone question: it is not a phone number, so it is re-asked.
    expect(texts(u.sent().slice(before))).toContain('does not look like a phone number');
  });

  it('tells a group chat to write privately and opens no case', async () => {
    const groupId = -100_777;
    const member = newUser('en');
    const group = { id: groupId, type: 'supergroup' };
    const before = fake.sent.length;
    // A member joining and chatter among members are not for the bot; a mention of it is.
    const joined = { message: { message_id: 1, date: 1, chat: group, from: member, new_chat_members: [{ id: nextUser++, is_bot: false, first_name: 'New' }] } };
    await fake.process(joined, tgUpdate.text(member, 'See you all at the meeting', { chat: group }));
    const mention = `@${FAKE_BOT.username} I want to complain about my card`;
    await fake.process({ message: { ...tgUpdate.text(member, mention, { chat: group }).message, entities: [{ type: 'mention', offset: 0, length: FAKE_BOT.username.length + 1 }] } });
    const replies = fake.sent.slice(before).filter((m) => m.chat_id === String(groupId));
    expect(replies.map((m) => m.text)).toEqual(['For your privacy, please message me privately to file a complaint.']);
    expect(await app.db.channelAccount.count({ where: { conversationKey: `telegram:${groupId}` } })).toBe(0);
    expect(await app.db.dialogState.count({ where: { conversationKey: `telegram:${groupId}` } })).toBe(0);
  });

  it('answers a forum group in the topic the bot was addressed in, as a reply', async () => {
    const forum = { id: -100_888, type: 'supergroup', is_forum: true };
    const member = newUser('en');
    const asked = { ...tgUpdate.text(member, `/start@${FAKE_BOT.username}`, { chat: forum }).message, message_thread_id: 77, is_topic_message: true };
    const calls = await fake.process({ message: asked });
    const note = calls.find((c) => c.method === 'sendMessage' && String(c.body.chat_id) === String(forum.id));
    expect(note?.body).toMatchObject({ text: 'For your privacy, please message me privately to file a complaint.', message_thread_id: 77, reply_parameters: { message_id: asked.message_id } });
  });

  it('answers a private chat with topics in the topic the customer wrote in, and sends later messages there too', async () => {
    const u = telegramUser(fake, newUser('en'));
    const inTopic = (update: { message: Record<string, unknown> }) => ({ message: { ...update.message, message_thread_id: 12, is_topic_message: true } });
    const threadsOf = (calls: { method: string; body: Record<string, unknown> }[], method: string) =>
      calls.filter((c) => c.method === method && String(c.body.chat_id) === String(u.user.id)).map((c) => c.body.message_thread_id);

    let calls = await fake.process(inTopic(tgUpdate.text(u.user, 'I was charged a 50 dollar fee on my credit card that I never agreed to')));
    expect(threadsOf(calls, 'sendMessage').length).toBeGreaterThan(0);
    expect(new Set(threadsOf(calls, 'sendMessage'))).toEqual(new Set([12]));
    expect(new Set(threadsOf(calls, 'sendChatAction'))).toEqual(new Set([12]));

    // A button pressed on a message in the topic is answered in the topic.
    const withButtons = [...u.sent()].reverse().find((m) => m.reply_markup?.inline_keyboard?.length);
    const value = withButtons!.reply_markup!.inline_keyboard![0]![0]!.callback_data;
    const press = tgUpdate.press(u.user, value, withButtons!.message_id);
    calls = await fake.process({ callback_query: { ...press.callback_query, message: { ...press.callback_query.message, message_thread_id: 12, is_topic_message: true } } });
    expect(threadsOf(calls, 'sendMessage').length).toBeGreaterThan(0);
    expect(new Set(threadsOf(calls, 'sendMessage'))).toEqual(new Set([12]));

    // A staff reply (or a survey) goes to the conversation's stored reference: the same topic.
    const account = await app.db.channelAccount.findFirstOrThrow({ where: { conversationKey: `telegram:${u.user.id}` } });
    const ref: unknown = JSON.parse(account.conversationRef);
    expect(ref).toEqual({ kind: 'telegram', chatId: u.user.id, threadId: 12 });
    const before = fake.callsOf('sendMessage', u.user.id).length;
    expect(await app.messenger.send(ref, [{ text: 'Our reply to your complaint' }])).toEqual({ ok: true });
    expect(fake.callsOf('sendMessage', u.user.id).slice(before).map((c) => c.body)).toEqual([expect.objectContaining({ text: 'Our reply to your complaint', message_thread_id: 12 })]);
  });

  it('says nothing in the staff alerts chat when a staff member replies to an alert or sends it a command', async () => {
    const staffer = newUser('en');
    const staffChat = { id: Number(STAFF_CHAT), type: 'supergroup' };
    const before = fake.sent.length;
    const alert = { message_id: 5, date: 1, chat: staffChat, from: FAKE_BOT, text: 'P1 case C-20261127-0001' };
    await fake.process(
      { message: { message_id: 6, date: 1, chat: staffChat, from: staffer, text: 'I am on it', reply_to_message: alert } },
      tgUpdate.text(staffer, `/help@${FAKE_BOT.username}`, { chat: staffChat }),
    );
    expect(fake.sent.slice(before).filter((m) => m.chat_id === STAFF_CHAT)).toEqual([]);
  });

  it('marks a user who blocked the bot unreachable when a proactive message fails, without crashing', async () => {
    const u = telegramUser(fake, newUser('en'));
    await u.say('Hello');
    fake.block(u.user.id);
    const result = await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: 'Our reply to your complaint' }]);
    expect(result).toEqual({ ok: false, unreachable: true, reason: expect.stringContaining('blocked') });
    const account = await app.db.channelAccount.findUnique({ where: { conversationKey: `telegram:${u.user.id}` } });
    expect(account).toMatchObject({ reachable: false, unreachableReason: expect.stringContaining('blocked') });
    // The bot keeps serving everyone else.
    const other = telegramUser(fake, newUser('en'));
    expect(texts(await other.say('Hello'))).toContain('complaints assistant');
  });

  it('waits out a short flood-control answer (429) and delivers', async () => {
    const u = telegramUser(fake, newUser('en'));
    await u.say('Hello');
    fake.floodOnce(u.user.id, 1);
    const result = await app.messenger.send({ kind: 'telegram', chatId: u.user.id }, [{ text: 'A reply from the complaints team' }]);
    expect(result).toEqual({ ok: true });
    expect(u.sent().at(-1)!.text).toBe('A reply from the complaints team');
  });

  it('marks a user unreachable as soon as Telegram reports the bot blocked', async () => {
    const u = telegramUser(fake, newUser('en'));
    await u.say('Hello');
    await fake.process(tgUpdate.blocked(u.user));
    const account = await app.db.channelAccount.findUnique({ where: { conversationKey: `telegram:${u.user.id}` } });
    expect(account).toMatchObject({ reachable: false, unreachableReason: 'blocked the bot' });
  });

  it('posts a new P1 case to the staff chat with reference, severity, labels and a link, and nothing the customer wrote', async () => {
    const u = telegramUser(fake, newUser('en'));
    const out = await u.say('Someone just stole $5,000 from my debit card, I did not make these transactions');
    expect(texts(out)).toContain('Freeze your card');
    const { reference } = await completeIntake(u, out, { ...PLAIN, business: 'debit_card', name: 'Erin Zhao', phone: { share: '13700001111' } });
    expect(reference).toBeDefined();
    const alert = await fake.waitFor(() => fake.sent.find((m) => m.chat_id === STAFF_CHAT && m.text.includes(reference!)), 5000, 'the staff alert');
    expect(alert.text).toContain('P1');
    expect(alert.text).toContain(`https://complaints.example.test/staff/cases/${reference}`);
    expect(alert.text).toContain('Debit card');
    expect(alert.text).not.toMatch(/stole|5,000|5000|Erin|Zhao|13700001111/);
  });
});

async function waitForEvidence(app: RunningApp, conversationKey: string) {
  for (let i = 0; i < 200; i++) {
    const row = await app.db.evidence.findFirst({ where: { conversationKey, localPath: { not: null } } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('evidence was not downloaded');
}
