import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { extendRegulatoryDeadline } from '../../src/cases/clocks/index.js';
import type { DomainEvent } from '../../src/cases/domain-events.js';
import { createStaffToken, createStaffUser } from '../../src/cases/staff/accounts.js';
import type { TBusiness } from '../../src/cases/taxonomy.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { fileComplaint, startFakeConnector } from '../support/fake-connector.js';
import { databaseUrlIn } from '../support/db.js';

const ENV_TOKEN = 'test-staff-token-0123456789';
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;
const emitted: DomainEvent[] = [];
const logged: Record<string, unknown>[] = [];
const people: Record<'agent' | 'agent2' | 'supervisor' | 'admin' | 'wang', { id: string; token: string }> = {} as never;

beforeAll(async () => {
  connector = await startFakeConnector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-staff-actions-'));
  // Info lines only: the staff-user changes are audited in the log.
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await databaseUrlIn(dir), LOG_LEVEL: 'silent', STAFF_API_TOKEN: ENV_TOKEN }), {
    log: createLogger('info', sink),
  });
  for (const type of ['case.status_changed', 'case.resolved', 'case.reopened'] as const) app.events.on(type, (e) => void emitted.push(e));
  const now = new Date();
  const users = [
    ['agent', 'Alice Agent', 'agent'],
    ['agent2', 'Bob Other', 'agent'],
    ['supervisor', 'Sue Visor', 'supervisor'],
    ['admin', 'Ada Admin', 'admin'],
    ['wang', 'Wang Fang', 'agent'],
  ] as const;
  for (const [key, displayName, role] of users) {
    const u = await createStaffUser(app.db, { email: `${key}@bank.test`, displayName, role, password: 'correct horse battery' }, now);
    if (!u.ok) throw new Error(u.error.message);
    people[key] = { id: u.value.id, token: (await createStaffToken(app.db, u.value.id, 'tests', now)).token };
  }
});
afterAll(async () => {
  await app?.stop();
  await connector?.close();
});

async function api(method: string, p: string, body?: unknown, token: string | null = people.agent.token) {
  const res = await fetch(`${app.url}/api/staff${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const post = (p: string, body: unknown, token?: string | null) => api('POST', p, body, token);
const detail = async (ref: string) => (await api('GET', `/cases/${ref}`, undefined, ENV_TOKEN)).body;

let conversations = 0;
/**
 * Files a complaint over /api/messages, answering whatever the intake asks (it skips what the
 * description already said); returns the reference and the conversation id.
 */
async function fileCase(description = 'My credit card was charged a 200 dollar annual fee that nobody told me about') {
  const conversationId = `staff-conv-${++conversations}`;
  const { reference, customer } = await fileComplaint({ botUrl: app.url, connector, conversationId, description });
  return { reference, conversationId, customer };
}

describe('staff actions through the JSON API', () => {
  it("delivers a reply in the customer's own Bot Framework conversation and records it", async () => {
    const { reference, conversationId } = await fileCase();
    const before = connector.messages(conversationId).length;
    const res = await post(`/cases/${reference}/replies`, { text: 'We are refunding the fee today.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ok: true, firstResponse: true });

    const delivered = connector.messages(conversationId).slice(before);
    expect(delivered.map((a) => a.text).join('\n')).toContain('We are refunding the fee today.');
    expect(connector.received.some((r) => r.conversationId === conversationId && r.activity.text?.includes('refunding'))).toBe(true);

    const d = await detail(reference);
    expect(d.case.status).toBe('acknowledged');
    expect(d.case.firstResponseAt).not.toBeNull();
    const staffLine = d.transcript.find((m: { author: string }) => m.author === 'staff');
    expect(staffLine).toMatchObject({ direction: 'out', staffUserId: people.agent.id });
    expect(staffLine.text).toContain('We are refunding the fee today.');
    expect(d.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'reply_sent', actorType: 'staff', actorId: people.agent.id })]));
    expect(emitted).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'case.status_changed', reference, to: 'acknowledged' })]));

    // A second reply does not move the first response.
    await post(`/cases/${reference}/replies`, { text: 'The refund is booked.' });
    expect((await detail(reference)).case.firstResponseAt).toBe(d.case.firstResponseAt);
  });

  it('marks the customer unreachable when the channel refuses, and says so', async () => {
    // A hand-written sender standing in for a channel whose user blocked the bot. (The Bot
    // Framework sender cannot report this yet: its onTurnError swallows the connector's 403.)
    app.messenger.register({ kind: 'gone', send: async () => ({ ok: false, unreachable: true, reason: 'user blocked the bot' }) });
    const { reference } = await fileCase();
    const c = await app.db.case.findUniqueOrThrow({ where: { reference } });
    await app.db.channelAccount.update({ where: { id: c.channelAccountId! }, data: { conversationRef: JSON.stringify({ kind: 'gone' }) } });
    const res = await post(`/cases/${reference}/replies`, { text: 'Hello?' });
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('customer_unreachable');
    const account = await app.db.channelAccount.findUniqueOrThrow({ where: { id: c.channelAccountId! } });
    expect(account.reachable).toBe(false);
    const d = await detail(reference);
    expect(d.timeline.map((e: { type: string }) => e.type)).toContain('delivery_failed');
    expect(d.case.firstResponseAt).toBeNull();
    expect(d.transcript.some((m: { author: string }) => m.author === 'staff')).toBe(false);
  });

  it('refuses to resolve without a decision or a root cause, and refuses impossible transitions', async () => {
    const { reference, conversationId } = await fileCase();
    expect((await post(`/cases/${reference}/transitions`, { to: 'resolved', resolution: 'Fee refunded.' })).body.error).toBe('root_cause_required');
    expect((await post(`/cases/${reference}/transitions`, { to: 'resolved', resolution: 'Fee refunded.' })).status).toBe(400);
    expect((await post(`/cases/${reference}/transitions`, { to: 'resolved', rootCause: 'Fee not disclosed' })).status).toBe(400);
    const close = await post(`/cases/${reference}/transitions`, { to: 'closed', resolution: 'x', rootCause: 'y' });
    expect(close.status).toBe(409);
    expect(close.body).toMatchObject({ error: 'invalid_transition', message: expect.stringContaining('only a resolved case can be closed') });
    expect((await post(`/cases/${reference}/transitions`, { to: 'bogus' })).status).toBe(400);

    const resolved = await post(`/cases/${reference}/transitions`, { to: 'resolved', resolution: 'We refunded the 200 dollar fee.', rootCause: 'Annual fee not disclosed at sale', note: 'checked with cards team' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ from: 'new', to: 'resolved', decisionDelivered: true });
    expect(connector.messages(conversationId).at(-1)?.text).toContain('We refunded the 200 dollar fee.');
    expect(emitted).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'case.resolved', reference })]));
    const d = await detail(reference);
    expect(d.case).toMatchObject({ status: 'resolved', rootCause: 'Annual fee not disclosed at sale', resolution: 'We refunded the 200 dollar fee.' });

    expect((await post(`/cases/${reference}/transitions`, { to: 'reopened' })).body.error).toBe('note_required');
    expect((await post(`/cases/${reference}/transitions`, { to: 'reopened', note: 'customer disagrees' })).status).toBe(200);
    expect(emitted).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'case.reopened', reference })]));
    await post(`/cases/${reference}/transitions`, { to: 'resolved', resolution: 'Refund plus goodwill.', rootCause: 'Annual fee not disclosed at sale' });
    // Closing reuses the resolution and root cause given at resolution.
    expect((await post(`/cases/${reference}/transitions`, { to: 'closed' })).status).toBe(200);
    expect((await post(`/cases/${reference}/replies`, { text: 'late' })).body.error).toBe('case_closed');
  });

  it('records every action on the timeline with who did it', async () => {
    const { reference, conversationId, customer } = await fileCase();
    const A = people.agent.token;
    const S = people.supervisor.token;
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: 'me' }, A)).status).toBe(200);
    const mine = await api('GET', '/cases?assignee=me&status=in_progress', undefined, A);
    expect(mine.body.items.map((c: { reference: string }) => c.reference)).toContain(reference);
    expect((await post(`/cases/${reference}/notes`, { text: 'Called the cards team.' }, A)).status).toBe(201);
    expect((await post(`/cases/${reference}/escalations`, { reason: 'Customer threatens regulator' }, A)).body).toMatchObject({ from: 'frontline', to: 'back_office' });
    const alert = await app.db.staffNotification.findFirst({ where: { type: 'escalated', caseId: (await app.db.case.findUniqueOrThrow({ where: { reference } })).id } });
    expect(alert?.message).toMatch(new RegExp(`^${reference} \\(P\\d\\) escalated to back office by Alice Agent\\.$`));
    expect((await post(`/cases/${reference}/classification`, { severity: 'P2', reason: 'regulator threat' }, A)).status).toBe(200);
    expect((await post(`/cases/${reference}/classification`, { cause: 'disclosure', reason: 'fee never disclosed' }, A)).status).toBe(200);
    expect((await post(`/cases/${reference}/information-requests`, { question: 'Please send the statement page.' }, A)).status).toBe(201);
    expect((await detail(reference)).case.status).toBe('awaiting_customer');
    expect(connector.messages(conversationId).at(-1)?.text).toContain('Please send the statement page.');

    // Handoff: the bot stays quiet and the customer's message lands on the case.
    expect((await post(`/cases/${reference}/handoff`, {}, A)).status).toBe(200);
    const quietFrom = connector.messages(conversationId).length;
    await customer.send({ text: 'Here it is, page 3 shows the fee' });
    expect(connector.messages(conversationId)).toHaveLength(quietFrom);
    expect((await post(`/cases/${reference}/handback`, {}, A)).status).toBe(200);
    expect((await post(`/cases/${reference}/handback`, {}, A)).status).toBe(409);

    const revealed = await post(`/cases/${reference}/reveal`, { reason: 'calling the customer' }, A);
    expect(revealed.body).toMatchObject({ name: 'Jane Doe', phone: expect.stringContaining('415') });
    expect((await detail(reference)).case.customerName).toBe('J*** D**');
    expect((await post(`/cases/${reference}/extensions`, { reason: 'Waiting for the card network' }, S)).status).toBe(201);

    const d = await detail(reference);
    const by = (type: string) => d.timeline.filter((e: { type: string }) => e.type === type);
    for (const [type, who] of [
      ['claimed', people.agent.id],
      ['note_added', people.agent.id],
      ['escalated', people.agent.id],
      ['severity_changed', people.agent.id],
      ['category_changed', people.agent.id],
      ['info_requested', people.agent.id],
      ['handoff_started', people.agent.id],
      ['handoff_ended', people.agent.id],
      ['pii_revealed', people.agent.id],
      ['deadline_extended', people.supervisor.id],
    ] as const) {
      expect(by(type), type).toEqual([expect.objectContaining({ actorType: 'staff', actorId: who, at: expect.any(String) })]);
    }
    expect(by('escalated')[0].note).toBe('Customer threatens regulator');
    expect(by('severity_changed')[0].data).toMatchObject({ from: { severity: expect.any(String) }, to: { severity: 'P2' } });
    expect(by('customer_message').length).toBeGreaterThanOrEqual(1);
    expect(d.transcript.some((m: { text: string }) => m.text.includes('page 3 shows the fee'))).toBe(true);
  });

  it('returns the internal notes with the case, oldest first, leaving the other fields as they were', async () => {
    const { reference } = await fileCase();
    const before = await detail(reference);
    expect(before.notes).toEqual([]);
    expect((await post(`/cases/${reference}/notes`, { text: 'Called the cards team.' }, people.agent.token)).status).toBe(201);
    expect((await post(`/cases/${reference}/notes`, { text: 'They confirm the fee.' }, people.supervisor.token)).status).toBe(201);
    const d = await detail(reference);
    expect(d.notes).toEqual([
      { at: expect.any(String), authorId: people.agent.id, authorName: 'Alice Agent', text: 'Called the cards team.' },
      { at: expect.any(String), authorId: people.supervisor.id, authorName: 'Sue Visor', text: 'They confirm the fee.' },
    ]);
    expect(Object.keys(d).sort()).toEqual(['case', 'notes', 'timeline', 'transcript']);
    expect(Object.keys(d.case).sort()).toEqual(Object.keys(before.case).sort());
  });

  it('lets an agent do only what an agent may', async () => {
    const { reference } = await fileCase();
    const A = people.agent.token;
    expect((await post(`/cases/${reference}/extensions`, { reason: 'need time' }, A))).toMatchObject({ status: 403, body: { error: 'approval_required' } });
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: people.agent2.id }, A))).toMatchObject({ status: 403, body: { error: 'supervisor_required' } });
    expect((await post(`/cases/${reference}/classification`, { severity: 'P4', reason: 'minor' }, A))).toMatchObject({ status: 403, body: { error: 'supervisor_required' } });
    expect((await api('GET', '/users', undefined, A)).status).toBe(403);
    // A case claimed by someone else is theirs; a supervisor reassigns it.
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: 'me' }, people.agent2.token)).status).toBe(200);
    expect((await post(`/cases/${reference}/replies`, { text: 'hi' }, A))).toMatchObject({ status: 403, body: { error: 'assigned_to_someone_else' } });
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: people.agent.id, reason: 'Bob is away' }, people.supervisor.token)).status).toBe(200);
    expect((await post(`/cases/${reference}/classification`, { severity: 'P4', reason: 'no money at stake' }, people.supervisor.token)).status).toBe(200);
    expect((await api('GET', '/users', undefined, people.admin.token)).status).toBe(200);

    expect((await api('GET', '/cases', undefined, null)).status).toBe(401);
    expect((await post(`/cases/${reference}/replies`, { text: 'x' }, null)).status).toBe(401);
    expect((await post(`/cases/${reference}/replies`, { text: 'x' }, 'cdt_not-a-real-token')).status).toBe(401);
  });

  it('does not let an admin demote or deactivate themselves, and logs who changed whom', async () => {
    const ADMIN = people.admin.token;
    const self = `/users/${people.admin.id}`;
    expect(await api('PATCH', self, { active: false }, ADMIN)).toMatchObject({ status: 409, body: { error: 'own_account' } });
    expect(await api('PATCH', self, { role: 'agent' }, ADMIN)).toMatchObject({ status: 409, body: { error: 'own_account' } });
    expect(await api('PATCH', self, { role: 'admin', active: true }, ADMIN)).toMatchObject({ status: 200 });
    const me = await app.db.staffUser.findUniqueOrThrow({ where: { id: people.admin.id } });
    expect(me).toMatchObject({ role: 'admin', active: true });
    expect((await api('GET', '/me', undefined, ADMIN)).status).toBe(200);

    expect(await api('PATCH', `/users/${people.agent2.id}`, {}, ADMIN)).toMatchObject({ status: 400, body: { error: 'nothing_to_change' } });
    expect(await api('PATCH', '/users/no-such-user', { active: false }, ADMIN)).toMatchObject({ status: 404 });
    expect(await api('PATCH', '/users/no-such-user', {}, ADMIN)).toMatchObject({ status: 400 });

    const u = await createStaffUser(app.db, { email: 'temp@bank.test', displayName: 'Tem Porary', role: 'agent', password: 'correct horse battery' }, new Date());
    if (!u.ok) throw new Error(u.error.message);
    const token = (await createStaffToken(app.db, u.value.id, 'tests', new Date())).token;
    expect((await api('PATCH', `/users/${u.value.id}`, { role: 'supervisor' }, ADMIN)).status).toBe(200);
    const { reference: held } = await fileCase();
    expect((await post(`/cases/${held}/assignment`, { assigneeId: 'me' }, token)).status).toBe(200);
    expect((await post(`/cases/${held}/handoff`, {}, token)).status).toBe(200);
    expect((await api('PATCH', `/users/${u.value.id}`, { active: false }, ADMIN)).status).toBe(200);
    // The conversation they had taken over goes back to the bot.
    expect((await app.db.channelAccount.findFirst({ where: { cases: { some: { reference: held } } } }))?.handoffCaseId).toBeNull();
    expect((await api('GET', '/me', undefined, token)).status).toBe(401);
    // Their open cases go back to the unassigned queue, on the record.
    const after = await detail(held);
    expect(after.case.assigneeId).toBeNull();
    expect(after.timeline.slice(-2)).toMatchObject([
      { type: 'unassigned', actorId: people.admin.id, note: 'assignee deactivated' },
      { type: 'handoff_ended', actorId: people.admin.id, note: 'assignee deactivated' },
    ]);
    expect(logged.filter((l) => l.msg === 'staff user changed' && l.staffUserId === u.value.id)).toEqual([
      expect.objectContaining({ actorId: people.admin.id, from: { role: 'agent', active: true }, to: { role: 'supervisor', active: true } }),
      expect.objectContaining({ actorId: people.admin.id, from: { role: 'supervisor', active: true }, to: { role: 'supervisor', active: false } }),
    ]);
    // Nothing changed on the admin's own account, so nothing was logged for it.
    expect(logged.some((l) => l.msg === 'staff user changed' && l.staffUserId === people.admin.id)).toBe(false);
  });

  it('never assigns a case to a staff member the complaint names (回避)', async () => {
    const { reference } = await fileCase('My credit card was charged a 200 dollar annual fee; the teller Wang Fang never told me about it');
    const res = await post(`/cases/${reference}/assignment`, { assigneeId: people.wang.id }, people.supervisor.token);
    expect(res).toMatchObject({ status: 409, body: { error: 'conflict_of_interest' } });
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: 'me' }, people.wang.token)).status).toBe(409);
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: people.agent2.id }, people.supervisor.token)).status).toBe(200);
  });

  it('does not let a supervisor the complaint names assign it, to anyone (回避)', async () => {
    const { reference } = await fileCase('My credit card was charged a 200 dollar annual fee; the supervisor Sue Visor refused to refund it');
    const refused = { status: 409, body: { error: 'conflict_of_interest' } };
    expect(await post(`/cases/${reference}/assignment`, { assigneeId: people.agent2.id }, people.supervisor.token)).toMatchObject(refused);
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: people.agent2.id }, people.admin.token)).status).toBe(200);
    expect(await post(`/cases/${reference}/assignment`, { assigneeId: null }, people.supervisor.token)).toMatchObject(refused);
    expect((await detail(reference)).case.assigneeId).toBe(people.agent2.id);
  });

  it('does not let the person a complaint names work it while it is unassigned either (回避)', async () => {
    const { reference, conversationId } = await fileCase('My credit card was charged a 200 dollar annual fee; the teller Wang Fang never told me about it');
    const before = connector.messages(conversationId).length;
    const named = people.wang.token;
    const refused = { status: 409, body: { error: 'conflict_of_interest' } };
    expect(await post(`/cases/${reference}/replies`, { text: 'The fee is correct.' }, named)).toMatchObject(refused);
    expect(await post(`/cases/${reference}/transitions`, { to: 'resolved', resolution: 'The fee is correct', rootCause: 'customer misunderstanding' }, named)).toMatchObject(refused);
    expect(await post(`/cases/${reference}/reveal`, {}, named)).toMatchObject(refused);
    expect(connector.messages(conversationId).length).toBe(before);
    expect((await detail(reference)).case.status).not.toBe('resolved');
    // Anyone else may, and the API token is not a person.
    expect((await post(`/cases/${reference}/replies`, { text: 'We are looking into the fee.' })).status).toBe(201);
    expect((await post(`/cases/${reference}/replies`, { text: 'Still on it.' }, ENV_TOKEN)).status).toBe(201);
  });

  it('does not let the person a complaint names add internal notes to it (回避)', async () => {
    const { reference } = await fileCase('My credit card was charged a 200 dollar annual fee; the teller Wang Fang never told me about it');
    expect(await post(`/cases/${reference}/notes`, { text: 'I told the customer about the fee.' }, people.wang.token)).toMatchObject({ status: 409, body: { error: 'conflict_of_interest' } });
    expect((await post(`/cases/${reference}/notes`, { text: 'Checking the fee notice.' }, people.agent2.token)).status).toBe(201);
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, select: { notes: { select: { authorId: true } } } });
    expect(kase.notes.map((n) => n.authorId)).toEqual([people.agent2.id]);
  });

  it('shows card, ID and phone numbers with their last four digits, and the name only through a Reveal', async () => {
    const description = 'My card 6222021234567890123 was charged twice; my ID is 11010519491231002X, call 13912345678 please';
    const { reference } = await fileCase(description);
    const c = await app.db.case.findUniqueOrThrow({ where: { reference } });
    expect(c.description).toBe(description); // stored as said: the erase command removes it
    const d = await detail(reference);
    const shown = JSON.stringify({ case: d.case, transcript: d.transcript });
    for (const secret of ['6222021234567890123', '11010519491231002X', '13912345678', c.customerName!, c.customerPhone!]) expect(shown).not.toContain(secret);
    expect(d.case.description).toContain('***************0123');
    expect(d.case.description).toContain('**************002X');
    expect(d.case.description).toContain('*******5678');
    // A survey comment (a timeline note) and a shared contact without "+" are masked as well.
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
    await app.db.caseEvent.create({ data: { caseId: kase.id, type: 'survey_comment', actorType: 'customer', note: 'card 6222021234567890123 still charged', data: '{}' } });
    await app.db.transcriptMessage.create({ data: { conversationKey: 'x', caseId: kase.id, direction: 'in', author: 'customer', text: (c.customerPhone ?? '').replace(/^\+/, ''), meta: '{}' } });
    const again = JSON.stringify(await detail(reference));
    expect(again).not.toContain('6222021234567890123');
    expect(again).not.toContain((c.customerPhone ?? '').replace(/^\+/, ''));
    expect((await post(`/cases/${reference}/reveal`, { reason: 'call back' }, ENV_TOKEN)).body).toMatchObject({ name: c.customerName, phone: c.customerPhone });
  });

  it("does not reveal a customer's contact on a colleague's case", async () => {
    const { reference } = await fileCase();
    expect((await post(`/cases/${reference}/assignment`, { assigneeId: 'me' }, people.agent.token)).status).toBe(200);
    expect(await post(`/cases/${reference}/reveal`, {}, people.agent2.token)).toMatchObject({ status: 403, body: { error: 'assigned_to_someone_else' } });
    expect((await post(`/cases/${reference}/reveal`, { reason: 'calling back' }, people.agent.token)).status).toBe(200);
    expect((await post(`/cases/${reference}/reveal`, { reason: 'audit' }, people.supervisor.token)).status).toBe(200);
    const reveals = (await detail(reference)).timeline.filter((e: { type: string }) => e.type === 'pii_revealed');
    expect(reveals).toHaveLength(2);
  });

  it('extends the regulatory deadline with approval and sends the customer the notice', async () => {
    const { reference, conversationId } = await fileCase();
    const c = await app.db.case.findUniqueOrThrow({ where: { reference } });
    const expected = extendRegulatoryDeadline({ receivedAt: c.receivedAt, business: c.business as TBusiness, policy: app.policy, extensionCount: 0, approvedByRole: 'supervisor', reason: 'r' });
    if (!expected.ok) throw new Error('policy refuses');

    const first = await post(`/cases/${reference}/extensions`, { reason: 'Waiting for the card network' }, people.supervisor.token);
    expect(first.status).toBe(201);
    expect(new Date(first.body.dueAt).toISOString()).toBe(expected.value.dueAt.toISOString());
    expect(Date.parse(first.body.dueAt)).toBeGreaterThan(c.regulatoryDueAt.getTime());
    const notice = connector.messages(conversationId).at(-1)?.text ?? '';
    expect(notice).toContain(expected.value.notice.params.dueDate);
    expect(notice).toContain('Waiting for the card network');
    expect(notice).toMatch(/extended/);
    const d = await detail(reference);
    expect(d.case.regulatoryDueAt).toBe(expected.value.dueAt.toISOString());
    expect(d.case.extensionCount).toBe(1);

    // cn: the second extension needs senior (admin) approval; there is no third.
    expect((await post(`/cases/${reference}/extensions`, { reason: 'still waiting' }, people.supervisor.token)).body.error).toBe('approval_required');
    expect((await post(`/cases/${reference}/extensions`, { reason: 'still waiting' }, people.admin.token)).status).toBe(201);
    expect((await post(`/cases/${reference}/extensions`, { reason: 'again' }, people.admin.token))).toMatchObject({ status: 409, body: { error: 'limit_reached' } });
  });

  it('validates bodies with a reason and acts for the STAFF_API_TOKEN as the automation user', async () => {
    const { reference } = await fileCase();
    const bad = await post(`/cases/${reference}/replies`, { text: '' }, ENV_TOKEN);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request', message: expect.any(String), issues: [expect.objectContaining({ path: 'text' })] });
    expect((await post(`/cases/${reference}/replies`, { text: 'ok', extra: 1 }, ENV_TOKEN)).status).toBe(400);
    expect((await post(`/cases/C-20000101-0001/replies`, { text: 'x' }, ENV_TOKEN)).status).toBe(404);
    expect((await post(`/cases/${reference}/notes`, { text: 'automation note' }, ENV_TOKEN)).status).toBe(201);
    const me = await api('GET', '/me', undefined, ENV_TOKEN);
    expect(me.body).toMatchObject({ role: 'admin', via: 'env_token' });
    expect((await detail(reference)).timeline.find((e: { type: string }) => e.type === 'note_added').actorId).toBe(me.body.id);
  });

  it('describes every staff endpoint in an OpenAPI 3.1 document', async () => {
    const res = await fetch(`${app.url}/api/staff/openapi.json`);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/cases', '/cases/{reference}', '/cases/{reference}/replies', '/cases/{reference}/transitions', '/cases/{reference}/assignment', '/cases/{reference}/extensions']) {
      expect(doc.paths).toHaveProperty([p]);
    }
    const body = doc.paths['/cases/{reference}/transitions'].post.requestBody.content['application/json'].schema;
    expect(body.properties.to.enum).toEqual(['in_progress', 'awaiting_customer', 'resolved', 'closed', 'reopened']);
  });
});
