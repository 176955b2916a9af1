import type { Prisma, PrismaClient } from '@prisma/client';
import { clockMilestonesPassed, formatStaffTime, type ComplaintPolicy, type TClockMilestone } from './clocks/index.js';
import { OPEN_STATUSES } from './case-action.js';
import { recordEvent } from './case-events.js';
import type { DomainEvents } from './domain-events.js';

export type TClockName = 'first_response' | 'regulatory';

const EVENT_TYPE: Record<TClockMilestone, string> = { near_75: 'sla_near_breach', near_90: 'sla_near_breach', breached: 'sla_breached' };
const CLOCK_LABEL: Record<TClockName, string> = { first_response: 'first response', regulatory: 'regulatory deadline' };
const MILESTONE_LABEL: Record<TClockMilestone, string> = { near_75: '75% of the time used', near_90: '90% of the time used', breached: 'BREACHED' };

export interface SweepResult {
  checked: number;
  recorded: { reference: string; clock: TClockName; milestone: TClockMilestone }[];
}

const sweepSelect = {
  id: true,
  reference: true,
  receivedAt: true,
  firstResponseDueAt: true,
  firstResponseAt: true,
  regulatoryDueAt: true,
} satisfies Prisma.CaseSelect;

/**
 * Records near-breach (75 %, 90 %) and breach of both clocks of every open case, once each
 * (DESIGN.md "Clocks"): a timeline event, a StaffNotification and a `case.clock_milestone`
 * domain event per milestone. Idempotent: a milestone is keyed by case, clock, due instant and
 * level in ProcessedUpdate inside the same transaction, so running the sweep twice, late, or on
 * two instances at once records it once. After an extension the regulatory clock has a new due
 * instant and its milestones count afresh. The first-response clock stops at the first reply.
 *
 * Walks open cases in pages by id (indexed), so memory stays flat however many cases are open.
 */
export async function sweepClocks(opts: { db: PrismaClient; now: Date; policy: ComplaintPolicy; events?: DomainEvents; batchSize?: number }): Promise<SweepResult> {
  const { db, now } = opts;
  const batchSize = opts.batchSize ?? 200;
  const result: SweepResult = { checked: 0, recorded: [] };
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.case.findMany({
      where: { status: { in: [...OPEN_STATUSES] }, receivedAt: { lte: now } },
      select: sweepSelect,
      orderBy: { id: 'asc' },
      take: batchSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (batch.length === 0) break;
    cursor = batch.at(-1)!.id;
    result.checked += batch.length;
    const past = await db.caseEvent.findMany({
      where: { caseId: { in: batch.map((c) => c.id) }, type: { in: ['sla_near_breach', 'sla_breached'] } },
      select: { caseId: true, data: true },
    });
    const recordedFor = (caseId: string, clock: TClockName, dueAt: Date): TClockMilestone[] =>
      past
        .filter((e) => e.caseId === caseId)
        .map((e) => JSON.parse(e.data) as { clock?: string; milestone?: TClockMilestone; dueAt?: string })
        .filter((d) => d.clock === clock && d.dueAt === dueAt.toISOString() && d.milestone)
        .map((d) => d.milestone!);

    for (const c of batch) {
      const clocks: [TClockName, Date][] = [['regulatory', c.regulatoryDueAt]];
      if (!c.firstResponseAt) clocks.unshift(['first_response', c.firstResponseDueAt]);
      for (const [clock, dueAt] of clocks) {
        const passed = clockMilestonesPassed({ startAt: c.receivedAt, dueAt, now, recorded: recordedFor(c.id, clock, dueAt) });
        for (const milestone of passed) {
          const done = await recordMilestone(db, { caseId: c.id, reference: c.reference, clock, milestone, dueAt, now, timeZone: opts.policy.timeZone });
          if (!done) continue;
          result.recorded.push({ reference: c.reference, clock, milestone });
          await opts.events?.emit({ type: 'case.clock_milestone', caseId: c.id, reference: c.reference, clock, milestone, at: now });
        }
      }
    }
    if (batch.length < batchSize) break;
  }
  return result;
}

/**
 * Milestone keys in ProcessedUpdate start with this; the keys of handled channel updates, which
 * share the table and are forgotten after a week (src/dialogs/forget-handled-updates.ts), never do.
 */
export const CLOCK_MILESTONE_KEY_PREFIX = 'clock:';

async function recordMilestone(
  db: PrismaClient,
  m: { caseId: string; reference: string; clock: TClockName; milestone: TClockMilestone; dueAt: Date; now: Date; timeZone: string },
): Promise<boolean> {
  const key = `${CLOCK_MILESTONE_KEY_PREFIX}${m.caseId}:${m.clock}:${m.dueAt.toISOString()}:${m.milestone}`;
  try {
    await db.$transaction(async (tx) => {
      await tx.processedUpdate.create({ data: { key, createdAt: m.now } });
      await recordEvent(tx, {
        caseId: m.caseId,
        type: EVENT_TYPE[m.milestone],
        actor: { type: 'system' },
        at: m.now,
        note: `${CLOCK_LABEL[m.clock]}: ${MILESTONE_LABEL[m.milestone]}`,
        data: { clock: m.clock, milestone: m.milestone, dueAt: m.dueAt.toISOString() },
      });
      await tx.staffNotification.create({
        data: {
          type: m.milestone === 'breached' ? 'clock_breached' : 'clock_near_breach',
          caseId: m.caseId,
          // Staff read the due time as the console shows it, in the bank's zone (not UTC ISO).
          message: `${m.reference}: ${CLOCK_LABEL[m.clock]} ${MILESTONE_LABEL[m.milestone]} (due ${formatStaffTime(m.dueAt, m.timeZone)})`,
          createdAt: m.now,
        },
      });
    });
    return true;
  } catch (e) {
    // Another sweep (another instance) recorded it first.
    if ((e as { code?: string }).code === 'P2002') return false;
    throw e;
  }
}
