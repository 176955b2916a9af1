-- The queue's filter by escalation level (frontline / back office / leadership), served like the
-- others at 1 M cases: the index ends in the queue order, then status for the open cases.
-- CreateIndex
CREATE INDEX "Case_escalation_queue_idx" ON "Case"("escalationLevel", "severity", "nextDueAt", "createdAt" DESC, "id", "status");
