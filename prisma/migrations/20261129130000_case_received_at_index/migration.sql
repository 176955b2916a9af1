-- The reports count the cases received in a range (src/cases/reports): without this index each
-- of their counts read the whole Case table.
-- CreateIndex
CREATE INDEX "Case_receivedAt_idx" ON "Case"("receivedAt");
