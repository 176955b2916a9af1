-- The reports' satisfaction figures count the surveys sent in a range (src/cases/reports): without
-- this index each of their counts read the whole Survey table.
-- CreateIndex
CREATE INDEX "Survey_sentAt_idx" ON "Survey"("sentAt");
