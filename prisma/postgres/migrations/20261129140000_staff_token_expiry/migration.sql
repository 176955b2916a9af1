-- Personal API tokens expire. Tokens made before had no expiry: they get 90 days from this
-- upgrade (the default lifetime of a new token), so automation using one keeps working for a
-- while and its owner can see the date at /staff/account and make a new one in time.

-- AlterTable
ALTER TABLE "StaffToken" ADD COLUMN "expiresAt" TIMESTAMP(3);
UPDATE "StaffToken" SET "expiresAt" = CURRENT_TIMESTAMP + INTERVAL '90 days';
ALTER TABLE "StaffToken" ALTER COLUMN "expiresAt" SET NOT NULL;
