import type { Prisma } from '@prisma/client';
import { civilDateInZone } from './clocks/zoned-time.js';

type Tx = Prisma.TransactionClient;

/** Calendar date (YYYYMMDD) of an instant in the bank's time zone. */
export function bankDay(at: Date, timeZone: string): string {
  return civilDateInZone(at, timeZone).replaceAll('-', '');
}

/** `C-20261127-0042`; the sequence widens past 9999 rather than wrapping. */
export function formatReference(day: string, seq: number): string {
  return `C-${day}-${String(seq).padStart(4, '0')}`;
}

export const REFERENCE_PATTERN = /^C-\d{8}-\d{4,}$/;

/**
 * Takes the next customer-visible reference for the bank day of `now`. Runs inside the caller's
 * transaction: the counter row is incremented by the database itself (`last = last + 1`), so two
 * concurrent intakes, on one instance or several, never receive the same number.
 */
export async function allocateReference(tx: Tx, { now, timeZone }: { now: Date; timeZone: string }): Promise<string> {
  const day = bankDay(now, timeZone);
  const row = await tx.referenceCounter.upsert({
    where: { day },
    create: { day, last: 1 },
    update: { last: { increment: 1 } },
    select: { last: true },
  });
  return formatReference(day, row.last);
}
