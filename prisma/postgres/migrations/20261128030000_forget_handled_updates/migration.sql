-- Channel updates already handled are forgotten after a week (src/dialogs/forget-handled-updates.ts);
-- the oldest are found through this index instead of by reading the whole table.
-- CreateIndex
CREATE INDEX "ProcessedUpdate_createdAt_idx" ON "ProcessedUpdate"("createdAt");
