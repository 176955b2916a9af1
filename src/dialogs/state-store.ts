import type { Prisma, PrismaClient } from '@prisma/client';

export interface StoredState {
  json: string | null;
  version: number;
}

/**
 * Dialog state keyed by conversation (CONVENTIONS.md §2). `save` succeeds only if nobody saved
 * since `load` (optimistic version), so two instances never both advance one conversation.
 */
export interface DialogStateStore {
  load(conversationKey: string): Promise<StoredState>;
  /** False when the stored version moved on since `expectedVersion`. */
  save(conversationKey: string, json: string, expectedVersion: number): Promise<boolean>;
  delete(conversationKey: string): Promise<void>;
}

/** `db` may be a transaction's client (the Prisma turn store saves inside `close`'s transaction). */
export function createPrismaStateStore(db: Prisma.TransactionClient): DialogStateStore {
  return {
    async load(conversationKey) {
      const row = await db.dialogState.findUnique({ where: { conversationKey }, select: { state: true, version: true } });
      return row ? { json: row.state || null, version: row.version } : { json: null, version: 0 };
    },
    async save(conversationKey, json, expectedVersion) {
      if (expectedVersion === 0) {
        const existing = await db.dialogState.findUnique({ where: { conversationKey }, select: { version: true } });
        if (!existing) {
          try {
            await db.dialogState.create({ data: { conversationKey, state: json, version: 1 } });
            return true;
          } catch (e) {
            if ((e as { code?: string }).code === 'P2002') return false;
            throw e;
          }
        }
      }
      const res = await db.dialogState.updateMany({
        where: { conversationKey, version: expectedVersion },
        data: { state: json, version: { increment: 1 } },
      });
      return res.count === 1;
    },
    async delete(conversationKey) {
      await db.dialogState.deleteMany({ where: { conversationKey } });
    },
  };
}

/**
 * A lease on one conversation across instances: a turn holds it while it runs, and a crashed
 * instance's lease simply expires. Inside one process a keyed queue does the same without
 * touching the database.
 */
export interface ConversationLease {
  acquire(conversationKey: string, owner: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Extends a lease `owner` still holds (never takes one back after release); false if lost. */
  renew(conversationKey: string, owner: string, now: Date, ttlMs: number): Promise<boolean>;
  release(conversationKey: string, owner: string): Promise<void>;
}

export function createPrismaLease(db: PrismaClient): ConversationLease {
  return {
    async acquire(conversationKey, owner, now, ttlMs) {
      const until = new Date(now.getTime() + ttlMs);
      const res = await db.dialogState.updateMany({
        where: { conversationKey, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }, { lockedBy: owner }] },
        data: { lockedUntil: until, lockedBy: owner },
      });
      if (res.count === 1) return true;
      try {
        // First turn of a conversation: the row does not exist yet.
        await db.dialogState.create({ data: { conversationKey, state: '', version: 0, lockedUntil: until, lockedBy: owner } });
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === 'P2002') return false;
        throw e;
      }
    },
    async renew(conversationKey, owner, now, ttlMs) {
      const res = await db.dialogState.updateMany({ where: { conversationKey, lockedBy: owner }, data: { lockedUntil: new Date(now.getTime() + ttlMs) } });
      return res.count === 1;
    },
    async release(conversationKey, owner) {
      await db.dialogState.updateMany({ where: { conversationKey, lockedBy: owner }, data: { lockedUntil: null, lockedBy: null } });
    },
  };
}
