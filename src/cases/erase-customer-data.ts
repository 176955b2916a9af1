import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { OPEN_STATUSES } from './case-action.js';
import { recordEvent } from './case-events.js';
import { refreshNextDue } from './refresh-next-due.js';
import { err, ok, type Result } from './result.js';

export const ERASED = '[erased on request]';

/** The resolution and root cause of an open case closed because its customer's data is erased. */
export const WITHDRAWN_RESOLUTION = 'Withdrawn: the customer asked for their personal data to be erased (客户要求删除个人信息，投诉撤回).';
export const WITHDRAWN_ROOT_CAUSE = 'Not investigated: withdrawn on erasure request';

export interface ErasureSummary {
  customerId: string;
  cases: number;
  /** References of the open cases closed as withdrawn before the erasure (`closeOpenCases`). */
  closedCases: string[];
  messages: number;
  evidenceFiles: number;
  /** When the customer had already been erased: nothing was erased again (0 messages, 0 files). */
  alreadyErasedAt: Date | null;
}

export type ErasureError =
  | { type: 'not_found' }
  /** The customer still has cases in the queue; nothing was changed. */
  | { type: 'open_cases'; customerId: string; references: string[] };

/**
 * Erases what identifies a customer, on their request, while keeping the statistics: cases keep
 * their classification, severity, dates, clocks, outcome and survey answers; names, phone
 * numbers, complaint text, survey comments, transcripts, evidence files and chat identities are
 * removed or replaced. Idempotent: a customer already erased (`anonymizedAt`) is left as they
 * are, with no new timeline event and no timestamp moved (`alreadyErasedAt` says when it was).
 *
 * A customer with open cases is refused (`open_cases`, nothing changed): once erased, such a case
 * could neither be answered nor investigated, yet would stay in the queue raising breach alerts.
 * With `closeOpenCases` they are first closed as withdrawn (WITHDRAWN_RESOLUTION), their clocks
 * stopped at `now`, in the same transaction as the erasure. No survey follows (nobody is left to
 * ask) and nothing is sent to the customer: the request came to the bank outside the chat.
 * `dataDir` is the folder downloaded evidence lives under (config.dataDir): Evidence.localPath is
 * relative to it (src/bot/telegram-evidence.ts), not to the directory the command runs in.
 */
export async function eraseCustomerData(
  db: PrismaClient,
  {
    customerId,
    reference,
    dataDir,
    now,
    closeOpenCases = false,
  }: { customerId?: string; reference?: string; dataDir: string; now: Date; closeOpenCases?: boolean },
): Promise<Result<ErasureSummary, ErasureError>> {
  const id =
    customerId ?? (reference ? (await db.case.findUnique({ where: { reference }, select: { customerId: true } }))?.customerId : undefined);
  const customer = id ? await db.customer.findUnique({ where: { id }, select: { id: true, anonymizedAt: true } }) : null;
  if (!customer) return err({ type: 'not_found' });

  const cases = await db.case.findMany({ where: { customerId: customer.id }, select: { id: true, reference: true, status: true }, orderBy: { reference: 'asc' } });
  const caseIds = cases.map((c) => c.id);
  const open = cases.filter((c) => (OPEN_STATUSES as readonly string[]).includes(c.status));
  // Checked before anything is touched, evidence files included: a refusal changes nothing.
  if (open.length > 0 && !closeOpenCases) return err({ type: 'open_cases', customerId: customer.id, references: open.map((c) => c.reference) });
  const accounts = await db.channelAccount.findMany({
    where: { customerId: customer.id },
    select: { id: true, conversationKey: true, conversationRef: true },
  });
  // The web page keeps the bot's messages for replay; they repeat names and phone numbers.
  const webSessions = accounts.flatMap((a) => {
    const ref = JSON.parse(a.conversationRef) as { kind?: string; sessionId?: unknown };
    return ref.kind === 'webpage' && typeof ref.sessionId === 'string' ? [ref.sessionId] : [];
  });
  // Telegram messages waiting to be sent (src/bot/telegram-outbox.ts: one job per chat, found by
  // this key) hold the bot's reply text until they go out.
  const telegramChats = accounts.flatMap((a) => {
    const ref = JSON.parse(a.conversationRef) as { kind?: string; chatId?: unknown };
    return ref.kind === 'telegram' && (typeof ref.chatId === 'number' || typeof ref.chatId === 'string') ? [ref.chatId] : [];
  });
  const telegramQueues = telegramChats.map((chatId) => `telegram:deliver:${chatId}`);
  const keys = accounts.map((a) => a.conversationKey);
  const erasedAt = customer.anonymizedAt;
  // An erased customer's files are gone already (their paths were cleared with them).
  const files = erasedAt
    ? []
    : await db.evidence.findMany({
        where: { OR: [{ caseId: { in: caseIds } }, { conversationKey: { in: keys } }] },
        select: { localPath: true },
      });
  const folders = new Set<string>();
  for (const f of files) {
    if (!f.localPath) continue;
    const file = path.resolve(dataDir, f.localPath);
    fs.rmSync(file, { force: true });
    folders.add(path.dirname(file));
  }
  // Each conversation's files have a folder of their own, named after its conversation key (the
  // Telegram chat id): once empty it goes too. Anything else still in it is left alone.
  for (const folder of folders) {
    try {
      fs.rmdirSync(folder);
    } catch {
      // not empty, or already gone
    }
  }

  const summary = await db.$transaction(async (tx) => {
    const closedCases: string[] = [];
    for (const c of open) {
      // Open → closed at once: there is no decision to communicate, so no `resolved` step (and no
      // `case.resolved`, which would schedule a survey). A case a staff member resolved meanwhile
      // is left as they decided it.
      const closed = await tx.case.updateMany({
        where: { id: c.id, status: { in: [...OPEN_STATUSES] } },
        data: { status: 'closed', closedAt: now, resolution: WITHDRAWN_RESOLUTION, rootCause: WITHDRAWN_ROOT_CAUSE },
      });
      if (closed.count === 0) continue;
      // The clocks stop here, at `closedAt`: no response or decision is recorded, since none was
      // given (the reports count a clock that ran out before the closure as missed, and leave
      // one closed in time out, src/cases/reports/summary.ts).
      await refreshNextDue(tx, c.id);
      // As any closure does, it ends a staff member's hold on the conversation.
      const handedBack = await tx.channelAccount.updateMany({ where: { handoffCaseId: c.id }, data: { handoffCaseId: null } });
      if (handedBack.count > 0) {
        await recordEvent(tx, { caseId: c.id, type: 'handoff_ended', actor: { type: 'system' }, at: now, note: 'case closed' });
      }
      await recordEvent(tx, {
        caseId: c.id,
        type: 'closed',
        actor: { type: 'system' },
        at: now,
        note: 'withdrawn: customer data erased on request',
        data: { from: c.status, to: 'closed', rootCause: WITHDRAWN_ROOT_CAUSE, reason: 'customer_data_erased' },
      });
      closedCases.push(c.reference);
    }
    const nothingLeft = (at: Date | null) => ({ customerId: customer.id, cases: caseIds.length, closedCases, messages: 0, evidenceFiles: 0, alreadyErasedAt: at });
    // Erased before: only open cases left behind then (before erasure refused them) are closed
    // above. The claim below makes two runs at once erase once.
    if (erasedAt) return nothingLeft(erasedAt);
    const claimed = await tx.customer.updateMany({
      where: { id: customer.id, anonymizedAt: null },
      data: { name: null, phone: null, anonymizedAt: now, surveyOptOut: true },
    });
    if (claimed.count === 0) return nothingLeft((await tx.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { anonymizedAt: true } })).anonymizedAt);
    // dedupeKey names the message that filed the case, the web page's session id included; it only
    // matters while that message may be retried, long over by now.
    await tx.case.updateMany({
      where: { customerId: customer.id },
      data: { description: ERASED, desiredResolution: null, customerName: null, customerPhone: null, summary: null, dedupeKey: null },
    });
    const messages = await tx.transcriptMessage.updateMany({
      where: { OR: [{ caseId: { in: caseIds } }, { conversationKey: { in: keys } }] },
      data: { text: ERASED, meta: '{}' },
    });
    await tx.evidence.updateMany({
      where: { OR: [{ caseId: { in: caseIds } }, { conversationKey: { in: keys } }] },
      data: { caption: null, fileName: null, localPath: null, fileId: ERASED },
    });
    await tx.caseNote.updateMany({ where: { caseId: { in: caseIds } }, data: { text: ERASED } });
    // The timeline keeps the questions staff asked the customer, which may repeat personal
    // details, and the customer's own survey comment.
    await tx.caseEvent.updateMany({ where: { caseId: { in: caseIds }, type: { in: ['info_requested', 'survey_comment'] } }, data: { note: ERASED } });
    // A survey answer typed as a sentence keeps the sentence in its note; a bare answer has none.
    await tx.caseEvent.updateMany({ where: { caseId: { in: caseIds }, type: 'survey_answered', note: { not: null } }, data: { note: ERASED } });
    // The survey's answers (solved, score) are statistics; the comment is the customer's words.
    await tx.survey.updateMany({ where: { caseId: { in: caseIds }, comment: { not: null } }, data: { comment: ERASED } });
    for (const a of accounts) {
      // The chat identity is replaced by a one-way hash: the customer cannot be reached or
      // recognised again, and a new message from them starts afresh.
      const pseudonym = createHash('sha256').update(a.id).digest('hex').slice(0, 24);
      const erasedKey = `erased:${pseudonym}`;
      // The conversation key is the chat identity too (the Telegram chat id, the web page's
      // session id). Left on these rows, a new complaint from the same chat would take the
      // erased lines and files not yet on a case as its own (create-case attaches them by key).
      await tx.transcriptMessage.updateMany({ where: { conversationKey: a.conversationKey }, data: { conversationKey: erasedKey } });
      await tx.evidence.updateMany({ where: { conversationKey: a.conversationKey }, data: { conversationKey: erasedKey } });
      await tx.case.updateMany({ where: { conversationKey: a.conversationKey }, data: { conversationKey: erasedKey } });
      await tx.channelAccount.update({
        where: { id: a.id },
        data: {
          externalUserId: `erased-${pseudonym}`,
          conversationKey: erasedKey,
          conversationRef: '{}',
          reachable: false,
          unreachableReason: 'erased',
        },
      });
    }
    await tx.dialogState.deleteMany({ where: { conversationKey: { in: keys } } });
    await tx.webChatMessage.deleteMany({ where: { sessionId: { in: webSessions } } });
    // Emptied and its key given back, the queue is dropped by its job's next run (a running
    // job finds it so and stops): the erased customer cannot be reached anyway.
    // Queues that went out keep their chat id in the finished job's payload (`{"chatId":…,
    // "items":[]}`, as telegram-outbox.ts writes it): it goes too.
    const chatIdIn = telegramChats.flatMap((chatId) => [`"chatId":${JSON.stringify(chatId)},`, `"chatId":${JSON.stringify(chatId)}}`]);
    await tx.job.updateMany({
      where: { type: 'telegram.deliver', OR: [{ dedupeKey: { in: telegramQueues } }, ...chatIdIn.map((c) => ({ payload: { contains: c } }))] },
      data: { payload: '{"chatId":0,"items":[]}', dedupeKey: null },
    });
    for (const caseId of caseIds) {
      await tx.caseEvent.create({ data: { caseId, type: 'customer_data_erased', actorType: 'system', createdAt: now } });
    }
    return { customerId: customer.id, cases: caseIds.length, closedCases, messages: messages.count, evidenceFiles: files.filter((f) => f.localPath).length, alreadyErasedAt: null };
  });
  return ok(summary);
}
