-- A case remembers the customer's message that filed it, so that message retried after its turn
-- failed to commit gets the same case back instead of a second one (src/cases/create-case.ts).
-- AlterTable
ALTER TABLE "Case" ADD COLUMN "dedupeKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Case_dedupeKey_key" ON "Case"("dedupeKey");
