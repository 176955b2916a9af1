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

-- AlterTable
ALTER TABLE "Case" ADD COLUMN "nextDueAt" TIMESTAMP(3);

UPDATE "Case" SET "nextDueAt" = CASE WHEN "firstResponseAt" IS NULL AND "firstResponseDueAt" < "regulatoryDueAt" THEN "firstResponseDueAt" ELSE "regulatoryDueAt" END;

ALTER TABLE "Case" ALTER COLUMN "nextDueAt" SET NOT NULL;

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
