-- Browsers staff have logged in from (OWASP "device cookies"): wrong passwords from such a browser
-- are counted on its row, so a lock-out caused from elsewhere never keeps a staff member out of
-- their own browser. Browsers without one count on "StaffUser"."failedLogins" as before.

-- CreateTable
CREATE TABLE "StaffDevice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    CONSTRAINT "StaffDevice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "StaffUser" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "StaffDevice_userId_idx" ON "StaffDevice"("userId");
