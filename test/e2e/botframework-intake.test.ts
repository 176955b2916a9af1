import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDatabaseUrl } from '../support/db.js';
import { botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';
import { waitForRedelivery } from '../support/redelivery.js';

const TOKEN = 'test-staff-token-0123456789';
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
  const { url } = await testDatabaseUrl('cd-bf-');
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, BANK_HOTLINE: '95555' }),
  );
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

const staff = (p: string, token: string | null = TOKEN) =>
  fetch(`${app.url}/api/staff${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Plays a customer's answers; each answer may be text or a button value `[value]`. Returns the bot's messages. */
async function intake(conversationId: string, answers: string[], locale?: string) {
  const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, locale });
  for (const a of answers) {
    const button = /^\[(.+)\]$/.exec(a);
    expect(await customer.send(button ? { action: button[1] } : { text: a })).toBe(200);
  }
  return connector.messages(conversationId);
}

const referenceIn = (texts: (string | undefined)[]) => texts.join('\n').match(/C-\d{8}-\d{4}/)?.[0];

describe('a complaint over the Bot Framework protocol', () => {
  it('becomes a case in English within 12 turns, readable through the staff API', async () => {
    const answers = [
      'My credit card was charged a 200 dollar annual fee that nobody told me about',
      'yesterday',
      '[resolution:refund]',
      'Jane Doe',
      '+1 415 555 0100',
      '[confirm]',
    ];
    const messages = await intake('conv-en', answers);
    expect(answers.length).toBeLessThanOrEqual(12);
    const reference = referenceIn(messages.map((m) => m.text));
    expect(reference).toMatch(/^C-\d{8}-\d{4}$/);
    // Buttons arrive as suggested actions whose value is what the dialog expects back.
    const withButtons = messages.find((m) => m.suggestedActions);
    expect(withButtons?.suggestedActions?.actions[0]?.value).toHaveProperty('action');

    const res = await staff(`/cases/${reference}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.case).toMatchObject({
      reference,
      status: 'new',
      business: 'credit_card',
      cause: 'fees',
      intakeChannel: 'emulator',
      amount: 200,
      customerName: 'J*** D**', // masked until a staff member reveals it
      regulatoryProfile: 'cn',
    });
    expect(['P2', 'P3']).toContain(body.case.severity);
    expect(Date.parse(body.case.firstResponseDueAt)).toBeGreaterThan(Date.parse(body.case.createdAt));
    expect(Date.parse(body.case.regulatoryDueAt) - Date.parse(body.case.createdAt)).toBeGreaterThan(14 * 86_400_000);
    expect(body.timeline.map((e: { type: string }) => e.type)).toContain('created');
    const transcript = body.transcript as { direction: string; text: string }[];
    expect(transcript.filter((m) => m.direction === 'in')).toHaveLength(answers.length);
    expect(transcript.some((m) => m.direction === 'out' && m.text.includes(reference!))).toBe(true);
  });

  it('becomes a case in Chinese, with the fraud guidance first', async () => {
    // "刚刚" is not read as a date, so the date is asked (the refund button pressed at that
    // question once counted as a wrong answer, and the case was filed through the offer of a person).
    const messages = await intake('conv-zh', ['我的借记卡刚刚被盗刷了两万元，不是我本人操作的', '今天', '[resolution:refund]', '李雷', '13912345678', '确认']);
    expect(messages[0]?.text).toContain('95555');
    const reference = referenceIn(messages.map((m) => m.text));
    expect(reference).toBeDefined();
    const body = await (await staff(`/cases/${reference}`)).json();
    expect(body.case).toMatchObject({ severity: 'P1', cause: 'funds_security', business: 'debit_card', language: 'zh' });
    expect(body.case.flags).toEqual(expect.any(Array));
    expect(Date.parse(body.case.firstResponseDueAt) - Date.parse(body.case.createdAt)).toBe(3600_000);
  });

  it('handles a redelivered activity once, and sends its replies again', async () => {
    const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-dup' });
    await customer.send({ text: 'The ATM at my branch kept my card', id: 'same-id' });
    const first = connector.messages('conv-dup');
    // Retried because the bot's answer never came: its replies may never have left either.
    await waitForRedelivery();
    await customer.send({ text: 'The ATM at my branch kept my card', id: 'same-id' });
    const again = connector.messages('conv-dup').slice(first.length);
    expect(again.map((m) => [m.text, m.suggestedActions])).toEqual(first.map((m) => [m.text, m.suggestedActions]));
    expect(await app.db.transcriptMessage.count({ where: { conversationKey: { endsWith: 'conv-dup' }, direction: 'in' } })).toBe(1);
  });

  it('lists cases for staff, filtered and paged, and refuses bad requests with a reason', async () => {
    const list = await (await staff('/cases?severity=P1,P2,P3,P4&page=1')).json();
    expect(list.total).toBeGreaterThanOrEqual(2);
    expect(list.items[0]).toHaveProperty('reference');
    // Most urgent first: the P1 fraud case leads.
    expect(list.items[0].severity).toBe('P1');
    const fees = await (await staff('/cases?cause=fees')).json();
    expect(fees.items.every((c: { cause: string }) => c.cause === 'fees')).toBe(true);

    expect((await staff('/cases', null)).status).toBe(401);
    expect((await staff('/cases', 'wrong-token-wrong-token')).status).toBe(401);
    const bad = await staff('/cases?severity=P9');
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].path).toMatch(/^severity/);
    expect((await staff('/cases/not-a-ref')).status).toBe(400);
    expect((await staff('/cases/C-20000101-0001')).status).toBe(404);
  });

  it('answers malformed activities with a 4xx, never a 5xx', async () => {
    const post = (body: string) => fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ type: 'message' }))).status).toBeLessThan(500);
    // The body may hold a file as a data: URI up to twice its 1 MB limit in base64 (not the
    // 10 MB EVIDENCE_MAX_BYTES: the body is parsed before any token is checked); a longer text
    // is refused by the activity's schema, a longer body before it is read.
    expect((await post(JSON.stringify({ text: 'x'.repeat(300_000) }))).status).toBe(400);
    expect((await post(JSON.stringify({ text: 'x'.repeat(2_900_000) }))).status).toBe(413);
  });

  it('holds a file carried inside the activity to 1 MB, whatever EVIDENCE_MAX_BYTES allows', async () => {
    const conversationId = 'bf-carried-1mb';
    const uri = `data:application/pdf;base64,${Buffer.alloc(1_200_000, 7).toString('base64')}`;
    const status = await botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, locale: 'en-US' }).send({
      activity: { text: undefined, attachments: [{ contentType: 'application/pdf', contentUrl: uri, name: 'statement.pdf' }] },
    });
    expect(status).toBe(200);
    expect(connector.messages(conversationId).map((m) => m.text)).toEqual([
      'Sorry, I could not keep "statement.pdf": files can be at most 1 MB. Please send a smaller file, or describe it in words.',
    ]);
  });

  it('answers an expectReplies activity with the turn\'s replies in the response', async () => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'expect-1',
        channelId: 'emulator',
        deliveryMode: 'expectReplies',
        serviceUrl: connector.url,
        conversation: { id: 'conv-expect' },
        from: { id: 'user-expect' },
        recipient: { id: 'bot' },
        text: 'The ATM at my branch kept my card',
      }),
    });
    expect(res.status).toBe(200);
    const { activities } = (await res.json()) as { activities: { type: string; text?: string }[] };
    expect(activities[0]?.type).toBe('typing');
    expect(activities.some((a) => a.type === 'message' && a.text)).toBe(true);
    // Delivered in the response, not posted to the connector.
    expect(connector.messages('conv-expect')).toHaveLength(0);
  });

  it('answers a Teams group chat or channel that mentions the bot with the privacy note, and takes no complaint there', async () => {
    const mention = { type: 'mention', mentioned: { id: 'bot', name: 'Complaint Desk' }, text: '<at>Complaint Desk</at>' };
    for (const conversationType of ['groupChat', 'channel']) {
      const conversationId = `teams-${conversationType}`;
      const member = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, channelId: 'msteams', conversation: { isGroup: true, conversationType } });
      expect(await member.send({ text: '<at>Complaint Desk</at> my card was charged twice', activity: { entities: [mention] } })).toBe(200);
      expect(connector.messages(conversationId).map((m) => m.text)).toEqual(['For your privacy, please message me privately to file a complaint.']);
      expect(await app.db.dialogState.count({ where: { conversationKey: `bf:msteams:${conversationId}` } })).toBe(0);
    }
  });

  describe('when a customer opens the chat (conversationUpdate)', () => {
    const BOT = { id: 'bot', name: 'Complaint Desk' };
    /** A conversationUpdate adding `members` (the customer is `user-<conversation id>`). */
    const opened = (customer: ReturnType<typeof botFrameworkCustomer>, conversationId: string, members: { id: string }[] = [{ id: `user-${conversationId}` }, BOT]) =>
      customer.send({ activity: { type: 'conversationUpdate', membersAdded: members } });
    const texts = (conversationId: string) => connector.messages(conversationId).map((m) => m.text);

    it.each([
      ['en-US', 'hi'],
      ['zh-CN', '你好'],
    ])('greets in the client\'s language (%s) as a first "%s" is greeted, once', async (locale, hi) => {
      const conversationId = `conv-welcome-${locale}`;
      const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, channelId: 'msteams', locale });
      expect(await opened(customer, conversationId)).toBe(200);
      const greeted = texts(conversationId);
      const other = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: `${conversationId}-hi`, channelId: 'msteams', locale });
      await other.send({ text: hi });
      expect(greeted).toEqual(texts(`${conversationId}-hi`));
      expect(greeted.join('\n')).toMatch(locale === 'en-US' ? /Privacy/ : /隐私/);
      // The same join told again (a second update, a reinstall) gets nothing more.
      expect(await opened(customer, conversationId)).toBe(200);
      expect(texts(conversationId)).toEqual(greeted);
      // And the story that follows is the complaint's description.
      await customer.send({ text: 'The ATM at my branch kept my card' });
      const state = await app.db.dialogState.findUnique({ where: { conversationKey: `bf:msteams:${conversationId}` } });
      expect(JSON.parse(state!.state).intake.draft.description).toBe('The ATM at my branch kept my card');
    });

    it('says nothing when only the bot is added', async () => {
      const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-welcome-bot', locale: 'en-US' });
      expect(await opened(customer, 'conv-welcome-bot', [BOT])).toBe(200);
      expect(texts('conv-welcome-bot')).toEqual([]);
      expect(await app.db.dialogState.count({ where: { conversationKey: 'bf:emulator:conv-welcome-bot' } })).toBe(0);
    });

    it('greets the customer who installs the bot in a personal Teams chat, where Teams adds only the bot', async () => {
      const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-welcome-install', channelId: 'msteams', locale: 'en-US' });
      expect(await opened(customer, 'conv-welcome-install', [BOT])).toBe(200);
      expect(texts('conv-welcome-install').join('\n')).toMatch(/Privacy/);
      const state = await app.db.dialogState.findUnique({ where: { conversationKey: 'bf:msteams:conv-welcome-install' } });
      expect(state).not.toBeNull();
    });

    it('says nothing when the conversation has dialog state already (Direct Line after the first message, a Teams reinstall)', async () => {
      const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-welcome-late', channelId: 'directline', locale: 'en-US' });
      await customer.send({ text: 'The ATM at my branch kept my card' });
      const before = texts('conv-welcome-late');
      const state = await app.db.dialogState.findUnique({ where: { conversationKey: 'bf:directline:conv-welcome-late' } });
      expect(await opened(customer, 'conv-welcome-late')).toBe(200);
      expect(texts('conv-welcome-late')).toEqual(before);
      expect(JSON.parse((await app.db.dialogState.findUnique({ where: { conversationKey: 'bf:directline:conv-welcome-late' } }))!.state)).toEqual(JSON.parse(state!.state));
    });

    it('in a group, gives the privacy note when the bot joins, nothing when a member joins, and starts no intake', async () => {
      const conversationId = 'teams-group-welcome';
      const member = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, channelId: 'msteams', locale: 'en-US', conversation: { isGroup: true, conversationType: 'groupChat' } });
      expect(await opened(member, conversationId, [BOT])).toBe(200);
      expect(await opened(member, conversationId, [{ id: 'someone-else' }])).toBe(200);
      expect(texts(conversationId)).toEqual(['For your privacy, please message me privately to file a complaint.']);
      expect(await app.db.dialogState.count({ where: { conversationKey: `bf:msteams:${conversationId}` } })).toBe(0);
    });
  });

  describe('when a customer edits a message in Teams (messageUpdate)', () => {
    /** Teams sends the edit under the id of the message edited, stamped with the edit's time. */
    const edit = (customer: ReturnType<typeof botFrameworkCustomer>, id: string, text: string, timestamp: string) =>
      customer.send({ text, id, activity: { type: 'messageUpdate', timestamp, channelData: { eventType: 'editMessage' } } });
    const description = async (conversationId: string) =>
      JSON.parse((await app.db.dialogState.findUnique({ where: { conversationKey: `bf:msteams:${conversationId}` } }))!.state).intake.draft.description;

    it('takes the edited text as a new message, each edit once, as a Telegram edit is', async () => {
      const conversationId = 'conv-teams-edit';
      const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, channelId: 'msteams', locale: 'en-US' });
      await customer.send({ text: 'hi', id: 'msg-1' });
      const greeted = connector.messages(conversationId).length;
      // "hi" corrected into the story: the story the intake was waiting for.
      expect(await edit(customer, 'msg-1', 'The ATM at my branch kept my card', '2026-11-27T02:00:05.000Z')).toBe(200);
      expect(await description(conversationId)).toBe('The ATM at my branch kept my card');
      const answered = connector.messages(conversationId).length;
      expect(answered).toBeGreaterThan(greeted);
      // The same edit delivered again is handled once: its replies are sent again, nothing runs.
      await waitForRedelivery();
      expect(await edit(customer, 'msg-1', 'The ATM at my branch kept my card', '2026-11-27T02:00:05.000Z')).toBe(200);
      expect(connector.messages(conversationId)).toHaveLength(answered + (answered - greeted));
      // A second edit of the same message is a message of its own.
      expect(await edit(customer, 'msg-1', 'The ATM at my branch kept my debit card', '2026-11-27T02:00:09.000Z')).toBe(200);
      expect(connector.messages(conversationId).length).toBeGreaterThan(answered);
      const said = await app.db.transcriptMessage.findMany({ where: { conversationKey: `bf:msteams:${conversationId}`, direction: 'in' }, orderBy: { createdAt: 'asc' } });
      expect(said.map((m) => m.text)).toEqual(['hi', 'The ATM at my branch kept my card', 'The ATM at my branch kept my debit card']);
    });

    it('stays silent on an edit in a group chat', async () => {
      const conversationId = 'teams-group-edit';
      const member = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId, channelId: 'msteams', conversation: { isGroup: true, conversationType: 'groupChat' } });
      expect(await edit(member, 'group-msg-1', 'my card was charged twice', '2026-11-27T02:00:05.000Z')).toBe(200);
      expect(connector.messages(conversationId)).toHaveLength(0);
    });
  });

  it('answers a complaint longer than the limit with the limit, as long as Teams lets a customer type it', async () => {
    const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-long', channelId: 'msteams' });
    const story = 'The branch refused to return the deposit I paid for the safe box and nobody explains why. '.repeat(300).slice(0, 20_000);
    expect(await customer.send({ text: story })).toBe(200);
    const said = connector.messages('conv-long').map((m) => m.text).join('\n');
    expect(said).toContain('That is too long for one message: 20000 characters, and I can take 8000 at most.');
  });

  it('reads a Teams message as the customer wrote it: no HTML tags, entities or mentions of colleagues in <at> tags', async () => {
    const customer = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId: 'conv-teams-html', channelId: 'msteams' });
    const html = '<p>My credit card was charged a&nbsp;200&nbsp;dollar fee &amp; <at>Li Lei</at> at the branch said &quot;wait&quot;</p><p>Nobody told me &lt;anything&gt;</p>';
    expect(await customer.send({ text: html, activity: { textFormat: 'xml' } })).toBe(200);
    const state = await app.db.dialogState.findUnique({ where: { conversationKey: 'bf:msteams:conv-teams-html' } });
    expect(JSON.parse(state!.state).intake.draft.description).toBe('My credit card was charged a 200 dollar fee & Li Lei at the branch said "wait"\nNobody told me <anything>');
  });

  it('reports health', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('the queue total', () => {
  it('is exact and says so', async () => {
    const res = await fetch(`${app.url}/api/staff/cases`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await res.json();
    expect(body.totalExact).toBe(true);
    expect(body.total).toBe(body.items.length);
  });
});

describe('a bot with an app id', () => {
  it('answers an activity without a Bot Framework token with 401 and runs no turn', async () => {
    const { url } = await testDatabaseUrl('cd-bf-auth-');
    const secured = await startApp(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'app-secret' }),
    );
    try {
      const customer = botFrameworkCustomer({ botUrl: secured.url, serviceUrl: connector.url, conversationId: 'conv-unsigned' });
      expect(await customer.send({ text: 'The ATM at my branch kept my card' })).toBe(401);
      expect(connector.messages('conv-unsigned')).toHaveLength(0);
    } finally {
      await secured.stop();
    }
  });
});
