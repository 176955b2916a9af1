-- The queue is ordered by the deadline that matters next (severity first): the first response's
-- while it is not given, then the regulatory deadline. Ordering every open case by its
-- first-response deadline buried a case answered at once but close to its regulatory deadline.
-- "nextDueAt" is stored (src/cases/clocks/next-due.ts) so the queue indexes can end in it; they
-- replace the ones ending in "firstResponseDueAt". "overdue" is "nextDueAt" before now, so the
-- status index no longer carries "firstResponseAt" and "regulatoryDueAt" for it.
-- DropIndex
DROP INDEX "Case_queue_idx";

-- DropIndex
DROP INDEX "Case_status_queue_idx";

-- DropIndex
DROP INDEX "Case_business_cause_queue_idx";

-- DropIndex
DROP INDEX "Case_cause_queue_idx";

-- DropIndex
DROP INDEX "Case_assignee_queue_idx";

-- DropIndex
DROP INDEX "Case_channel_queue_idx";

-- DropIndex
DROP INDEX "Case_intakeChannel_queue_idx";

-- AlterTable: SQLite adds a NOT NULL column only with a default; every row gets its value below
-- and every writer sets it (the Prisma schema has no default, so the client requires it).
ALTER TABLE "Case" ADD COLUMN "nextDueAt" DATETIME NOT NULL DEFAULT '1970-01-01T00:00:00.000+00:00';

UPDATE "Case" SET "nextDueAt" = CASE WHEN "firstResponseAt" IS NULL AND "firstResponseDueAt" < "regulatoryDueAt" THEN "firstResponseDueAt" ELSE "regulatoryDueAt" END;

-- CreateIndex
CREATE INDEX "Case_queue_idx" ON "Case"("severity", "nextDueAt", "createdAt" DESC, "id", "status");

-- CreateIndex
CREATE INDEX "Case_status_queue_idx" ON "Case"("status", "severity", "nextDueAt", "createdAt" DESC, "id", "assigneeId");

-- CreateIndex
CREATE INDEX "Case_business_cause_queue_idx" ON "Case"("business", "cause", "severity", "nextDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_cause_queue_idx" ON "Case"("cause", "severity", "nextDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_assignee_queue_idx" ON "Case"("assigneeId", "severity", "nextDueAt", "createdAt" DESC, "id", "status");

-- CreateIndex
CREATE INDEX "Case_channel_queue_idx" ON "Case"("channel", "severity", "nextDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_intakeChannel_queue_idx" ON "Case"("intakeChannel", "severity", "nextDueAt", "createdAt" DESC, "id");
