-- The staff queue at 1 M cases (issue 7): one index per filter the queue offers, each ending in the
-- queue order (severity, first-response deadline, newest first, id), so a filtered page is read in
-- order from the index and the capped count never reads the table. Replaces the single-column
-- indexes they start with.
-- DropIndex
DROP INDEX "Case_status_severity_firstResponseDueAt_idx";

-- DropIndex
DROP INDEX "Case_business_idx";

-- DropIndex
DROP INDEX "Case_cause_idx";

-- DropIndex
DROP INDEX "Case_intakeChannel_idx";

-- DropIndex
DROP INDEX "Case_assigneeId_idx";

-- DropIndex (IF EXISTS: this index was added to the PostgreSQL init migration after that migration
-- was first written, so a database created from the earlier init does not have it)
DROP INDEX IF EXISTS "Case_severity_firstResponseDueAt_createdAt_idx";

-- CreateIndex
CREATE INDEX "Case_queue_idx" ON "Case"("severity", "firstResponseDueAt", "createdAt" DESC, "id", "status");

-- CreateIndex
CREATE INDEX "Case_status_queue_idx" ON "Case"("status", "severity", "firstResponseDueAt", "createdAt" DESC, "id", "firstResponseAt", "regulatoryDueAt", "assigneeId");

-- CreateIndex
CREATE INDEX "Case_business_cause_queue_idx" ON "Case"("business", "cause", "severity", "firstResponseDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_cause_queue_idx" ON "Case"("cause", "severity", "firstResponseDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_assignee_queue_idx" ON "Case"("assigneeId", "severity", "firstResponseDueAt", "createdAt" DESC, "id", "status");

-- CreateIndex
CREATE INDEX "Case_channel_queue_idx" ON "Case"("channel", "severity", "firstResponseDueAt", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_intakeChannel_queue_idx" ON "Case"("intakeChannel", "severity", "firstResponseDueAt", "createdAt" DESC, "id");

