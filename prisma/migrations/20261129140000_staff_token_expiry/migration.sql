-- Personal API tokens expire. Tokens made before had no expiry: they get 90 days from this
-- upgrade (the default lifetime of a new token), so automation using one keeps working for a
-- while and its owner can see the date at /staff/account and make a new one in time.
-- SQLite adds a NOT NULL column only with a constant default, so the table is redefined.

-- RedefineTable
CREATE TABLE "new_StaffToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "StaffToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "StaffUser" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Dates as the Prisma driver adapter writes them (src/db/sqlite-writer.ts `sqlDate`).
INSERT INTO "new_StaffToken" ("id", "createdAt", "userId", "name", "tokenHash", "lastUsedAt", "revokedAt", "expiresAt")
SELECT "id", "createdAt", "userId", "name", "tokenHash", "lastUsedAt", "revokedAt", strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '+90 days') FROM "StaffToken";
DROP TABLE "StaffToken";
ALTER TABLE "new_StaffToken" RENAME TO "StaffToken";
CREATE UNIQUE INDEX "StaffToken_tokenHash_key" ON "StaffToken"("tokenHash");
