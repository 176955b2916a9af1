import { Prisma, type PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { maskName, maskPhone, staffMasker } from '../reveal-customer-contact.js';
import { ZBusiness, ZCaseStatus, ZCause, ZChannel, ZEscalationLevel, ZSeverity } from '../taxonomy.js';

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item).min(1)).optional();

/** Query string of `GET /api/staff/cases`. Lists accept comma-separated values. */
export const ZCaseFilter = z.object({
  status: csv(ZCaseStatus),
  severity: csv(ZSeverity),
  business: csv(ZBusiness),
  cause: csv(ZCause),
  channel: csv(ZChannel),
  intakeChannel: csv(z.string().min(1).max(40)),
  escalationLevel: csv(ZEscalationLevel),
  assignee: z.string().min(1).max(64).optional(),
  overdue: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  q: z.string().min(1).max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TCaseFilter = z.infer<typeof ZCaseFilter>;

export const caseListSelect = {
  reference: true,
  status: true,
  severity: true,
  business: true,
  cause: true,
  channel: true,
  intakeChannel: true,
  flags: true,
  amount: true,
  currency: true,
  language: true,
  escalationLevel: true,
  incomplete: true,
  humanRequested: true,
  assigneeId: true,
  createdAt: true,
  receivedAt: true,
  firstResponseDueAt: true,
  firstResponseAt: true,
  regulatoryDueAt: true,
  nextDueAt: true,
  regulatoryProfile: true,
  resolvedAt: true,
  closedAt: true,
} satisfies Prisma.CaseSelect;

type CaseRow = Prisma.CaseGetPayload<{ select: typeof caseListSelect }>;

const OPEN = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];

/**
 * A search for one whole reference (`C-20261127-0042`, any case) is answered from the reference
 * index: references are upper case and only ever continue with more digits, so "contains" is
 * "starts with", a range the unique index serves. Anything else is a substring search, which
 * reads every reference. A search with a character no reference has finds nothing: that way
 * `%` and `_` never reach a LIKE pattern as wildcards (`q=%` matched every case). Escaping them
 * instead is not possible on both paths: Prisma's `contains` has no ESCAPE clause on SQLite.
 */
const WHOLE_REFERENCE = /^C-\d{8}-\d{4,}$/i;
const REFERENCE_CHARACTERS = /^[A-Za-z0-9-]+$/;
function referenceSearch(q: string): { from: string; to: string; like: string } | { like: string } | { none: true } {
  if (!REFERENCE_CHARACTERS.test(q)) return { none: true };
  if (!WHOLE_REFERENCE.test(q)) return { like: `%${q}%` };
  const ref = q.toUpperCase();
  // Digits sort before "A" in every collation, so [ref, ref + "A") holds exactly ref and its longer forms.
  return { from: ref, to: `${ref}A`, like: `${ref}%` };
}

/** The Prisma filter for a queue query; `now` decides what is overdue. Keep in step with caseWhereSql. */
export function caseWhere(f: TCaseFilter, now: Date): Prisma.CaseWhereInput {
  const and: Prisma.CaseWhereInput[] = [];
  if (f.status) and.push({ status: { in: f.status } });
  if (f.severity) and.push({ severity: { in: f.severity } });
  if (f.business) and.push({ business: { in: f.business } });
  if (f.cause) and.push({ cause: { in: f.cause } });
  if (f.channel) and.push({ channel: { in: f.channel } });
  if (f.intakeChannel) and.push({ intakeChannel: { in: f.intakeChannel } });
  if (f.escalationLevel) and.push({ escalationLevel: { in: f.escalationLevel } });
  if (f.assignee) and.push({ assigneeId: f.assignee === 'none' ? null : f.assignee });
  if (f.q) {
    const s = referenceSearch(f.q);
    if ('none' in s) and.push({ reference: { in: [] } });
    else if ('from' in s) and.push({ reference: { gte: s.from, lt: s.to, startsWith: s.from } });
    else and.push({ reference: { contains: f.q } });
  }
  // Overdue: an open case whose regulatory deadline, or unanswered first response, has passed;
  // nextDueAt is the earlier of the deadlines still running, so that is one comparison.
  // overdue=false is the rest: closed or resolved, or not yet due.
  if (f.overdue === true) and.push({ status: { in: OPEN }, nextDueAt: { lt: now } });
  if (f.overdue === false) and.push({ OR: [{ status: { notIn: OPEN } }, { nextDueAt: { gte: now } }] });
  return and.length ? { AND: and } : {};
}

/**
 * The same filter as caseWhere, as SQL for the capped count (valid on SQLite and PostgreSQL:
 * quoted identifiers, parameters only). Prisma's `count({ take })` adds `ORDER BY id` to its
 * subquery, which makes the database sort every match before counting; without an order the
 * count stops after COUNT_CAP index entries. A test checks both filters agree.
 */
export function caseWhereSql(f: TCaseFilter, now: Date): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values) and.push(Prisma.sql`${Prisma.raw(`"${column}"`)} IN (${Prisma.join(values)})`);
  };
  inList('status', f.status);
  inList('severity', f.severity);
  inList('business', f.business);
  inList('cause', f.cause);
  inList('channel', f.channel);
  inList('intakeChannel', f.intakeChannel);
  inList('escalationLevel', f.escalationLevel);
  if (f.assignee) and.push(f.assignee === 'none' ? Prisma.sql`"assigneeId" IS NULL` : Prisma.sql`"assigneeId" = ${f.assignee}`);
  if (f.q) {
    const s = referenceSearch(f.q);
    if ('none' in s) and.push(Prisma.sql`1 = 0`);
    else if ('from' in s) and.push(Prisma.sql`"reference" >= ${s.from} AND "reference" < ${s.to} AND "reference" LIKE ${s.like}`);
    else and.push(Prisma.sql`"reference" LIKE ${s.like}`);
  }
  if (f.overdue === true) and.push(Prisma.sql`"status" IN (${Prisma.join(OPEN)}) AND "nextDueAt" < ${now}`);
  if (f.overdue === false) and.push(Prisma.sql`("status" NOT IN (${Prisma.join(OPEN)}) OR "nextDueAt" >= ${now})`);
  return and.length ? Prisma.join(and, ' AND ') : Prisma.sql`1 = 1`;
}

/** Plain JSON for the API: flags parsed, money as a number. */
export function caseToJson(c: CaseRow) {
  return { ...c, flags: JSON.parse(c.flags) as string[], amount: c.amount === null ? null : Number(c.amount) };
}

/**
 * One page of the queue in QUEUE_ORDER, with the (capped) count. Used by the API and the console.
 * The page is read in two steps: the ids of the page first, which the queue indexes answer
 * without touching the table even where the database has to sort (a filter on several values,
 * e.g. three statuses: each value is its own ordered run of the index), then the 50 cases by id.
 * Read in one step, every row skipped or sorted on the way to a deep page is fetched in full.
 */
export async function readQueue(db: PrismaClient, f: TCaseFilter, now: Date) {
  const where = caseWhere(f, now);
  const [counted, ids] = await Promise.all([
    countCases(db, f, now),
    db.case.findMany({ where, select: { id: true }, orderBy: QUEUE_ORDER, skip: (f.page - 1) * f.pageSize, take: f.pageSize }),
  ]);
  const found = ids.length ? await db.case.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: { ...caseListSelect, id: true } }) : [];
  const byId = new Map(found.map(({ id, ...c }) => [id, c]));
  // A case deleted between the two reads (customer data erasure) is simply left out.
  const rows = ids.flatMap((r) => byId.get(r.id) ?? []);
  return { rows, ...counted };
}

/** One page of the queue for the API: most urgent first (QUEUE_ORDER). */
export async function listCases(db: PrismaClient, f: TCaseFilter, now: Date) {
  const { rows, total, totalExact } = await readQueue(db, f, now);
  return { items: rows.map(caseToJson), total, totalExact, page: f.page, pageSize: f.pageSize };
}

/**
 * The queue's urgency order: severity (P1 first), the deadline that matters next (`nextDueAt`:
 * the first response's until it is given, then the regulatory one), newest first, and the id so
 * that equal cases keep their place between pages. The migrations'
 * `…_queue_idx` indexes end in these columns, after the filtered column(s) — (status), (business,
 * cause), (cause), (assigneeId), (channel), (intakeChannel), (escalationLevel), or none — so a page is read from an
 * index instead of sorting the matching cases.
 */
export const QUEUE_ORDER = [
  { severity: 'asc' },
  { nextDueAt: 'asc' },
  { createdAt: 'desc' },
  { id: 'asc' },
] satisfies Prisma.CaseOrderByWithRelationInput[];

/** Beyond this many matches the queue says "10000+" rather than counting every row. */
export const COUNT_CAP = 10_000;

/**
 * How many cases match, counted only as far as paging needs: exact below COUNT_CAP (or the
 * page asked for), a lower bound (`totalExact: false`) above it. An exact count of a million
 * rows costs more than the page itself.
 */
export async function countCases(db: PrismaClient, f: TCaseFilter, now: Date) {
  const cap = Math.max(COUNT_CAP, f.page * f.pageSize + 1);
  const [row] = await db.$queryRaw<{ n: number | bigint }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Case" WHERE ${caseWhereSql(f, now)} LIMIT ${cap}) AS "capped"`,
  );
  const total = Number(row?.n ?? 0);
  return { total, totalExact: total < cap };
}

/** A case with its timeline, transcript and internal notes (oldest first), or null. */
export async function getCaseDetail(db: PrismaClient, reference: string) {
  const c = await db.case.findUnique({
    where: { reference },
    select: {
      ...caseListSelect,
      id: true,
      description: true,
      desiredResolution: true,
      customerName: true,
      customerPhone: true,
      occurredOn: true,
      classification: true,
      classificationSource: true,
      summary: true,
      resolution: true,
      rootCause: true,
      extensionCount: true,
      reopenCount: true,
      parentCaseId: true,
      evidence: { select: { id: true, kind: true, fileName: true, mimeType: true, size: true, caption: true, createdAt: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  if (!c) return null;
  const [timeline, transcript, notes] = await Promise.all([
    db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } }),
    db.transcriptMessage.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } }),
    db.caseNote.findMany({
      where: { caseId: c.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { createdAt: true, authorId: true, text: true, author: { select: { displayName: true } } },
    }),
  ]);
  const { id: _id, classification, customerName, customerPhone, ...rest } = c;
  // Name and phone stay masked until a staff member reveals them (recorded as pii_revealed), in
  // the customer's own words too; card and ID numbers show their last four digits only.
  const shown = staffMasker({ customerName, customerPhone });
  return {
    case: {
      ...caseToJson(rest),
      description: shown(rest.description),
      desiredResolution: shown(rest.desiredResolution),
      summary: shown(rest.summary),
      evidence: rest.evidence.map((e) => ({ ...e, caption: shown(e.caption) })),
      customerName: maskName(customerName),
      customerPhone: maskPhone(customerPhone),
      classification: JSON.parse(classification) as Record<string, unknown>,
    },
    // Notes hold the customer's words too (a survey comment).
    timeline: timeline.map((e) => ({ type: e.type, at: e.createdAt, actorType: e.actorType, actorId: e.actorId, note: shown(e.note), data: JSON.parse(e.data) as unknown })),
    transcript: transcript.map((m) => ({
      at: m.createdAt,
      direction: m.direction,
      author: m.author,
      staffUserId: m.staffUserId,
      text: shown(m.text),
      meta: JSON.parse(m.meta) as unknown,
    })),
    notes: notes.map((n) => ({ at: n.createdAt, authorId: n.authorId, authorName: n.author.displayName, text: n.text })),
  };
}
