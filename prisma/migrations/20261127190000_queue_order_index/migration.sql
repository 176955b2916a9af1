-- The staff queue order (severity, first-response deadline, newest first) served by an index (issue 7).
CREATE INDEX "Case_severity_firstResponseDueAt_createdAt_idx" ON "Case"("severity", "firstResponseDueAt", "createdAt" DESC);
