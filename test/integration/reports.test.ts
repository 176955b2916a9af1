import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createSession, createStaffUser } from '../../src/cases/staff/accounts.js';
import { SESSION_COOKIE } from '../../src/cases/staff/session.js';
import { BUSINESSES, CAUSES, CHANNELS, SEVERITIES } from '../../src/cases/taxonomy.js';
import { htmlToText } from 'html-to-text';
import { testDatabaseUrl } from '../support/db.js';

const TOKEN = 'test-staff-token-reports-0123456789';
const NOW = new Date('2026-12-10T04:00:00Z');
const H = 3_600_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
let app: RunningApp;

interface Seed {
  reference: string;
  receivedAt: Date;
  severity: string;
  business: string;
  cause: string;
  channel: string;
  intakeChannel: string;
  customer: number;
  incomplete: boolean;
  firstResponseDueAt: Date;
  firstResponseAt: Date | null;
  regulatoryDueAt: Date;
  resolvedAt: Date | null;
  rootCause: string | null;
  survey: { sentAt: Date; solved: string | null; score: number | null } | null;
}

/** A deterministic data set: 150 cases, 10 of them outside November (bank zone Asia/Shanghai). */
function makeSeeds(): Seed[] {
  let x = 42;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const seeds: Seed[] = [];
  for (let i = 0; i < 150; i++) {
    const outside = i >= 140;
    const receivedAt = outside
      ? new Date(i % 2 ? '2026-10-20T03:00:00Z' : '2026-12-05T03:00:00Z')
      : new Date(Date.parse('2026-11-01T02:00:00Z') + Math.floor(rnd() * 27 * 24) * H);
    const severity = pick(SEVERITIES);
    const firstResponseDueAt = new Date(receivedAt.getTime() + (severity === 'P1' ? 1 : severity === 'P2' ? 4 : 24) * H);
    const answered = rnd() < 0.8;
    const firstResponseAt = answered ? new Date(receivedAt.getTime() + Math.floor(rnd() * 40 * 60) * 60_000 + 60_000) : null;
    const regulatoryDueAt = new Date(receivedAt.getTime() + 15 * 24 * H);
    const decided = rnd() < 0.6;
    const resolvedAt = decided ? new Date(receivedAt.getTime() + Math.floor(rnd() * 20 * 24) * H + H) : null;
    const surveyed = decided && rnd() < 0.7;
    const solved = surveyed && rnd() < 0.85 ? pick(['yes', 'yes', 'partly', 'no'] as const) : null;
    const score = solved && rnd() < 0.9 ? 1 + Math.floor(rnd() * 5) : null;
    seeds.push({
      reference: `C-202611${String(1 + (i % 28)).padStart(2, '0')}-${String(1000 + i)}`,
      receivedAt,
      severity,
      business: pick(BUSINESSES.slice(0, 6)),
      cause: pick(CAUSES.slice(0, 7)),
      channel: pick(CHANNELS),
      intakeChannel: pick(['telegram', 'webchat', 'msteams', 'emulator']),
      customer: Math.floor(rnd() * 110),
      incomplete: rnd() < 0.05,
      firstResponseDueAt,
      firstResponseAt,
      regulatoryDueAt,
      resolvedAt,
      rootCause: decided ? pick(['fee not disclosed', 'system outage', 'staff error', 'card skimming']) : null,
      survey: surveyed ? { sentAt: new Date(resolvedAt!.getTime() + H), solved, score } : null,
    });
  }
  return seeds;
}
const seeds = makeSeeds();

beforeAll(async () => {
  const { url } = await testDatabaseUrl('reports-');
  app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', STAFF_API_TOKEN: TOKEN, BANK_TIMEZONE: 'Asia/Shanghai' }),
    { clock: () => NOW, schedulerPollMs: 0 },
  );
  const customers = [...new Set(seeds.map((s) => s.customer))];
  const ids = new Map<number, string>();
  for (const c of customers) ids.set(c, (await app.db.customer.create({ data: { language: 'en' } })).id);
  for (const s of seeds) {
    const created = await app.db.case.create({
      data: {
        reference: s.reference,
        receivedAt: s.receivedAt,
        createdAt: s.receivedAt,
        customerId: ids.get(s.customer)!,
        intakeChannel: s.intakeChannel,
        language: 'en',
        status: s.resolvedAt ? 'resolved' : 'in_progress',
        severity: s.severity,
        business: s.business,
        cause: s.cause,
        channel: s.channel,
        description: 'seeded',
        incomplete: s.incomplete,
        firstResponseDueAt: s.firstResponseDueAt,
        firstResponseAt: s.firstResponseAt,
        regulatoryProfile: 'cn',
        regulatoryDueAt: s.regulatoryDueAt,
        nextDueAt: s.regulatoryDueAt,
        resolvedAt: s.resolvedAt,
        resolution: s.resolvedAt ? 'decided' : null,
        rootCause: s.rootCause,
      },
    });
    if (s.survey) {
      await app.db.survey.create({
        data: { caseId: created.id, status: s.survey.score ? 'answered' : 'sent', sentAt: s.survey.sentAt, solved: s.survey.solved, score: s.survey.score },
      });
    }
  }
});
afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = async (p: string, token: string | null = TOKEN) => {
  const res = await fetch(`${app.url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), location: res.headers.get('location') };
};

// The right answers, computed here from the seed list without the app's code.
const FROM = Date.parse('2026-10-31T16:00:00Z'); // 2026-11-01 00:00 in Shanghai
const TO = Date.parse('2026-11-30T16:00:00Z') - 1; // end of 2026-11-30 in Shanghai
const inNov = seeds.filter((s) => s.receivedAt.getTime() >= FROM && s.receivedAt.getTime() <= TO);
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);
const countBy = (key: keyof Seed) => inNov.reduce<Record<string, number>>((acc, s) => ((acc[String(s[key])] = (acc[String(s[key])] ?? 0) + 1), acc), {});
const median = (xs: number[]) => {
  const a = [...xs].sort((p, q) => p - q);
  if (!a.length) return null;
  const m = Math.floor((a.length - 1) / 2);
  return a.length % 2 ? a[m]! : (a[m]! + a[m + 1]!) / 2;
};

describe('GET /api/staff/reports/summary', () => {
  it('counts a seeded November exactly as computed independently', async () => {
    const res = await get('/api/staff/reports/summary?from=2026-11-01&to=2026-11-30');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(inNov).toHaveLength(140);
    expect(body.total).toBe(140);
    expect(body.incomplete).toBe(inNov.filter((s) => s.incomplete).length);
    for (const [dim, keys] of [['severity', SEVERITIES], ['business', BUSINESSES], ['cause', CAUSES], ['channel', CHANNELS]] as const) {
      const expected = Object.fromEntries(keys.map((k) => [k, countBy(dim)[k] ?? 0]));
      expect(body.counts[dim]).toEqual(expected);
    }
    expect(body.counts.intakeChannel).toEqual(countBy('intakeChannel'));

    const frEval = inNov.filter((s) => s.firstResponseAt || s.firstResponseDueAt < NOW);
    const frMet = inNov.filter((s) => s.firstResponseAt && s.firstResponseAt <= s.firstResponseDueAt);
    const regEval = inNov.filter((s) => s.resolvedAt || s.regulatoryDueAt < NOW);
    const regMet = inNov.filter((s) => s.resolvedAt && s.resolvedAt <= s.regulatoryDueAt);
    expect(body.sla).toMatchObject({
      firstResponseMetPct: pct(frMet.length, frEval.length),
      regulatoryMetPct: pct(regMet.length, regEval.length),
      firstResponseMet: frMet.length,
      firstResponseEvaluated: frEval.length,
    });
    expect(frMet.length).toBeGreaterThan(0);
    expect(frMet.length).toBeLessThan(frEval.length);
    const medFirst = median(inNov.filter((s) => s.firstResponseAt).map((s) => (s.firstResponseAt!.getTime() - s.receivedAt.getTime()) / H))!;
    const medDecision = median(inNov.filter((s) => s.resolvedAt).map((s) => (s.resolvedAt!.getTime() - s.receivedAt.getTime()) / H))!;
    expect(body.sla.medianHoursToFirstResponse).toBeCloseTo(medFirst, 1);
    expect(body.sla.medianHoursToDecision).toBeCloseTo(medDecision, 1);

    // CSAT: the surveys sent in the range (whatever month their case came in).
    const sent = seeds.filter((s) => s.survey && s.survey.sentAt.getTime() >= FROM && s.survey.sentAt.getTime() <= TO).map((s) => s.survey!);
    const scored = sent.filter((s) => s.score !== null);
    const withSolved = sent.filter((s) => s.solved !== null);
    expect(withSolved.length).toBeGreaterThan(scored.length);
    expect(body.csat).toMatchObject({
      sent: sent.length,
      responses: withSolved.length,
      scored: scored.length,
      average: Math.round((scored.reduce((a, s) => a + s.score!, 0) / scored.length) * 100) / 100,
      solvedRate: pct(withSolved.filter((s) => s.solved === 'yes').length, withSolved.length),
      responseRate: pct(withSolved.length, sent.length),
    });
    for (const n of [1, 2, 3, 4, 5]) expect(body.csat.distribution[String(n)]).toBe(scored.filter((s) => s.score === n).length);
  });

  it('answers 400 with a reason for bad dates and backwards ranges, 401 without credentials', async () => {
    for (const q of ['from=yesterday', 'to=2026-13-45', 'from=2026-11-30&to=2026-11-01', 'from=2020-01-01&to=2026-11-01', 'from=9999-12-30&to=9999-12-31', 'from=0001-01-01&to=0001-01-02']) {
      const res = await get(`/api/staff/reports/summary?${q}`);
      expect(res.status, q).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'bad_request' });
    }
    expect((await get('/api/staff/reports/summary', null)).status).toBe(401);
    expect((await get('/api/staff/reports/summary', 'wrong-token-0123456789')).status).toBe(401);
  });
});

describe('/staff/reports', () => {
  it('sends a visitor without credentials to the console login', async () => {
    const res = await get('/staff/reports?from=2026-11-01', null);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff/login?next=%2Fstaff%2Freports%3Ffrom%3D2026-11-01');
  });

  it('sends a browser with an expired or unknown session cookie to the login page, and serves a live session', async () => {
    const user = await createStaffUser(app.db, { email: 'reports.reader@bank.test', displayName: 'Rita Ports', role: 'agent', password: 'reports-password-1' }, NOW);
    if (!user.ok) throw new Error(user.error.message);
    const withCookie = (sid: string) => fetch(`${app.url}/staff/reports?from=2026-11-01`, { headers: { cookie: `${SESSION_COOKIE}=${sid}` }, redirect: 'manual' });
    const expired = await createSession(app.db, user.value.id, new Date(NOW.getTime() - 13 * H));
    for (const sid of [expired.sessionId, 'no-such-session']) {
      const res = await withCookie(sid);
      expect(res.status, sid).toBe(303);
      expect(res.headers.get('location')).toBe('/staff/login?next=%2Fstaff%2Freports%3Ffrom%3D2026-11-01');
    }
    const live = await createSession(app.db, user.value.id, NOW);
    const page = await withCookie(live.sessionId);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // API clients keep their JSON 401.
    expect((await get('/staff/reports?from=2026-11-01', 'wrong-token-0123456789')).status).toBe(401);
  });

  it('exports every table as CSV; the monthly JR/T 0169 table adds up to the month total', async () => {
    const page = await get('/staff/reports?from=2026-11-01&to=2026-11-30&lang=en');
    expect(page.status).toBe(200);
    const ids = [...page.text.matchAll(/data-table="([a-z_]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(expect.arrayContaining(['over_time_severity', 'by_business', 'sla', 'csat', 'root_causes', 'repeat_complainants', 'monthly_en', 'monthly_cross_en']));
    for (const id of ids) {
      const csv = await get(`/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&lang=en&table=${id}`);
      expect(csv.status, id).toBe(200);
      expect(csv.type).toContain('text/csv');
    }
    const monthly = await get('/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&lang=zh&table=monthly_zh');
    const lines = monthly.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(['维度', '代码', '类别', '件数', '占比%']);
    const channelRows = lines.filter((l) => l[0] === '投诉渠道' && l[1] !== '');
    expect(channelRows.reduce((a, l) => a + Number(l[3]), 0)).toBe(140);
    expect(lines.find((l) => l[0] === '业务办理' && l[1] === 'credit_card')?.[3]).toBe(String(countBy('business').credit_card ?? 0));
    const repeat = await get('/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&table=repeat_complainants');
    const perCustomer = inNov.reduce<Record<number, number>>((a, s) => ((a[s.customer] = (a[s.customer] ?? 0) + 1), a), {});
    const expectedRepeat = Object.values(perCustomer).filter((n) => n > 1).sort((a, b) => b - a).slice(0, 20);
    const got = repeat.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(got).toEqual(expectedRepeat);
    expect((await get('/staff/reports/export.csv?table=nope')).status).toBe(404);
  });

  it('links the CSV files and the other language to the range and month the page counted', async () => {
    // A date-time range (not whole days) and a chosen month: the links must not widen or drop them.
    const page = await get('/staff/reports?from=2026-11-10T00:00:00Z&to=2026-11-20T00:00:00Z&month=2026-10&lang=en');
    expect(page.status).toBe(200);
    const hrefs = [...page.text.matchAll(/href="([^"]*export\.csv[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const businessHref = hrefs.find((h) => h.includes('table=by_business'))!;
    const csv = await get(businessHref);
    const counted = inNov.filter((s) => s.receivedAt.getTime() >= Date.parse('2026-11-10T00:00:00Z') && s.receivedAt.getTime() <= Date.parse('2026-11-20T00:00:00Z'));
    const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(rows.reduce((a, r) => a + Number(r[2]), 0)).toBe(counted.length);
    const monthly = await get(hrefs.find((h) => h.includes('table=monthly_en'))!);
    const october = seeds.filter((s) => s.receivedAt.toISOString().startsWith('2026-10')).length;
    expect(october).toBeGreaterThan(0);
    expect(monthly.text).toContain(`Channel,,Total,${october},100`);
    const other = /<h2 id="monthly">[^<]*<a href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    expect(Object.fromEntries(new URLSearchParams(other.split('?')[1]!.split('#')[0]))).toEqual({ from: '2026-11-10T00:00:00.000Z', to: '2026-11-20T00:00:00.000Z', month: '2026-10', lang: 'zh' });
  });

  it('shows the whole page in the language asked for: headings, KPI labels, charts, table headers, the date form', async () => {
    // The texts a reader reads (not the data in the cells: taxonomy codes, customer ids, root
    // causes as staff typed them).
    const texts = (html: string) =>
      htmlToText(html, {
        wordwrap: false,
        baseElements: { selectors: ['title', 'header', 'h1', 'h2', 'h3', 'label', 'button', '.kpi', 'figure', 'th'], returnDomByDefault: false },
        selectors: [{ selector: 'a', options: { ignoreHref: true } }, ...['h1', 'h2', 'h3'].map((selector) => ({ selector, options: { uppercase: false } }))],
      });
    const zh = await get('/staff/reports?from=2026-11-01&to=2026-11-30&lang=zh');
    const en = await get('/staff/reports?from=2026-11-01&to=2026-11-30&lang=en');
    const zhText = texts(zh.text);
    const enText = texts(en.text);
    const sent = seeds.filter((s) => s.survey && s.survey.sentAt.getTime() >= FROM && s.survey.sentAt.getTime() <= TO).length;
    for (const label of ['投诉统计报表', '起始日期', '投诉量', '核查申请', '首次响应按时率', '按时办结率', '超时办结', '逾期未办结', `共发出 ${sent} 份`, '投诉量趋势', '按业务类别', '办理时限', '满意度', '指标']) {
      expect(zhText, label).toContain(label);
    }
    for (const label of ['Complaint reports', 'From', 'Complaints', 'Reviews requested', 'First response met', 'Regulatory deadline met', 'Decided late', 'Open past deadline', `of ${sent} sent`, 'Complaints over time', 'By business', 'Deadlines', 'Satisfaction', 'Measure']) {
      expect(enText, label).toContain(label);
    }
    // Nothing left in the other language: no English word on the Chinese page but the CSV links,
    // the standard's name and the link to English; no Chinese on the English one but the link to 中文.
    expect([...new Set(zhText.match(/[A-Za-z]{2,}/g))].sort()).toEqual(['CSV', 'English', 'JR']);
    expect([...new Set(enText.match(/[\u3400-\u9fff]+/g))]).toEqual(['中文']);
    // Both switches to the other language keep the range.
    const switches = [...zh.text.matchAll(/<a[^>]* href="([^"]*lang=en[^"]*)"/g)].map((m) => m[1]!);
    expect(switches).toHaveLength(2);
    for (const href of switches) expect(href).toContain('from=2026-10-31T16');
    // The measures naming the rows, too; the CSV keeps its English ids and measures for scripts.
    expect(zh.text).toMatch(/<table data-table="sla">.*<td>首次响应（服务目标）<\/td>/);
    expect(en.text).toMatch(/<table data-table="sla">.*<td>first response \(service target\)<\/td>/);
    const sla = await get('/staff/reports/export.csv?from=2026-11-01&to=2026-11-30&lang=zh&table=sla');
    expect(sla.text.replace(/^\uFEFF/, '').split('\r\n').slice(0, 2).map((l) => l.split(',')[0])).toEqual(['measure', 'first response (service target)']);

    const empty = await get('/staff/reports?from=2020-01-01&to=2020-01-31&lang=zh');
    expect(empty.text).toContain('所选期间没有数据。');
    expect(empty.text).not.toContain('No data');
    expect((await get('/staff/reports?from=2020-01-01&to=2020-01-31&lang=en')).text).toContain('No data in this range.');
  });

  it('answers 400 with the reason for a monthly summary month outside 2000–2099, on the page and its CSV', async () => {
    for (const p of ['/staff/reports?month=0000-01', '/staff/reports?month=9999-12', '/staff/reports/export.csv?table=monthly_en&lang=en&month=1999-12']) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      expect(res.text, p).toContain('month: must be YYYY-MM');
    }
    expect((await get('/staff/reports/export.csv?table=monthly_en&lang=en&month=2026-11')).status).toBe(200);
  });
});
