import type { Prisma } from '@prisma/client';

export type ActorType = 'customer' | 'staff' | 'bot' | 'system';

export interface EventInput {
  caseId: string;
  type: string;
  actor: { type: ActorType; id?: string | null };
  at: Date;
  note?: string | null;
  data?: Record<string, unknown>;
}

/** Appends one entry to a case's timeline (who, when, why). Never logs or stores complaint text in `data`. */
export async function recordEvent(tx: Prisma.TransactionClient, e: EventInput): Promise<void> {
  await tx.caseEvent.create({
    data: {
      caseId: e.caseId,
      type: e.type,
      actorType: e.actor.type,
      actorId: e.actor.id ?? null,
      note: e.note ?? null,
      data: JSON.stringify(e.data ?? {}),
      createdAt: e.at,
    },
  });
}
