import type { PrismaClient } from '@prisma/client';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { loadWorkableCase, staffActor, type ActionResult, type StaffActor } from './case-action.js';
import { recordEvent } from './case-events.js';
import { maskNumbersForStaff } from './classification/pii.js';
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

/** A stored phone's number and its extension, which the intake writes after it as " ext. 23". */
function splitExtension(phone: string): [number: string, ext: string | undefined] {
  const [number = '', ext] = phone.split(/\s*ext\.\s*/);
  return [number, ext];
}

/**
 * Masks a phone number for display: only the last four digits stay ("*******5678"). An extension
 * as the intake stores it ("01065123456 ext. 23") stays readable after the masked number, so the
 * four digits shown are the number's own.
 */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const [number, ext] = splitExtension(phone);
  const digits = number.replace(/\D/g, '');
  const masked = digits.length <= 4 ? '****' : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return ext ? `${masked} ext. ${ext}` : masked;
}

/**
 * A customer's words as staff screens show them: card, ID and phone numbers keep their last four
 * digits, and the customer's own name and phone are masked wherever they appear (the transcript
 * holds the answers to "What is your name?"), so the recorded Reveal stays the one way to read
 * them. Stored texts are unchanged (the data-retention command erases them).
 */
export function maskForStaff(text: string, contact: { customerName: string | null; customerPhone: string | null }): string {
  let shown = maskNumbersForStaff(text);
  const name = contact.customerName?.trim();
  if (name && [...name].length >= 2) shown = shown.split(name).join(maskName(name) ?? '');
  const phone = contact.customerPhone?.trim();
  // As stored (+447700900123) and as a shared contact arrives (447700900123).
  for (const form of phone && phone.length >= 5 ? new Set([phone, phone.replace(/^\+/, '')]) : []) shown = shown.split(form).join(maskPhone(form) ?? '');
  // As the customer typed it: a local number ("07700 900123", "415 555 2671", "010 6512 3456")
  // is stored in another form, and no general phone pattern reads every country's.
  const typed = phone ? typedPhonePattern(phone) : null;
  if (typed) shown = shown.replace(typed, (m) => maskPhone(m.normalize('NFKC')) ?? m);
  return shown;
}

// Between the digits of a typed number: spaces, dashes, dots, brackets, half- or full-width.
const SEP = '[\\s\\-.()\\u3000\\uFF08\\uFF09\\uFF0D]*';
const digitClass = (d: string) => `[${d}${String.fromCharCode(0xff10 + Number(d))}]`;
const digitRun = (digits: string) => [...digits].map(digitClass).join(SEP);

/**
 * Every way a customer may type the stored phone: its national digits with any separators,
 * after the country code (+44, 0044, 44) or the trunk 0, in half- or full-width digits. Stored
 * phones are E.164 or, for a Chinese number at a Chinese bank, national ("01065123456"); an
 * extension (" ext. 23") is left out, as maskPhone leaves it readable. Null for fewer than five
 * digits, which would mask ordinary numbers in the text.
 */
function typedPhonePattern(stored: string): RegExp | null {
  const [number] = splitExtension(stored);
  const parsed = parsePhoneNumberFromString(number, number.startsWith('+') ? undefined : 'CN');
  const national = parsed?.nationalNumber ?? number.replace(/\D/g, '');
  if (national.length < 5) return null;
  const country = parsed ? `(?:(?:[+\\uFF0B]|00)?${digitRun(parsed.countryCallingCode)}${SEP})?` : '';
  return new RegExp(`(?<![0-9\\uFF10-\\uFF19])${country}(?:${digitClass('0')}${SEP})?${digitRun(national)}(?![0-9\\uFF10-\\uFF19])`, 'g');
}

/** {@link maskForStaff} for one case's texts, passing null through (an empty optional field). */
export function staffMasker(contact: { customerName: string | null; customerPhone: string | null }) {
  return <T extends string | null>(text: T): T => (text === null ? text : (maskForStaff(text, contact) as T));
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
