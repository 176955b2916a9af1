import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDatabaseUrl } from '../support/db.js';
import { actionsOf, answerIntake, botFrameworkCustomer, startFakeConnector } from '../support/fake-connector.js';

const TOKEN = 'test-staff-token-survey-0123456789';
const DAY = 86_400_000;
let connector: Awaited<ReturnType<typeof startFakeConnector>>;

beforeAll(async () => {
  connector = await startFakeConnector();
});
afterAll(async () => {
  await connector?.close();
});

async function startDesk(name: string, env: Record<string, string> = {}, clock?: () => Date) {
  const { url } = await testDatabaseUrl(`survey-${name}-`);
  return startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, SURVEY_DELAY_MINUTES: '0', SURVEY_HOURS: '00:00-24:00', ...env }),
    clock ? { clock } : {},
  );
}

const EN_COMPLAINT = 'My credit card was charged a 200 dollar annual fee that nobody told me about';
const ZH_COMPLAINT = '我的信用卡被收取了200元年费，办卡时没有人告诉我';

function customer(app: RunningApp, conversationId: string) {
  const c = botFrameworkCustomer({ botUrl: app.url, serviceUrl: connector.url, conversationId });
  return {
    /** Says `[value]` (a button press) or text; returns the bot's messages sent in reply. */
    async say(what: string) {
      const before = connector.messages(conversationId).length;
      const button = /^\[(.+)\]$/.exec(what);
      expect(await c.send(button ? { action: button[1] } : { text: what })).toBe(200);
      return connector.messages(conversationId).slice(before);
    },
  };
}

/**
 * Files a complaint, answering whatever the intake asks (the intake's own tests pin its exact
 * questions; here only a confirmed case matters). Returns the new reference.
 */
async function fileCase(app: RunningApp, conversationId: string, complaint = EN_COMPLAINT): Promise<string> {
  return answerIntake(customer(app, conversationId).say, complaint);
}

async function staff(app: RunningApp, method: string, p: string, body?: unknown) {
  const res = await fetch(`${app.url}/api/staff${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

/** Resolves through the staff transitions API (issue 5); where it is not mounted, as it would: row + event. */
async function resolve(app: RunningApp, reference: string) {
  const res = await staff(app, 'POST', `/cases/${reference}/transitions`, { to: 'resolved', resolution: 'We refunded the fee.', rootCause: 'Fee not disclosed at sale' });
  if (res.status === 200) return;
  expect(res.status).toBe(404);
  const now = new Date();
  const c = await app.db.case.update({ where: { reference }, data: { status: 'resolved', resolvedAt: now, resolution: 'We refunded the fee.', rootCause: 'Fee not disclosed at sale' } });
  await app.events.emit({ type: 'case.resolved', caseId: c.id, reference, at: now });
}

const SOLVED_Q = /Was your problem solved\?|您的问题解决了吗/;
const surveyMessages = (conversationId: string) => connector.messages(conversationId).filter((m) => SOLVED_Q.test(m.text ?? ''));
const surveyIdOf = async (app: RunningApp, reference: string) => (await app.db.survey.findFirstOrThrow({ where: { case: { reference } } })).id;

/** A customer with a filed case starts a new complaint; staff resolve the first, and its survey arrives mid-intake. */
async function surveyDuringNewComplaint(app: RunningApp, conv: string) {
  const reference = await fileCase(app, conv);
  const c = customer(app, conv);
  expect((await c.say('The teller at the branch was rude to me and refused to help')).at(-1)?.text).toContain('Which product or service');
  await resolve(app, reference);
  await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
  return { reference, c, id: await surveyIdOf(app, reference) };
}
/** A customer with two cases resolved one after the other, both surveys open. */
async function twoSurveysOpen(app: RunningApp, conv: string) {
  const first = await fileCase(app, conv);
  await resolve(app, first);
  await connector.waitFor(() => surveyMessages(conv).length === 1, 30_000);
  const second = await fileCase(app, conv);
  await resolve(app, second);
  await connector.waitFor(() => surveyMessages(conv).length === 2, 30_000);
  return { first, second };
}
/** A customer with two cases: staff ask a question on one, then resolve the other, whose survey arrives. */
async function surveyAfterStaffQuestion(app: RunningApp, conv: string) {
  const surveyed = await fileCase(app, conv);
  const asked = await fileCase(app, conv);
  expect((await staff(app, 'POST', `/cases/${asked}/information-requests`, { question: 'Which branch did you visit?' })).status).toBe(201);
  await resolve(app, surveyed);
  await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
  return { surveyed, asked };
}
const timelineTypes = async (app: RunningApp, reference: string) =>
  (await app.db.caseEvent.findMany({ where: { case: { reference } }, orderBy: { createdAt: 'asc' } })).map((e) => e.type);

describe('follow-up survey over the Bot Framework protocol', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startDesk('main');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('arrives with buttons within 30 s of resolution; "no" and "1" reopen the case, show on the timeline and count in the summary; no review of a reopened case', async () => {
    const conv = 'survey-no';
    const reference = await fileCase(app, conv);
    const started = Date.now();
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    const survey = surveyMessages(conv)[0]!;
    expect(survey.text).toContain(reference);
    const id = await surveyIdOf(app, reference);
    expect(actionsOf(survey)).toEqual([`survey:solved:yes:${id}`, `survey:solved:partly:${id}`, `survey:solved:no:${id}`]);

    const c = customer(app, conv);
    const afterNo = await c.say('[survey:solved:no]'); // the value before buttons named their survey still works
    expect(afterNo.map((m) => m.text).join('\n')).toContain(`reopened complaint ${reference}`);
    expect(actionsOf(afterNo.at(-1))).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${id}`));
    const afterScore = await c.say('1');
    expect(actionsOf(afterScore.at(-1))).toEqual([`survey:comment:skip:${id}`]);

    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true } });
    expect(kase).toMatchObject({ status: 'reopened', reopenCount: 1 });
    expect(kase.survey).toMatchObject({ status: 'answered', solved: 'no', score: 1 });
    const types = await timelineTypes(app, reference);
    expect(types).toEqual(expect.arrayContaining(['resolved', 'survey_scheduled', 'survey_sent', 'survey_answered', 'reopened']));
    expect(types.filter((t) => t === 'reopened')).toHaveLength(1); // "no" then "1": reopened once
    const detail = await staff(app, 'GET', `/cases/${reference}`);
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toContain('survey_answered');
    expect(await app.db.staffNotification.count({ where: { caseId: kase.id, type: 'survey_unhappy' } })).toBe(1);

    const summary = await staff(app, 'GET', '/reports/summary');
    if (summary.status !== 404) {
      expect(summary.status).toBe(200);
      expect(summary.body.csat.responses).toBeGreaterThanOrEqual(1);
    }

    // The comment; no review is offered: the case is reopened, a review would be a second open case.
    const afterComment = await c.say('I was still charged the fee again this month');
    expect(afterComment.map((m) => m.text).join('\n')).toContain('comment has been passed on');
    expect(afterComment.some((m) => actionsOf(m).some((a) => a.startsWith('survey:review:')))).toBe(false);
    expect((await app.db.survey.findUniqueOrThrow({ where: { caseId: kase.id } })).comment).toContain('charged');
    // Nor does a review button from elsewhere open one while the case is reopened.
    const refused = await c.say(`[survey:review:${reference}]`);
    expect(refused.at(-1)?.text).toMatch(/could not find that complaint to review/);
    expect(await app.db.case.count({ where: { parentCaseId: kase.id } })).toBe(0);
  });

  it('takes typed answers in Chinese ("是", "非常满意", "跳过") and leaves a satisfied case resolved', async () => {
    const conv = 'survey-zh';
    const reference = await fileCase(app, conv, ZH_COMPLAINT);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    expect(surveyMessages(conv)[0]!.text).toContain('您的问题解决了吗');
    const c = customer(app, conv);
    expect((await c.say('是')).at(-1)?.text).toContain('满意');
    expect(actionsOf((await c.say('非常满意')).at(-1))).toEqual([`survey:comment:skip:${await surveyIdOf(app, reference)}`]);
    const end = await c.say('跳过');
    expect(end.map((m) => m.text).join('\n')).toContain('感谢');
    expect(end.some((m) => actionsOf(m).some((a) => a.startsWith('survey:review:')))).toBe(false);
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true } });
    expect(kase.status).toBe('resolved');
    expect(kase.survey).toMatchObject({ status: 'answered', solved: 'yes', score: 5, comment: '' });
  });

  it('reads an answer typed as a sentence ("No, it was not solved at all") as the answer, not a new complaint', async () => {
    const conv = 'survey-sentence';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const c = customer(app, conv);
    const afterNo = await c.say('No, it was not solved at all');
    expect(afterNo.map((m) => m.text).join('\n')).toContain(`reopened complaint ${reference}`);
    expect(actionsOf(afterNo.at(-1))).toHaveLength(5); // the score question
    const afterScore = await c.say('1, nobody ever called me back');
    expect(afterScore.at(-1)?.text).toMatch(/Anything you would like to add/);
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true } });
    expect(kase).toMatchObject({ status: 'reopened', survey: { solved: 'no', score: 1 } });
    expect(await app.db.case.count({ where: { customerId: kase.customerId } })).toBe(1);
  });

  it("sends an unhappy answer typed as a sentence back to staff with the customer's words, naming the assignee", async () => {
    const conv = 'survey-words';
    const reference = await fileCase(app, conv);
    const agent = await app.db.staffUser.create({ data: { email: 'li.na@bank.example', displayName: 'Li Na', role: 'agent', passwordHash: 'x' } });
    await app.db.case.update({ where: { reference }, data: { assigneeId: agent.id } });
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const c = customer(app, conv);
    await c.say('没有解决，这个月又被扣了200元年费');
    await c.say('1');
    const answered = await app.db.caseEvent.findMany({ where: { case: { reference }, type: 'survey_answered' }, orderBy: { createdAt: 'asc' } });
    expect(answered.map((e) => e.note)).toEqual(['没有解决，这个月又被扣了200元年费', null]); // a bare "1" says nothing more
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
    expect(kase.status).toBe('reopened');
    const alert = await app.db.staffNotification.findFirstOrThrow({ where: { caseId: kase.id, type: 'survey_unhappy' } });
    expect(alert.message).toContain("the customer's words are on the timeline");
    expect(alert.message).toContain('assigned to Li Na');
    expect(alert.message).not.toContain('年费'); // the words stay on the timeline, not in alerts
    const detail = await staff(app, 'GET', `/cases/${reference}`);
    expect(detail.body.timeline.some((e: { type: string; note: string | null }) => e.type === 'survey_answered' && e.note)).toBe(true);
  });

  it('re-asks a short unclear answer, but lets a new complaint through and keeps the survey open', async () => {
    const conv = 'survey-newtopic';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const c = customer(app, conv);
    const unclear = await c.say('hmm');
    expect(unclear.at(-1)?.text).toMatch(/did not catch that[\s\S]*Was your problem solved/);
    // A few words are a complaint too, not a survey answer gone wrong.
    const shortOne = await c.say('ATM ate my card');
    expect(shortOne.map((m) => m.text).join('\n')).not.toMatch(/did not catch that/);
    await c.say('cancel');
    await c.say('yes');
    const newComplaint = await c.say('The ATM at the station swallowed my debit card this morning');
    expect(newComplaint.map((m) => m.text).join('\n')).not.toMatch(/did not catch that/);
    const s = await app.db.survey.findFirstOrThrow({ where: { case: { reference } } });
    expect(s).toMatchObject({ status: 'sent', solved: null });
    // Interruptions still work while the survey waits.
    expect((await c.say('help')).at(-1)?.text).toBeDefined();
  });

  it('with two surveys open, a button answers the survey it belongs to, not the newest', async () => {
    const conv = 'survey-two';
    const { first, second } = await twoSurveysOpen(app, conv);
    const [forFirst, forSecond] = surveyMessages(conv);
    expect(forFirst!.text).toContain(first);
    expect(forSecond!.text).toContain(second);

    const c = customer(app, conv);
    const no = actionsOf(forFirst).find((a) => a.startsWith('survey:solved:no'))!;
    const reply = await c.say(`[${no}]`);
    expect(reply.map((m) => m.text).join('\n')).toContain(`reopened complaint ${first}`);
    expect(actionsOf(reply.at(-1))).toContain(`survey:score:1:${await surveyIdOf(app, first)}`);
    expect(await app.db.case.findUniqueOrThrow({ where: { reference: first }, include: { survey: true } })).toMatchObject({ status: 'reopened', survey: { solved: 'no' } });
    expect(await app.db.case.findUniqueOrThrow({ where: { reference: second }, include: { survey: true } })).toMatchObject({ status: 'resolved', survey: { status: 'sent', solved: null } });

    // The second survey's own button still answers the second survey.
    await c.say(`[${actionsOf(forSecond).find((a) => a.startsWith('survey:solved:yes'))!}]`);
    expect((await app.db.survey.findFirstOrThrow({ where: { case: { reference: second } } })).solved).toBe('yes');
    expect((await app.db.survey.findFirstOrThrow({ where: { case: { reference: first } } })).score).toBeNull();
  });

  it('with two surveys open, a typed comment goes to the survey whose comment question is open, not to a new complaint', async () => {
    const conv = 'survey-two-comment';
    const { first, second } = await twoSurveysOpen(app, conv);
    const [firstId, secondId] = [await surveyIdOf(app, first), await surveyIdOf(app, second)];
    const cases = await app.db.case.count();

    // The older survey answered by its buttons; its comment question is the one open.
    const c = customer(app, conv);
    await c.say(`[survey:solved:yes:${firstId}]`);
    expect(actionsOf((await c.say(`[survey:score:4:${firstId}]`)).at(-1))).toEqual([`survey:comment:skip:${firstId}`]);
    const saved = await c.say('The staff were kind but it took three weeks to get my money back');
    expect(saved.map((m) => m.text).join('\n')).toContain('comment has been passed on');
    expect((await app.db.survey.findUniqueOrThrow({ where: { id: firstId } })).comment).toContain('three weeks');
    expect(await app.db.survey.findUniqueOrThrow({ where: { id: secondId } })).toMatchObject({ status: 'sent', solved: null });
    expect(await app.db.case.count()).toBe(cases);

    // The newer survey's question is the one left: a typed answer goes there.
    expect(actionsOf((await c.say('yes')).at(-1))).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${secondId}`));
    expect((await app.db.survey.findUniqueOrThrow({ where: { id: secondId } })).solved).toBe('yes');
  });

  it('gives a typed survey answer to the survey asked after a staff question on another case; other text answers the staff question', async () => {
    const { surveyed, asked } = await surveyAfterStaffQuestion(app, 'survey-vs-inbox');
    const conv = 'survey-vs-inbox';
    const id = await surveyIdOf(app, surveyed);
    const c = customer(app, conv);

    // The survey's question is the newest: "yes it was solved" answers it, not the older staff question.
    expect(actionsOf((await c.say('yes it was solved')).at(-1))).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${id}`));
    expect((await app.db.survey.findUniqueOrThrow({ where: { id } })).solved).toBe('yes');
    expect((await app.db.case.findUniqueOrThrow({ where: { reference: asked } })).status).toBe('awaiting_customer');
    expect((await c.say('5')).at(-1)?.text).toMatch(/Anything you would like to add/);
    expect((await app.db.survey.findUniqueOrThrow({ where: { id } })).score).toBe(5);
    expect((await app.db.case.findUniqueOrThrow({ where: { reference: asked } })).status).toBe('awaiting_customer');

    // A staff question asked after the survey's is the newest: the next message answers it.
    await c.say(`[survey:comment:skip:${id}]`);
    expect((await staff(app, 'POST', `/cases/${asked}/information-requests`, { question: 'And how much was taken?' })).status).toBe(201);
    expect((await c.say('200 yuan')).at(-1)?.text).toMatch(/added this to your complaint/);
    expect((await app.db.case.findUniqueOrThrow({ where: { reference: asked } })).status).toBe('in_progress');
  });

  it('files text that reads as no survey answer on the case whose staff question waits, even when the survey asked last', async () => {
    const { surveyed, asked } = await surveyAfterStaffQuestion(app, 'survey-vs-inbox-text');
    const conv = 'survey-vs-inbox-text';
    const c = customer(app, conv);
    expect((await c.say('The branch on Nanjing Road near the metro')).at(-1)?.text).toMatch(/added this to your complaint/);
    expect((await app.db.case.findUniqueOrThrow({ where: { reference: asked } })).status).toBe('in_progress');
    expect(await app.db.survey.findFirstOrThrow({ where: { case: { reference: surveyed } } })).toMatchObject({ status: 'sent', solved: null });
  });

  it('an unhappy answer on a case already closed opens a linked review staff can work, and the alert points at it', async () => {
    const conv = 'survey-closed';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    expect((await staff(app, 'POST', `/cases/${reference}/transitions`, { to: 'closed', note: 'archived' })).status).toBe(200);
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
    const id = await surveyIdOf(app, reference);
    const c = customer(app, conv);

    const afterNo = (await c.say(`[survey:solved:no:${id}]`)).map((m) => m.text).join('\n');
    const review = await app.db.case.findFirstOrThrow({ where: { parentCaseId: kase.id } });
    expect(review).toMatchObject({ status: 'new', escalationLevel: 'back_office' });
    expect(afterNo).toContain(review.reference);
    expect(afterNo).toContain('12378');
    expect((await app.db.case.findUniqueOrThrow({ where: { id: kase.id } })).status).toBe('closed');

    // The alert is about the review, a case staff can work; nothing points at the archived case.
    expect(await app.db.staffNotification.count({ where: { caseId: kase.id, type: { in: ['survey_unhappy', 'survey_followup'] } } })).toBe(0);
    expect(await app.db.staffNotification.count({ where: { caseId: review.id, type: 'survey_unhappy' } })).toBe(1);
    expect((await staff(app, 'POST', `/cases/${review.reference}/replies`, { text: 'We are looking at your complaint again.' })).status).toBeLessThan(300);

    // The rest of the survey opens nothing more, and offers no second review.
    await c.say(`[survey:score:1:${id}]`);
    const end = await c.say('Nobody explained why the fee was charged');
    expect(end.some((m) => actionsOf(m).some((a) => a.startsWith('survey:review:')))).toBe(false);
    expect(await app.db.case.count({ where: { parentCaseId: kase.id } })).toBe(1);
  });

  it('while staff hold the conversation, a survey button answers its survey and only typed text goes to staff', async () => {
    const conv = 'survey-handoff';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const id = await surveyIdOf(app, reference);
    const c = customer(app, conv);
    expect((await c.say(`[survey:solved:no:${id}]`)).map((m) => m.text).join('\n')).toContain(`reopened complaint ${reference}`);
    expect((await staff(app, 'POST', `/cases/${reference}/handoff`, {})).status).toBe(200);
    const relayedBefore = (await timelineTypes(app, reference)).filter((t) => t === 'customer_message').length;

    // The score button pressed during the handoff is the survey's answer, and the comment question follows.
    expect(actionsOf((await c.say(`[survey:score:2:${id}]`)).at(-1))).toEqual([`survey:comment:skip:${id}`]);
    expect(await app.db.survey.findUniqueOrThrow({ where: { id } })).toMatchObject({ score: 2, status: 'answered' });

    // Typed text is the customer talking to staff: relayed, no bot reply, not a survey comment.
    expect(await c.say('Please call me back after 6 pm')).toEqual([]);
    expect((await app.db.survey.findUniqueOrThrow({ where: { id } })).comment).toBeNull();
    const d = await staff(app, 'GET', `/cases/${reference}`);
    expect(d.body.transcript.some((m: { direction: string; text: string }) => m.direction === 'in' && m.text.includes('after 6 pm'))).toBe(true);
    expect(d.body.transcript.some((m: { direction: string; text: string }) => m.direction === 'in' && m.text.includes('survey:score'))).toBe(false);
    expect((await timelineTypes(app, reference)).filter((t) => t === 'customer_message')).toHaveLength(relayedBefore + 1);

    // Skip closes the survey, still during the handoff.
    expect((await c.say(`[survey:comment:skip:${id}]`)).at(-1)?.text).toContain('Thank you for your feedback');
    expect((await app.db.survey.findUniqueOrThrow({ where: { id } })).comment).toBe('');
  });

  it('acknowledges a second press of an answered question quietly and changes nothing', async () => {
    const conv = 'survey-double';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const id = await surveyIdOf(app, reference);
    const c = customer(app, conv);
    await c.say(`[survey:solved:yes:${id}]`);
    const again = await c.say(`[survey:solved:no:${id}]`);
    expect(again.map((m) => m.text)).toEqual(['Already noted, thank you.']);
    await c.say(`[survey:score:5:${id}]`);
    expect((await c.say(`[survey:score:5:${id}]`)).map((m) => m.text)).toEqual(['Already noted, thank you.']);
    expect((await c.say('[survey:score:4]')).map((m) => m.text)).toEqual(['Already noted, thank you.']); // the value without the survey id too
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true } });
    expect(kase).toMatchObject({ status: 'resolved', survey: { solved: 'yes', score: 5, comment: null } });
    // The comment question is still open.
    expect((await c.say(`[survey:comment:skip:${id}]`)).at(-1)?.text).toContain('Thank you for your feedback');
  });

  it('takes typed answers to a survey that arrives during a new complaint, "stop" included, and then asks the complaint’s question again', async () => {
    const { reference, c, id } = await surveyDuringNewComplaint(app, 'survey-mid-intake');

    expect(actionsOf((await c.say(`[survey:solved:yes:${id}]`)).at(-1))).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${id}`));
    const afterScore = await c.say('5');
    expect(actionsOf(afterScore.at(-1))).toEqual([`survey:comment:skip:${id}`]);
    expect((await app.db.survey.findFirstOrThrow({ where: { id } })).score).toBe(5);

    const afterStop = (await c.say('stop')).map((m) => m.text).join('\n');
    expect(afterStop).toContain('not send you any more surveys');
    expect(afterStop).toMatch(/back to your new complaint:\s+Which product or service/);
    expect((await app.db.customer.findFirstOrThrow({ where: { cases: { some: { reference } } } })).surveyOptOut).toBe(true);
    // The new complaint carries on where it was.
    expect((await c.say('[business:deposit]')).at(-1)?.text).toContain('When did it happen');
  });

  it('drops a "Cancel this complaint?" left open when the survey takes the turn, so a later "yes" cancels nothing', async () => {
    const { c, id } = await surveyDuringNewComplaint(app, 'survey-over-cancel');
    expect((await c.say('cancel')).at(-1)?.text).toContain('Cancel this complaint?');
    await c.say(`[survey:solved:yes:${id}]`);
    await c.say(`[survey:score:5:${id}]`);
    await c.say(`[survey:comment:skip:${id}]`);
    expect((await c.say('yes')).map((m) => m.text).join('\n')).not.toMatch(/Cancelled/);
    expect((await c.say('[business:deposit]')).at(-1)?.text).toContain('When did it happen');
  });

  it('during a new complaint, takes a typed answer for a survey that came after the complaint’s last question', async () => {
    const { c, id } = await surveyDuringNewComplaint(app, 'survey-mid-intake-typed');

    expect(actionsOf((await c.say('yes')).at(-1))).toEqual([1, 2, 3, 4, 5].map((n) => `survey:score:${n}:${id}`));
    await c.say('4');
    const afterSkip = (await c.say(`[survey:comment:skip:${id}]`)).map((m) => m.text).join('\n');
    expect(afterSkip).toMatch(/Thank you for your feedback[\s\S]*back to your new complaint:\s+Which product or service/);
    expect(await app.db.survey.findFirstOrThrow({ where: { id } })).toMatchObject({ solved: 'yes', score: 4, comment: '' });
  });

  it('during a new complaint, leaves a typed answer to the complaint when the survey came before its question', async () => {
    const conv = 'survey-before-intake';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const c = customer(app, conv);
    await c.say('/start');
    expect((await c.say('The teller at the branch was rude to me and refused to help')).at(-1)?.text).toContain('Which product or service');
    expect((await c.say('no')).at(-1)?.text).toMatch(/choose one of the buttons[\s\S]*Which product or service/);
    expect((await c.say('3')).at(-1)?.text).toMatch(/choose one of the buttons[\s\S]*Which product or service/);
    expect(await app.db.survey.findFirstOrThrow({ where: { case: { reference } } })).toMatchObject({ status: 'sent', solved: null });
  });

  it('stops for good when the customer says "stop": no survey for the next resolved case either', async () => {
    const conv = 'survey-stop';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const c = customer(app, conv);
    expect((await c.say('stop')).at(-1)?.text).toContain('not send you any more surveys');
    const first = await app.db.case.findUniqueOrThrow({ where: { reference }, include: { survey: true, customer: true } });
    expect(first.customer.surveyOptOut).toBe(true);
    expect(first.survey?.status).toBe('skipped');
    expect(await timelineTypes(app, reference)).toContain('survey_opted_out');

    const second = await fileCase(app, conv);
    const sentBefore = surveyMessages(conv).length;
    await resolve(app, second);
    await new Promise((r) => setTimeout(r, 500));
    expect(surveyMessages(conv)).toHaveLength(sentBefore);
    const skipped = await app.db.caseEvent.findFirst({ where: { case: { reference: second }, type: 'survey_skipped' } });
    expect(JSON.parse(skipped!.data)).toEqual({ reason: 'opted_out' });
    expect(await app.db.survey.count({ where: { case: { reference: second } } })).toBe(0);
  });

  it('never surveys a case twice, nor an unreachable customer', async () => {
    const conv = 'survey-twice';
    const reference = await fileCase(app, conv);
    await resolve(app, reference);
    await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
    const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
    // Emitted again (a redelivered event, a second resolution after a reopen): still one survey.
    await app.events.emit({ type: 'case.resolved', caseId: kase.id, reference, at: new Date() });
    await new Promise((r) => setTimeout(r, 300));
    expect(surveyMessages(conv)).toHaveLength(1);
    expect(await app.db.survey.count({ where: { caseId: kase.id } })).toBe(1);

    // A chat marked unreachable (blocked bot, deleted conversation) gets no survey.
    const goneConv = 'survey-unreachable';
    const other = await fileCase(app, goneConv);
    await app.db.channelAccount.updateMany({ where: { cases: { some: { reference: other } } }, data: { reachable: false, unreachableReason: 'test' } });
    const before = connector.messages(goneConv).length;
    await resolve(app, other);
    await new Promise((r) => setTimeout(r, 500));
    expect(surveyMessages(goneConv)).toHaveLength(0);
    expect(connector.messages(goneConv).length - before).toBeLessThanOrEqual(1); // at most the decision itself
    const skipped = await app.db.caseEvent.findFirst({ where: { case: { reference: other }, type: 'survey_skipped' } });
    expect(JSON.parse(skipped!.data)).toEqual({ reason: 'unreachable' });
  });
});

describe('survey reminder and expiry (injected clock)', () => {
  it('reminds once after 24 h and expires after 7 days; a late button is politely refused', async () => {
    let now = new Date('2026-11-27T02:00:00Z');
    const app = await startDesk('clock', { SURVEY_LOW_SCORE_ACTION: 'followup' }, () => now);
    try {
      const conv = 'survey-clock';
      const reference = await fileCase(app, conv);
      await resolve(app, reference);
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 1, 30_000);

      now = new Date(now.getTime() + DAY - 60_000);
      await app.scheduler.runOnce();
      expect(surveyMessages(conv)).toHaveLength(1);
      now = new Date(now.getTime() + 120_000);
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 2);
      expect(surveyMessages(conv)[1]!.text).toMatch(/reminder/i);
      expect(actionsOf(surveyMessages(conv)[1])).toContain(`survey:solved:no:${await surveyIdOf(app, reference)}`);
      now = new Date(now.getTime() + 2 * DAY);
      await app.scheduler.runOnce();
      expect(surveyMessages(conv)).toHaveLength(2); // one reminder only

      now = new Date(now.getTime() + 5 * DAY);
      await app.scheduler.runOnce();
      const s = await app.db.survey.findFirstOrThrow({ where: { case: { reference } } });
      expect(s.status).toBe('expired');
      expect(s.reminderSentAt).not.toBeNull();
      expect(await timelineTypes(app, reference)).toEqual(expect.arrayContaining(['survey_sent', 'survey_reminded', 'survey_expired']));
      const late = await customer(app, conv).say('[survey:solved:no]');
      expect(late.at(-1)?.text).toContain('no longer open');
      expect((await app.db.case.findUniqueOrThrow({ where: { reference } })).status).toBe('resolved');
    } finally {
      await app.stop();
    }
  });

  it('holds a survey due at night until the bank opens for surveys (09:00 in its zone), and its reminder too', async () => {
    let now = new Date('2026-11-27T19:00:00Z'); // 03:00 on the 28th in Asia/Shanghai
    const app = await startDesk('night', { SURVEY_HOURS: '09:00-21:00' }, () => now);
    try {
      const conv = 'survey-night';
      const reference = await fileCase(app, conv);
      await resolve(app, reference);
      await app.scheduler.runOnce();
      now = new Date('2026-11-28T00:59:00Z'); // 08:59
      await app.scheduler.runOnce();
      expect(surveyMessages(conv)).toHaveLength(0);
      expect(await timelineTypes(app, reference)).not.toContain('survey_sent');

      now = new Date('2026-11-28T01:00:00Z'); // 09:00
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 1, 30_000);
      const reminder = await app.db.job.findFirstOrThrow({ where: { dedupeKey: `survey:remind:${await surveyIdOf(app, reference)}` } });
      expect(reminder.runAt.toISOString()).toBe('2026-11-29T01:00:00.000Z');
    } finally {
      await app.stop();
    }
  });

  it('withdraws an unanswered survey when staff reopen the case: no reminder, an old button is refused, and the next decision is surveyed', async () => {
    let now = new Date('2026-11-27T02:00:00Z');
    const app = await startDesk('reopened', {}, () => now);
    try {
      const conv = 'survey-staff-reopened';
      const reference = await fileCase(app, conv);
      await resolve(app, reference);
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 1, 30_000);
      const id = await surveyIdOf(app, reference);
      // The customer calls the hotline instead: staff reopen the case.
      expect((await staff(app, 'POST', `/cases/${reference}/transitions`, { to: 'reopened', note: 'Customer called: the fee was charged again.' })).status).toBe(200);

      now = new Date(now.getTime() + DAY + 60_000);
      await app.scheduler.runOnce();
      expect(surveyMessages(conv)).toHaveLength(1); // no reminder about a decision that no longer stands
      const late = await customer(app, conv).say(`[survey:solved:no:${id}]`);
      expect(late.at(-1)?.text).toContain('no longer open');
      const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
      expect(kase).toMatchObject({ status: 'reopened', reopenCount: 1 });
      expect(await app.db.staffNotification.count({ where: { caseId: kase.id, type: { in: ['survey_unhappy', 'survey_followup'] } } })).toBe(0);

      // The new decision is what the survey asks about now.
      await resolve(app, reference);
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 2, 30_000);
      expect(actionsOf(surveyMessages(conv)[1])).toContain(`survey:solved:yes:${id}`);
      const c = customer(app, conv);
      await c.say(`[survey:solved:yes:${id}]`);
      await c.say('5');
      expect(await app.db.survey.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'answered', solved: 'yes', score: 5 });
      expect((await timelineTypes(app, reference)).filter((t) => t === 'survey_withdrawn')).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('takes a comment only soon after the score: a fraud report starts a new complaint with freeze guidance, so does a message hours later', async () => {
    let now = new Date('2026-11-27T02:00:00Z');
    const app = await startDesk('comment', {}, () => now);
    try {
      const conv = 'survey-comment-window';
      const reference = await fileCase(app, conv);
      await resolve(app, reference);
      await app.scheduler.runOnce();
      await connector.waitFor(() => surveyMessages(conv).length === 1, 30_000);
      const c = customer(app, conv);
      await c.say('[survey:solved:yes]');
      expect(actionsOf((await c.say('[survey:score:5]')).at(-1))).toEqual([`survey:comment:skip:${await surveyIdOf(app, reference)}`]);
      const comment = async () => (await app.db.survey.findFirstOrThrow({ where: { case: { reference } } })).comment;

      // Minutes later, while the comment question is still open: a fraud report is not a comment.
      now = new Date(now.getTime() + 5 * 60_000);
      const fraud = (await c.say('Someone stole my debit card and withdrew 5000 yuan from my account today')).map((m) => m.text).join('\n');
      expect(fraud).not.toMatch(/comment has been passed on/);
      expect(fraud).toMatch(/Freeze your card/);
      expect(await comment()).toBeNull();
      await c.say('cancel');
      await c.say('[yes]');
      // So is a message that says it is a new complaint.
      const explicit = (await c.say('I want to complain about the queue at the Xidan branch')).map((m) => m.text).join('\n');
      expect(explicit).not.toMatch(/comment has been passed on/);
      expect(await comment()).toBeNull();
      await c.say('cancel');
      await c.say('[yes]');

      // Hours later the comment question is over: a new complaint is taken down, not filed as a comment.
      now = new Date(now.getTime() + 3 * 3_600_000);
      const later = (await c.say('The ATM at the station swallowed my debit card this morning')).map((m) => m.text).join('\n');
      expect(later).not.toMatch(/comment has been passed on/);
      expect(await comment()).toBeNull();
      expect(await app.db.caseEvent.count({ where: { case: { reference }, type: { in: ['survey_comment', 'survey_comment_skipped'] } } })).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('with SURVEY_LOW_SCORE_ACTION=followup a low score creates a supervisor follow-up instead of reopening, and a review is offered', async () => {
    const app = await startDesk('followup', { SURVEY_LOW_SCORE_ACTION: 'followup' });
    try {
      const conv = 'survey-followup';
      const reference = await fileCase(app, conv);
      await resolve(app, reference);
      await connector.waitFor(() => surveyMessages(conv).length > 0, 30_000);
      const c = customer(app, conv);
      await c.say('partly');
      const reply = await c.say('2');
      expect(reply.map((m) => m.text).join('\n')).toContain('A supervisor will follow up');
      const kase = await app.db.case.findUniqueOrThrow({ where: { reference } });
      expect(kase.status).toBe('resolved');
      expect(await app.db.staffNotification.count({ where: { caseId: kase.id, type: 'survey_followup' } })).toBe(1);
      expect(await timelineTypes(app, reference)).toContain('survey_followup_requested');

      // The decision stands, so after the comment a review (核查) is offered with one tap.
      const afterComment = await c.say('I was still charged the fee again this month');
      const offer = afterComment.at(-1)!;
      expect(offer.text).toContain('12378');
      expect(actionsOf(offer)).toEqual([`survey:review:${reference}`]);
      const afterReview = await c.say(`[survey:review:${reference}]`);
      const reviewRef = afterReview.map((m) => m.text).join('\n').match(/C-\d{8}-\d{4}/)?.[0];
      expect(reviewRef).toBeDefined();
      expect(reviewRef).not.toBe(reference);
      expect(afterReview.at(-1)?.text).toContain('12378');
      const review = await app.db.case.findUniqueOrThrow({ where: { reference: reviewRef! }, include: { parentCase: true } });
      expect(review.parentCase?.reference).toBe(reference);
      expect(review.escalationLevel).toBe('back_office');
      const days = (review.regulatoryDueAt.getTime() - review.receivedAt.getTime()) / DAY;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(31);
      // A second tap finds the same review.
      const again = await c.say(`[survey:review:${reference}]`);
      expect(again.at(-1)?.text).toContain(reviewRef);
      expect(await app.db.case.count({ where: { parentCaseId: kase.id } })).toBe(1);
    } finally {
      await app.stop();
    }
  });
});
