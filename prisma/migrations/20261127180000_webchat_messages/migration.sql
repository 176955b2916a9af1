-- CreateTable
CREATE TABLE "WebChatMessage" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sessionId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "inReplyTo" TEXT
);

-- CreateIndex
CREATE INDEX "WebChatMessage_sessionId_seq_idx" ON "WebChatMessage"("sessionId", "seq");
