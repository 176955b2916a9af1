import type { PrismaClient } from '@prisma/client';
import { loadWorkableCase, staffActor, type ActionResult, type StaffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { err, ok } from './result.js';

/** Masks a name for display: first character kept ("张**", "J*** S****"). */
export function maskName(name: string | null): string | null {
  if (!name) return null;
  return name
    .trim()
    .split(/\s+/)
    .map((w) => [...w][0] + '*'.repeat(Math.max(1, [...w].length - 1)))
    .join(' ');
}

/** Masks a phone number for display: only the last four digits stay ("*******5678"). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/**
 * Shows a staff member the customer's name and phone, which the console and API mask by
 * default; each reveal is on the timeline (who, when, why) — an access log for personal data.
 * Only for whoever may work the case: an agent not on another's case, nobody the complaint names.
 */
export async function revealCustomerContact(opts: {
  db: PrismaClient;
  actor: StaffActor;
  reference: string;
  reason?: string;
  now: Date;
}): Promise<ActionResult<{ name: string | null; phone: string | null }>> {
  const { db, actor, now } = opts;
  // Whoever may work the case, closed ones included (a later query); not a colleague's case.
  const loaded = await loadWorkableCase(db, actor, opts.reference, { mustBeOpen: false });
  if (!loaded.ok) return loaded;
  const kase = loaded.value;
  if (!kase.customerName && !kase.customerPhone) return err({ type: 'not_found', reason: 'no_contact', message: 'The customer gave no name or phone.' });
  await recordEvent(db, {
    caseId: kase.id,
    type: 'pii_revealed',
    actor: staffActor(actor),
    at: now,
    note: opts.reason?.trim() || null,
    data: { fields: [kase.customerName ? 'name' : null, kase.customerPhone ? 'phone' : null].filter(Boolean) },
  });
  return ok({ name: kase.customerName, phone: kase.customerPhone });
}
