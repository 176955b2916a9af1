import type { PrismaClient } from '@prisma/client';
import { loadActionCase, notNamedIn, staffActor, type ActionResult, type StaffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { err, ok } from './result.js';

/**
 * An internal note on a case: never sent to the customer. Any staff member may add one, also on
 * a closed case (notes are how later findings are kept with the archive), except someone the
 * complaint names (回避): a note steers how colleagues see the case, so it is acting on it.
 */
export async function addCaseNote(opts: { db: PrismaClient; actor: StaffActor; reference: string; text: string; now: Date }): Promise<ActionResult<{ noteId: string }>> {
  const { db, actor, now } = opts;
  const loaded = await loadActionCase(db, opts.reference);
  if (!loaded.ok) return loaded;
  const unnamed = notNamedIn(actor, loaded.value);
  if (!unnamed.ok) return unnamed;
  const text = opts.text.trim();
  if (!text) return err({ type: 'invalid', reason: 'text_required', message: 'A note needs text.' });
  const note = await db.$transaction(async (tx) => {
    const n = await tx.caseNote.create({ data: { caseId: loaded.value.id, authorId: actor.userId, text, createdAt: now }, select: { id: true } });
    await recordEvent(tx, { caseId: loaded.value.id, type: 'note_added', actor: staffActor(actor), at: now, data: { noteId: n.id } });
    return n;
  });
  return ok({ noteId: note.id });
}
