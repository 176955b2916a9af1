import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { maskName, maskPhone } from '../reveal-customer-contact.js';
import { ZBusiness, ZCaseStatus, ZCause, ZChannel, ZSeverity } from '../taxonomy.js';

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
  regulatoryProfile: true,
  resolvedAt: true,
  closedAt: true,
} satisfies Prisma.CaseSelect;

type CaseRow = Prisma.CaseGetPayload<{ select: typeof caseListSelect }>;

const OPEN = ['new', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];

/** The Prisma filter for a queue query; `now` decides what is overdue. */
export function caseWhere(f: TCaseFilter, now: Date): Prisma.CaseWhereInput {
  const and: Prisma.CaseWhereInput[] = [];
  if (f.status) and.push({ status: { in: f.status } });
  if (f.severity) and.push({ severity: { in: f.severity } });
  if (f.business) and.push({ business: { in: f.business } });
  if (f.cause) and.push({ cause: { in: f.cause } });
  if (f.channel) and.push({ channel: { in: f.channel } });
  if (f.intakeChannel) and.push({ intakeChannel: { in: f.intakeChannel } });
  if (f.assignee) and.push({ assigneeId: f.assignee === 'none' ? null : f.assignee });
  if (f.q) and.push({ reference: { contains: f.q } });
  if (f.overdue === true) {
    and.push({
      status: { in: OPEN },
      OR: [{ regulatoryDueAt: { lt: now } }, { firstResponseAt: null, firstResponseDueAt: { lt: now } }],
    });
  }
  return and.length ? { AND: and } : {};
}

/** Plain JSON for the API: flags parsed, money as a number. */
export function caseToJson(c: CaseRow) {
  return { ...c, flags: JSON.parse(c.flags) as string[], amount: c.amount === null ? null : Number(c.amount) };
}

/**
 * One page of the queue, most urgent first: open before closed, then severity (P1 first), then
 * the nearest first-response deadline, then newest.
 */
export async function listCases(db: PrismaClient, f: TCaseFilter, now: Date) {
  const where = caseWhere(f, now);
  const [counted, rows] = await Promise.all([
    countCases(db, where, f),
    db.case.findMany({ where, select: caseListSelect, orderBy: QUEUE_ORDER, skip: (f.page - 1) * f.pageSize, take: f.pageSize }),
  ]);
  return { items: rows.map(caseToJson), ...counted, page: f.page, pageSize: f.pageSize };
}

/**
 * The queue's urgency order: severity (P1 first), the nearest first-response deadline, newest
 * first. The (severity, firstResponseDueAt, createdAt) index serves it, so a page never sorts
 * the table.
 */
export const QUEUE_ORDER = [{ severity: 'asc' }, { firstResponseDueAt: 'asc' }, { createdAt: 'desc' }] satisfies Prisma.CaseOrderByWithRelationInput[];

/** Beyond this many matches the queue says "10000+" rather than counting every row. */
export const COUNT_CAP = 10_000;

/**
 * How many cases match, counted only as far as paging needs: exact below COUNT_CAP (or the
 * page asked for), a lower bound (`totalExact: false`) above it. An exact count of a million
 * rows costs more than the page itself.
 */
export async function countCases(db: PrismaClient, where: Prisma.CaseWhereInput, f: Pick<TCaseFilter, 'page' | 'pageSize'>) {
  const cap = Math.max(COUNT_CAP, f.page * f.pageSize + 1);
  const total = await db.case.count({ where, take: cap });
  return { total, totalExact: total < cap };
}

/** A case with its timeline and transcript, or null. */
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
  const [timeline, transcript] = await Promise.all([
    db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } }),
    db.transcriptMessage.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } }),
  ]);
  const { id: _id, classification, customerName, customerPhone, ...rest } = c;
  return {
    // Name and phone stay masked until a staff member reveals them (recorded as pii_revealed).
    case: {
      ...caseToJson(rest),
      customerName: maskName(customerName),
      customerPhone: maskPhone(customerPhone),
      classification: JSON.parse(classification) as Record<string, unknown>,
    },
    timeline: timeline.map((e) => ({ type: e.type, at: e.createdAt, actorType: e.actorType, actorId: e.actorId, note: e.note, data: JSON.parse(e.data) as unknown })),
    transcript: transcript.map((m) => ({
      at: m.createdAt,
      direction: m.direction,
      author: m.author,
      staffUserId: m.staffUserId,
      text: m.text,
      meta: JSON.parse(m.meta) as unknown,
    })),
  };
}
