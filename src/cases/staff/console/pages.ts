import { clockState, formatStaffTime, type TStaffRole } from '../../clocks/index.js';
import { OPEN_STATUSES } from '../../case-action.js';
import { TARGET_STATUSES } from '../../case-lifecycle.js';
import {
  BUSINESSES,
  BUSINESS_LABELS,
  CASE_STATUSES,
  CAUSES,
  CAUSE_LABELS,
  CHANNELS,
  CHANNEL_LABELS,
  ESCALATION_LEVELS,
  SEVERITIES,
  SEVERITY_LABELS,
} from '../../taxonomy.js';
import { html, markChinese, markLanguage, raw, type Html } from './html.js';
import { UNREAD_COUNT_CAP } from '../notifications.js';

/** Page templates of the staff console: plain functions from data to escaped HTML. */

export interface Viewer {
  userId: string;
  displayName: string;
  role: TStaffRole;
  csrf: string;
}

export interface StaffOption {
  id: string;
  displayName: string;
  role: string;
  active: boolean;
}

const STATUS_LABELS: Record<string, string> = {
  new: 'New 新',
  acknowledged: 'Acknowledged 已受理',
  in_progress: 'In progress 处理中',
  awaiting_customer: 'Awaiting customer 待客户补充',
  resolved: 'Resolved 已解决',
  reopened: 'Reopened 重新打开',
  closed: 'Closed 已归档',
};
const ESCALATION_LABELS: Record<string, string> = { frontline: 'Frontline 一线', back_office: 'Back office 后台', leadership: 'Leadership 领导' };

const fmt = (d: Date | string | null | undefined, timeZone: string) => (d ? formatStaffTime(new Date(d), timeZone) : '—');

/**
 * A console page. `timeZone`, on a page showing times, names the bank's zone once at the top: the
 * times are shown in it without repeating the zone on each. The first thing a Tab reaches is a link
 * past the header to the page's content, shown only while focused, so keyboard users do not tab
 * through the whole header on every page; `<main>` takes the focus (`tabindex="-1"`) so the next
 * Tab goes on from there.
 */
export function layout(opts: { title: string; viewer?: Viewer; unread?: number; flash?: { kind: 'ok' | 'error'; text: string } | null; timeZone?: string; body: Html }): Html {
  const v = opts.viewer;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${opts.title} · Complaint Desk staff</title><link rel="stylesheet" href="/staff/assets/console.css"></head>
<body>
<header><a class="skip-link" href="#main">Skip to content ${markChinese('跳到正文')}</a>
<a href="/staff"><strong>Complaint Desk</strong> · staff ${markChinese('投诉处理')}</a><span class="grow"></span>
${v
  ? html`<nav aria-label="Console 控制台"><a href="/staff">${markChinese('Queue 队列')}</a>
<a href="/staff/notifications">${markChinese('Alerts 提醒')}${opts.unread ? html` <span class="badge lvl-breached" data-testid="unread">${opts.unread >= UNREAD_COUNT_CAP ? `${UNREAD_COUNT_CAP - 1}+` : opts.unread}</span>` : ''}</a>
<a href="/staff/reports">${markChinese('Reports 报表')}</a>
<a href="/staff/account">Tokens</a>${v.role === 'admin' ? html` <a href="/staff/users">${markChinese('Users 用户')}</a>` : ''}</nav>
<span>${v.displayName} (${v.role})</span>
<form method="post" action="/staff/logout"><input type="hidden" name="_csrf" value="${v.csrf}"><button type="submit">Log out</button></form>`
  : ''}
</header>
<main id="main" tabindex="-1">
${opts.flash ? html`<div class="flash ${opts.flash.kind}" role="status">${markChinese(opts.flash.text)}</div>` : ''}
${opts.timeZone ? html`<p class="muted zone" data-testid="time-zone">Times in ${opts.timeZone} · <span lang="zh-Hans">时间均为 ${opts.timeZone} 时区</span></p>` : ''}
${opts.body}
</main>
<script src="/staff/assets/console.js"></script>
</body></html>`;
}

export function loginPage(opts: { csrf: string; error?: string; email?: string; next?: string }): Html {
  return layout({
    title: 'Log in',
    body: html`<div class="card login"><h1>${markChinese('Staff login 员工登录')}</h1>
${opts.error ? html`<div class="flash error" role="alert">${markChinese(opts.error)}</div>` : ''}
<form method="post" action="/staff/login">
<input type="hidden" name="_csrf" value="${opts.csrf}">
<input type="hidden" name="next" value="${opts.next ?? '/staff'}">
<label>${markChinese('Email 邮箱')}<input type="email" name="email" autocomplete="username" required value="${opts.email ?? ''}"></label>
<label>${markChinese('Password 密码')}<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">${markChinese('Log in 登录')}</button>
</form></div>`,
  });
}

/** The two clocks of a case, named so that the bank's own target is not taken for the regulator's. */
const CLOCK_LABELS = { response: 'Bank target 服务目标', regulatory: 'Regulator deadline 监管时限' } as const;

/**
 * What is left before a deadline (`ms` from now; negative once passed), as the page script
 * writes it, so the page says the same before the script runs or without it.
 */
function timeLeft(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const s = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m % 60}m` : `${m % 60}m`;
  return ms < 0 ? `overdue ${s}` : `${s} left`;
}

/**
 * A countdown badge; the script keeps the time left current. The due time (in the bank's zone,
 * which the page names once) is text, not a tooltip: keyboard and screen-reader users never see
 * a `title`. `done` means the clock has stopped.
 */
export function clockBadge(clock: keyof typeof CLOCK_LABELS, startAt: Date, dueAt: Date, now: Date, timeZone: string, done?: Date | null): Html {
  const label = CLOCK_LABELS[clock];
  if (done) return html`<span class="badge clock lvl-done">${markChinese(label)}: met <time datetime="${done.toISOString()}">${fmt(done, timeZone)}</time></span>`;
  const s = clockState({ startAt, dueAt, now });
  return html`<span class="badge clock lvl-${s.level}" data-due="${dueAt.toISOString()}" data-start="${startAt.toISOString()}">${markChinese(label)}: due <time datetime="${dueAt.toISOString()}">${fmt(dueAt, timeZone)}</time> · <span class="left">${timeLeft(dueAt.getTime() - now.getTime())}</span></span>`;
}

function options(values: readonly string[], selected: readonly string[] | undefined, label: (v: string) => string = (v) => v): Html {
  return html`${values.map((v) => html`<option value="${v}"${selected?.includes(v) ? raw(' selected') : ''}>${label(v)}</option>`)}`;
}

export interface QueueRow {
  reference: string;
  status: string;
  severity: string;
  business: string;
  cause: string;
  channel: string;
  intakeChannel: string;
  flags: string[];
  amount: number | null;
  currency: string | null;
  escalationLevel: string;
  humanRequested: boolean;
  assigneeId: string | null;
  receivedAt: Date;
  firstResponseDueAt: Date;
  firstResponseAt: Date | null;
  regulatoryDueAt: Date;
  resolvedAt: Date | null;
}

export function queuePage(opts: {
  viewer: Viewer;
  unread: number;
  flash: { kind: 'ok' | 'error'; text: string } | null;
  filter: Record<string, string | undefined>;
  rows: QueueRow[];
  total: number;
  /** False when the count stopped at a cap: `total` is then a lower bound. */
  totalExact: boolean;
  page: number;
  pageSize: number;
  staff: StaffOption[];
  now: Date;
  timeZone: string;
  query: (page: number) => string;
}): Html {
  const f = opts.filter;
  const sel = (k: string) => (f[k] ? f[k]!.split(',') : undefined);
  // The statuses shown, ticked: the open ones when none is asked for, every one for `all`.
  const statuses = f.status === 'all' ? CASE_STATUSES : (sel('status') ?? [...OPEN_STATUSES]);
  const names = new Map(opts.staff.map((s) => [s.id, s.displayName]));
  const pages = Math.max(1, Math.ceil(opts.total / opts.pageSize));
  // A page past the last one (a link kept from a longer queue) is shown, empty, saying so, rather
  // than sent elsewhere, as the API answers it: its count is then exact (the count goes at least
  // to the page asked for), so the last page is known.
  const pastEnd = opts.page > pages && opts.totalExact;
  return layout({
    title: 'Queue',
    viewer: opts.viewer,
    unread: opts.unread,
    flash: opts.flash,
    timeZone: opts.timeZone,
    body: html`<h1>${markChinese('Queue 投诉队列')}</h1>
<form class="filters card" method="get" action="/staff" data-testid="filters">
<fieldset class="statuses"><legend>${markChinese('Status 状态')} <small class="muted">${markChinese('(none ticked: open 未结)')}</small></legend>${CASE_STATUSES.map(
  (v) => html`<label><input type="checkbox" name="status" value="${v}"${statuses.includes(v) ? raw(' checked') : ''}> ${markChinese(STATUS_LABELS[v] ?? v)}</label>`,
)}</fieldset>
<label>${markChinese('Severity 严重度')}<select name="severity"><option value="">any</option>${options(SEVERITIES, sel('severity'), (v) => `${v} ${SEVERITY_LABELS[v as 'P1'].en}`)}</select></label>
<label>${markChinese('Business 业务')}<select name="business"><option value="">any</option>${options(BUSINESSES, sel('business'), (v) => BUSINESS_LABELS[v as 'other'].en)}</select></label>
<label>${markChinese('Cause 原因')}<select name="cause"><option value="">any</option>${options(CAUSES, sel('cause'), (v) => CAUSE_LABELS[v as 'other'].en)}</select></label>
<label>${markChinese('Channel 渠道')}<select name="channel"><option value="">any</option>${options(CHANNELS, sel('channel'), (v) => CHANNEL_LABELS[v as 'other'].en)}</select></label>
<label>${markChinese('Escalation 升级')}<select name="escalationLevel"><option value="">any</option>${options(ESCALATION_LEVELS, sel('escalationLevel'), (v) => ESCALATION_LABELS[v] ?? v)}</select></label>
<label>${markChinese('Intake channel 来源')}<input type="text" name="intakeChannel" size="10" value="${f.intakeChannel ?? ''}" placeholder="telegram…"></label>
<label>${markChinese('Assignee 处理人')}<select name="assignee"><option value="">anyone</option><option value="me"${f.assignee === 'me' ? raw(' selected') : ''}>me 我</option><option value="none"${f.assignee === 'none' ? raw(' selected') : ''}>unassigned 未分配</option>${opts.staff.filter((s) => s.active).map((s) => html`<option value="${s.id}"${f.assignee === s.id ? raw(' selected') : ''}>${s.displayName}</option>`)}</select></label>
<label>${markChinese('Reference 编号')}<input type="text" name="q" size="14" value="${f.q ?? ''}"></label>
<label><span><input type="checkbox" name="overdue" value="true"${f.overdue === 'true' ? raw(' checked') : ''}> ${markChinese('overdue 已超时')}</span></label>
<button type="submit">${markChinese('Filter 筛选')}</button> <a href="/staff">reset</a>
</form>
<p class="muted" data-testid="total">${opts.total}${opts.totalExact ? '' : '+'} case(s)</p>
<table data-testid="queue"><caption class="visually-hidden">${markChinese('Cases, most urgent first 投诉案件，最紧急的在前')}</caption><thead><tr><th scope="col">Reference</th><th scope="col">Sev.</th><th scope="col">Status</th><th scope="col">Business / cause</th><th scope="col">Flags</th><th scope="col">Amount</th><th scope="col">Intake</th><th scope="col">Assignee</th><th scope="col">Deadlines</th></tr></thead><tbody>
${opts.rows.map(
  (r) => html`<tr data-ref="${r.reference}">
<th scope="row"><a href="/staff/cases/${r.reference}">${r.reference}</a>${r.humanRequested ? html` <span class="badge" title="customer asked for a person">human</span>` : ''}</th>
<td class="sev sev-${r.severity}">${r.severity}</td>
<td>${markChinese(STATUS_LABELS[r.status] ?? r.status)}${r.escalationLevel !== 'frontline' ? html`<br><small>${markChinese(ESCALATION_LABELS[r.escalationLevel] ?? r.escalationLevel)}</small>` : ''}</td>
<td>${BUSINESS_LABELS[r.business as 'other']?.en ?? r.business}<br><small class="muted">${CAUSE_LABELS[r.cause as 'other']?.en ?? r.cause}</small></td>
<td>${r.flags.join(', ')}</td>
<td>${r.amount === null ? '' : `${r.amount}${r.currency ? ` ${r.currency}` : ''}`}</td>
<td>${r.intakeChannel}</td>
<td>${r.assigneeId ? (names.get(r.assigneeId) ?? r.assigneeId) : html`<span class="muted">—</span>`}</td>
<td>${['resolved', 'closed'].includes(r.status) ? html`<span class="badge lvl-done">${r.status}</span>` : html`${clockBadge('response', r.receivedAt, r.firstResponseDueAt, opts.now, opts.timeZone, r.firstResponseAt)}<br>${clockBadge('regulatory', r.receivedAt, r.regulatoryDueAt, opts.now, opts.timeZone)}`}</td>
</tr>`,
)}
</tbody></table>
${
  pastEnd
    ? html`<p class="muted" data-testid="past-end">Page ${opts.page} is past the end: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`}. ${markChinese('已超出末页。')}</p>`
    : opts.rows.length === 0
      ? html`<p class="muted">No cases match.</p>`
      : ''
}
<nav class="pager" aria-label="Pages 分页">${opts.page > 1 ? html`<a href="${opts.query(1)}" data-testid="first-page">« first</a>${pastEnd ? '' : html`<a href="${opts.query(opts.page - 1)}" rel="prev">← previous</a>`}` : ''}<span>page ${opts.page} of ${pages}${opts.totalExact ? '' : '+'}</span>${
  opts.page < pages ? html`<a href="${opts.query(opts.page + 1)}" rel="next">next →</a>` : ''
}${
  // The last page (the least urgent cases) is one click away, not a dozen, from before it and
  // from past it (an old link after cases were closed). When the count stopped at its cap the
  // last page is not known, and "next" goes on past it.
  opts.page !== pages && opts.totalExact ? html`<a href="${opts.query(pages)}" data-testid="last-page">last (${pages}) »</a>` : ''
}</nav>`,
  });
}

export interface CaseView {
  reference: string;
  status: string;
  severity: string;
  business: string;
  cause: string;
  channel: string;
  intakeChannel: string;
  language: string;
  flags: string[];
  amount: number | null;
  currency: string | null;
  escalationLevel: string;
  assigneeId: string | null;
  humanRequested: boolean;
  incomplete: boolean;
  receivedAt: Date;
  firstResponseDueAt: Date;
  firstResponseAt: Date | null;
  regulatoryDueAt: Date;
  regulatoryProfile: string;
  extensionCount: number;
  occurredOn: string | null;
  description: string;
  desiredResolution: string | null;
  summary: string | null;
  resolution: string | null;
  rootCause: string | null;
  classificationSource: string;
  reasons: string[];
  customerName: string | null;
  customerPhone: string | null;
  handoffActive: boolean;
  reachable: boolean | null;
}

/**
 * A form that was refused (bad input, a refusal of the use case, a stale form): the fields as the
 * staff member typed them and why it was not done, so the page shows them again instead of
 * losing a reply written for minutes.
 */
export interface FormDraft {
  action: string;
  values: Record<string, string>;
  error: string;
}

export function casePage(opts: {
  viewer: Viewer;
  unread: number;
  flash: { kind: 'ok' | 'error'; text: string } | null;
  /** The refused form, re-shown filled in with its error. */
  draft?: FormDraft | null;
  /** A fresh id for each form (`_submission`), so a form sent twice is done once. */
  submissionId: () => string;
  /** The last change to the case the page shows (`_seen`), so a colleague's change meanwhile is not overwritten. */
  seen: string;
  c: CaseView;
  revealed: { name: string | null; phone: string | null } | null;
  evidence: { kind: string; fileName: string | null; mimeType: string | null; size: number | null; caption: string | null; createdAt: Date }[];
  /** How many older messages and events the page leaves out (it shows the latest). */
  earlier?: { transcript: number; timeline: number };
  transcript: { at: Date; direction: string; author: string; staffUserId: string | null; text: string }[];
  timeline: { at: Date; type: string; actorType: string; actorId: string | null; note: string | null; data: string }[];
  notes: { at: Date; authorId: string; text: string }[];
  staff: StaffOption[];
  now: Date;
  timeZone: string;
}): Html {
  const { c, viewer } = opts;
  const names = new Map(opts.staff.map((s) => [s.id, s.displayName]));
  const who = (type: string, id: string | null) => (type === 'staff' ? (id ? (names.get(id) ?? id) : 'staff') : type);
  const csrf = html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
  const draft = opts.draft ?? null;
  // What the staff member typed into `field` of the refused form `name`, to fill it in again.
  const typed = (name: string, field: string) => (draft?.action === name ? (draft.values[field] ?? '') : '');
  const action = (name: string, body: Html, button: string, extra = '') =>
    html`<form method="post" action="/staff/cases/${c.reference}/${name}" data-action="${name}"${extra ? raw(` data-confirm="${extra}"`) : ''}>${csrf}<input type="hidden" name="_submission" value="${opts.submissionId()}"><input type="hidden" name="_seen" value="${opts.seen}">${
      draft?.action === name ? html`<div class="flash error" role="alert" data-testid="form-error">${draft.error}</div>` : ''
    }${body}<button type="submit">${markChinese(button)}</button></form>`;
  const open = !['resolved', 'closed'].includes(c.status);
  return layout({
    title: c.reference,
    viewer,
    unread: opts.unread,
    flash: opts.flash,
    timeZone: opts.timeZone,
    body: html`<h1>${c.reference} <span class="sev sev-${c.severity}">${c.severity}</span> · <span data-testid="status">${markChinese(STATUS_LABELS[c.status] ?? c.status)}</span></h1>
<div class="grid">
<section class="card" data-testid="summary"><h2>${markChinese('Summary 概要')}</h2>
<table><caption class="visually-hidden">${markChinese('Case summary 案件概要')}</caption>
<tr><th scope="row">Received</th><td>${fmt(c.receivedAt, opts.timeZone)} via ${c.intakeChannel} (${c.language})</td></tr>
<tr><th scope="row">Escalation</th><td>${markChinese(ESCALATION_LABELS[c.escalationLevel] ?? c.escalationLevel)}</td></tr>
<tr><th scope="row">Assignee</th><td data-testid="assignee">${c.assigneeId ? (names.get(c.assigneeId) ?? c.assigneeId) : '—'}</td></tr>
<tr><th scope="row">First response</th><td>${clockBadge('response', c.receivedAt, c.firstResponseDueAt, opts.now, opts.timeZone, c.firstResponseAt)}${c.firstResponseAt ? html` (was due ${fmt(c.firstResponseDueAt, opts.timeZone)})` : ''}</td></tr>
<tr><th scope="row">Regulatory (${c.regulatoryProfile})</th><td>${open ? clockBadge('regulatory', c.receivedAt, c.regulatoryDueAt, opts.now, opts.timeZone) : html`due ${fmt(c.regulatoryDueAt, opts.timeZone)}`}${c.extensionCount ? html` · extended ${c.extensionCount}×` : ''}</td></tr>
<tr><th scope="row">Customer</th><td data-testid="customer">${opts.revealed ? html`<strong>${markLanguage(opts.revealed.name ?? '—')}</strong> · <strong>${opts.revealed.phone ?? '—'}</strong> <small class="muted">(revealed; recorded)</small>` : html`${markLanguage(c.customerName ?? '—')} · ${c.customerPhone ?? '—'}`}
${!opts.revealed && (c.customerName || c.customerPhone) ? action('reveal', html``, 'Reveal 显示') : ''}
${c.reachable === false ? html`<br><span class="badge lvl-breached">unreachable in chat</span>` : ''}${c.handoffActive ? html`<br><span class="badge lvl-near_75">staff hold the conversation</span>` : ''}${c.humanRequested ? html`<br><span class="badge">asked for a person</span>` : ''}</td></tr>
${c.resolution ? html`<tr><th scope="row">Decision</th><td>${markLanguage(c.resolution)}</td></tr><tr><th scope="row">Root cause</th><td>${markLanguage(c.rootCause ?? '')}</td></tr>` : ''}
</table></section>
<section class="card" data-testid="classification"><h2>${markChinese('Classification 分类')}</h2>
<table><caption class="visually-hidden">${markChinese('Classification 分类')}</caption>
<tr><th scope="row">Business</th><td>${BUSINESS_LABELS[c.business as 'other']?.en ?? c.business} (${c.business})</td></tr>
<tr><th scope="row">Cause</th><td>${CAUSE_LABELS[c.cause as 'other']?.en ?? c.cause} (${c.cause})</td></tr>
<tr><th scope="row">Channel</th><td>${CHANNEL_LABELS[c.channel as 'other']?.en ?? c.channel} (${c.channel})</td></tr>
<tr><th scope="row">Flags</th><td>${c.flags.length ? c.flags.map((f) => html`<span class="badge">${f}</span> `) : '—'}</td></tr>
<tr><th scope="row">Amount</th><td>${c.amount === null ? '—' : `${c.amount}${c.currency ? ` ${c.currency}` : ''}`}</td></tr>
<tr><th scope="row">Occurred</th><td>${c.occurredOn ?? '—'}</td></tr>
<tr><th scope="row">Source</th><td>${c.classificationSource}</td></tr>
</table>
<h2>${markChinese('Reasons 依据')}</h2><ul>${c.reasons.map((r) => html`<li>${markLanguage(r)}</li>`)}</ul></section>
</div>
<section class="card"><h2>${markChinese('Complaint 投诉内容')}</h2>${c.incomplete ? html`<p class="badge lvl-near_75">intake not completed</p>` : ''}
<pre data-testid="description">${markLanguage(c.description)}</pre>
${c.desiredResolution ? html`<p><strong>Wants:</strong> ${markLanguage(c.desiredResolution)}</p>` : ''}${
  // Only an LLM writes a case's summary: staff must see that it is a model's reading, which may
  // miss or invent a fact, and not take it for the customer's words or a colleague's.
  c.summary ? html`<p class="muted" data-testid="llm-summary"><strong>${markChinese('AI summary — check against the transcript · AI 摘要——请对照对话核实')}</strong><br>${markLanguage(c.summary)}</p>` : ''
}</section>
<div class="grid">
<section class="card transcript" data-testid="transcript"><h2>${markChinese('Conversation 对话记录')}</h2>
${opts.earlier?.transcript ? html`<p class="muted" data-testid="earlier-messages">${opts.earlier.transcript} earlier message(s) not shown ${markChinese('更早的消息未显示')} (GET /api/staff/cases/${c.reference} has them all)</p>` : ''}
${opts.transcript.map(
  (m) => html`<div class="msg ${m.author === 'staff' ? 'staff' : m.direction}"><small>${m.author === 'staff' ? `staff · ${who('staff', m.staffUserId)}` : m.author} · ${fmt(m.at, opts.timeZone)}</small>${markLanguage(m.text)}</div>`,
)}
${opts.evidence.length ? html`<h2>${markChinese('Evidence 证据')}</h2><ul data-testid="evidence">${opts.evidence.map((e) => html`<li>${e.kind}: ${e.fileName ?? '(unnamed)'} ${e.mimeType ?? ''} ${e.size ? `${Math.round(e.size / 1024)} KB` : ''} ${markLanguage(e.caption ?? '')} <small class="muted">${fmt(e.createdAt, opts.timeZone)}</small></li>`)}</ul>` : ''}
</section>
<section class="card actions" data-testid="actions"><h2>${markChinese('Actions 操作')}</h2>
${c.status !== 'closed'
  ? html`
${action('replies', html`<label>${markChinese('Reply to the customer in their chat 回复客户')}<textarea name="text" required maxlength="4000">${typed('replies', 'text')}</textarea></label>`, 'Send reply 发送')}
${!c.assigneeId || (c.assigneeId !== viewer.userId && viewer.role !== 'agent') ? action('assignment', html`<input type="hidden" name="assigneeId" value="me">`, 'Claim 认领') : ''}
${viewer.role !== 'agent' ? action('assignment', html`<label>${markChinese('Assign to 分配给')} <select name="assigneeId"><option value="">(unassigned)</option>${opts.staff.filter((s) => s.active).map((s) => html`<option value="${s.id}"${s.id === c.assigneeId ? raw(' selected') : ''}>${s.displayName} (${s.role})</option>`)}</select></label> <label>Reason <input type="text" name="reason" maxlength="500" value="${typed('assignment', 'reason')}"></label>`, 'Assign 分配') : ''}
${action(
  'transitions',
  html`<label>${markChinese('Status 状态')} <select name="to">${TARGET_STATUSES.map((s) => html`<option value="${s}"${typed('transitions', 'to') === s ? raw(' selected') : ''}>${STATUS_LABELS[s]}</option>`)}</select></label>
<label>${markChinese('Decision (resolution) 处理决定')}<textarea name="resolution" maxlength="4000">${typed('transitions', 'resolution')}</textarea></label>
<label>${markChinese('Root cause 根本原因')} <input type="text" name="rootCause" maxlength="500" size="40" value="${typed('transitions', 'rootCause')}"></label>
<label>${markChinese('Note 说明')} <input type="text" name="note" maxlength="2000" size="40" value="${typed('transitions', 'note')}"></label>`,
  'Change status 变更状态',
)}
${open ? action('information-requests', html`<label>${markChinese('Ask the customer for information 请客户补充信息')}<textarea name="question" required maxlength="2000">${typed('information-requests', 'question')}</textarea></label>`, 'Ask 发送请求') : ''}
${open ? (c.handoffActive ? action('handback', html``, 'Hand back to the bot 交还机器人') : action('handoff', html`<p class="muted">Take over the chat: the bot stays quiet and relays the customer.</p>`, 'Take over conversation 人工接管')) : ''}
${action('escalations', html`<label>Escalate (${ESCALATION_LEVELS.join(' → ')}) ${markChinese('升级')} <input type="text" name="reason" required maxlength="1000" size="40" placeholder="reason" value="${typed('escalations', 'reason')}"></label>`, 'Escalate 升级')}
${action(
  'classification',
  html`<label>Severity <select name="severity"><option value="">—</option>${options(SEVERITIES, [typed('classification', 'severity')])}</select></label>
<label>Business <select name="business"><option value="">—</option>${options(BUSINESSES, [typed('classification', 'business')])}</select></label>
<label>Cause <select name="cause"><option value="">—</option>${options(CAUSES, [typed('classification', 'cause')])}</select></label>
<label>Channel <select name="channel"><option value="">—</option>${options(CHANNELS, [typed('classification', 'channel')])}</select></label>
<label>Reason <input type="text" name="reason" required maxlength="500" size="30" value="${typed('classification', 'reason')}"></label>`,
  'Reclassify 重新分类',
)}
${open ? action('extensions', html`<label>${markChinese('Extend the regulatory deadline (supervisor) 延长期限')} <input type="text" name="reason" required maxlength="500" size="40" placeholder="reason (told to the customer)" value="${typed('extensions', 'reason')}"></label>`, 'Extend 延期', 'The customer will be sent the extension notice. Continue?') : ''}`
  : html`<p class="muted">Closed cases are archived.</p>`}
</section>
</div>
<div class="grid">
<section class="card" data-testid="timeline"><h2>${markChinese('Timeline 时间线')}</h2>
${opts.earlier?.timeline ? html`<p class="muted">${opts.earlier.timeline} earlier event(s) not shown ${markChinese('更早的事件未显示')}</p>` : ''}
${opts.timeline.map(
  (e) => html`<div class="event" data-type="${e.type}"><small>${fmt(e.at, opts.timeZone)} · ${who(e.actorType, e.actorId)}</small><strong>${e.type}</strong>${e.note ? html` — ${markLanguage(e.note)}` : ''} ${e.data !== '{}' ? html`<small class="muted">${e.data}</small>` : ''}</div>`,
)}
</section>
<section class="card" data-testid="notes"><h2>${markChinese('Internal notes 内部备注')}</h2>
${opts.notes.map((n) => html`<div class="event"><small>${fmt(n.at, opts.timeZone)} · ${who('staff', n.authorId)}</small><pre>${markLanguage(n.text)}</pre></div>`)}
${action('notes', html`<label>New note (never sent to the customer)<textarea name="text" required maxlength="4000">${typed('notes', 'text')}</textarea></label>`, 'Add note 添加备注')}
</section>
</div>`,
  });
}

export function notificationsPage(opts: { viewer: Viewer; unread: number; items: { id: string; createdAt: Date; type: string; message: string; readAt: Date | null; reference: string | null }[]; timeZone: string }): Html {
  return layout({
    title: 'Alerts',
    viewer: opts.viewer,
    unread: opts.unread,
    body: html`<h1>${markChinese('Alerts 提醒')}</h1>
<form method="post" action="/staff/notifications/read"><input type="hidden" name="_csrf" value="${opts.viewer.csrf}"><button type="submit" class="secondary">${markChinese('Mark all read 全部已读')}</button></form>
<table><caption class="visually-hidden">${markChinese('Alerts, newest first 提醒，最新的在前')}</caption><thead><tr><th scope="col">When</th><th scope="col">Type</th><th scope="col">Case</th><th scope="col">Message</th></tr></thead><tbody>
${opts.items.map((n) => html`<tr${n.readAt ? '' : raw(' class="unread"')}><td>${fmt(n.createdAt, opts.timeZone)}</td><td>${n.type}</td><td>${n.reference ? html`<a href="/staff/cases/${n.reference}">${n.reference}</a>` : ''}</td><td>${n.message}</td></tr>`)}
</tbody></table>`,
  });
}

export function accountPage(opts: {
  viewer: Viewer;
  unread: number;
  flash: { kind: 'ok' | 'error'; text: string } | null;
  newToken?: string;
  tokens: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; expiresAt: Date }[];
  timeZone: string;
  now: Date;
}): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${opts.viewer.csrf}">`;
  return layout({
    title: 'API tokens',
    viewer: opts.viewer,
    unread: opts.unread,
    flash: opts.flash,
    body: html`<h1>Personal API tokens</h1>
${opts.newToken ? html`<div class="card"><p>Your new token (shown once, store it now):</p><pre data-testid="new-token">${opts.newToken}</pre><p class="muted">Use it as <code>Authorization: Bearer …</code> on /api/staff.</p></div>` : ''}
<form class="card" method="post" action="/staff/account/tokens">${csrf}<label>Name <input type="text" name="name" required maxlength="80"></label> <label>Expires in <select name="days">${[30, 90, 180, 365].map((d) => html`<option value="${d}"${d === 90 ? raw(' selected') : ''}>${d} days</option>`)}</select></label> <button type="submit">Create token</button></form>
<table><caption class="visually-hidden">Your API tokens</caption><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead><tbody>
${opts.tokens.map(
  (t) =>
    html`<tr><th scope="row">${t.name}</th><td>${fmt(t.createdAt, opts.timeZone)}</td><td>${fmt(t.lastUsedAt, opts.timeZone)}</td><td data-testid="token-expires">${fmt(t.expiresAt, opts.timeZone)}</td><td>${t.revokedAt ? 'revoked' : t.expiresAt <= opts.now ? 'expired' : html`<form method="post" action="/staff/account/tokens/${t.id}/revoke">${csrf}<button class="danger" type="submit">Revoke</button></form>`}</td></tr>`,
)}
</tbody></table>`,
  });
}

export function usersPage(opts: {
  viewer: Viewer;
  unread: number;
  flash: { kind: 'ok' | 'error'; text: string } | null;
  users: (StaffOption & { email: string; lockedUntil: Date | null })[];
  now: Date;
  timeZone: string;
}): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${opts.viewer.csrf}">`;
  const roles = ['agent', 'supervisor', 'admin'];
  return layout({
    title: 'Users',
    viewer: opts.viewer,
    unread: opts.unread,
    flash: opts.flash,
    timeZone: opts.timeZone,
    body: html`<h1>${markChinese('Staff users 员工账号')}</h1>
<form class="card filters" method="post" action="/staff/users">${csrf}
<label>Email<input type="email" name="email" required></label><label>Name<input type="text" name="displayName" required maxlength="80"></label>
<label>Role<select name="role">${options(roles, ['agent'])}</select></label><label>Password (12+)<input type="password" name="password" required minlength="12"></label>
<button type="submit">Create user</button></form>
<table><caption class="visually-hidden">${markChinese('Staff users 员工账号')}</caption><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Change</span></th></tr></thead><tbody>
${opts.users.map((u) => html`<tr><th scope="row">${u.displayName}</th><td>${u.email}</td><td>${u.role}</td><td>${u.active ? 'active' : 'inactive'}${
  // A lock-out that has run out stays stored until a login clears it; only one still running
  // keeps anyone out, so only that one is shown.
  u.lockedUntil && u.lockedUntil > opts.now ? html` <small class="muted" data-testid="locked">locked until ${fmt(u.lockedUntil, opts.timeZone)} ${markChinese('已锁定')}</small>` : ''
}</td>
<td><form method="post" action="/staff/users/${u.id}">${csrf}<select name="role" aria-label="Role of ${u.displayName}">${options(roles, [u.role])}</select> <select name="active" aria-label="Status of ${u.displayName}"><option value="true"${u.active ? raw(' selected') : ''}>active</option><option value="false"${u.active ? '' : raw(' selected')}>inactive</option></select> <button type="submit" class="secondary">Save</button></form></td></tr>`)}
</tbody></table>`,
  });
}

/**
 * An error page. `kept` is text the staff member had typed into the refused form, shown to copy;
 * `next` replaces the link back to the queue (the login on the way back to the case).
 */
export function errorPage(opts: { viewer?: Viewer; status: number; message: string; kept?: { field: string; text: string }[]; next?: string }): Html {
  return layout({
    title: `Error ${opts.status}`,
    viewer: opts.viewer,
    body: html`<div class="card"><h1>${opts.status}</h1><p role="alert">${opts.message}</p>
${opts.kept?.length ? html`<div data-testid="kept">${opts.kept.map((k) => html`<label>Your text (${k.field}) ${markChinese('您填写的内容')}<textarea readonly name="${k.field}">${k.text}</textarea></label>`)}</div>` : ''}
<p>${opts.next ? html`<a href="${opts.next}">${markChinese('Log in again 重新登录')}</a>` : html`<a href="/staff">Back to the queue</a>`}</p></div>`,
  });
}
