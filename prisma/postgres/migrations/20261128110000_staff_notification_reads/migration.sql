-- Alerts are read per staff user: one person's "Mark all read" no longer hides them from the
-- others. "Mark all read" moves the user's "notificationsReadThrough"; one alert read is a
-- "StaffNotificationRead" row. The global "readAt" goes; what it said is carried over for every
-- existing user: the alerts before the oldest unread one through the watermark, the read ones
-- after it as rows.

-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN "notificationsReadThrough" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StaffNotificationRead" (
    "notificationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffNotificationRead_pkey" PRIMARY KEY ("notificationId","userId")
);

-- CreateIndex
CREATE INDEX "StaffNotificationRead_userId_idx" ON "StaffNotificationRead"("userId");

-- AddForeignKey
ALTER TABLE "StaffNotificationRead" ADD CONSTRAINT "StaffNotificationRead_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "StaffNotification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffNotificationRead" ADD CONSTRAINT "StaffNotificationRead_userId_fkey" FOREIGN KEY ("userId") REFERENCES "StaffUser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Carry the global read state over to each existing user.
UPDATE "StaffUser" SET "notificationsReadThrough" = (
    SELECT MAX(n."createdAt") FROM "StaffNotification" n
    WHERE n."readAt" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "StaffNotification" u WHERE u."readAt" IS NULL AND u."createdAt" <= n."createdAt")
);

INSERT INTO "StaffNotificationRead" ("notificationId", "userId", "readAt")
SELECT n."id", s."id", n."readAt" FROM "StaffNotification" n CROSS JOIN "StaffUser" s
WHERE n."readAt" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "StaffNotification" u WHERE u."readAt" IS NULL AND u."createdAt" <= n."createdAt");

-- AlterTable
ALTER TABLE "StaffNotification" DROP COLUMN "readAt";
