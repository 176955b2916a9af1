import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/cases/classification/rules.js';
import { civilDateInZone, loadPolicy } from '../../src/cases/clocks/index.js';
import { createCase } from '../../src/cases/create-case.js';
import { touchChannelAccount } from '../../src/cases/customers.js';
import { createDomainEvents } from '../../src/cases/domain-events.js';
import { repeatComplainants } from '../../src/cases/reports/report-tables.js';
import { dialectOf } from '../../src/cases/reports/summary.js';
import { requestReview } from '../../src/cases/surveys/request-review.js';
import type { Db } from '../../src/db/client.js';
import { openTestDatabase } from '../support/db.js';

let db: Db;
let url: string;
beforeAll(async () => {
  ({ db, url } = await openTestDatabase('cd-review-'));
});
afterAll(async () => db?.$disconnect());

describe('a review (核查)', () => {
  it("tells staff the review's due date in the bank's zone, west of UTC too", async () => {
    const policy = loadPolicy('us');
    // 10:00 UTC is 05:00 in New York: the 30 days end at 23:59 on 29 Dec there, 04:59 UTC on the 30th.
    const now = new Date('2026-11-29T10:00:00Z');
    const account = await touchChannelAccount(db, { intakeChannel: 'telegram', externalUserId: '4242', conversationKey: 'telegram:4242', conversationRef: { kind: 'telegram', chatId: 4242 }, now });
    const parent = await createCase(
      {
        answers: { description: 'The branch charged me a fee I was told was waived', name: 'Ann Lee', phone: '+14155552671' },
        customerId: account.customerId,
        channelAccountId: account.accountId,
        conversationKey: 'telegram:4242',
        intakeChannel: 'telegram',
        language: 'en',
        incomplete: false,
        humanRequested: false,
        now,
      },
      { db, classifier: createRuleClassifier(), policy },
    );
    await db.case.update({ where: { id: parent.id }, data: { status: 'closed', resolution: 'The fee stands.', resolvedAt: now, closedAt: now } });

    const review = await requestReview({ db, events: createDomainEvents(() => undefined), policy }, { reference: parent.reference, customerId: account.customerId, now, trigger: 'survey' });

    expect(review).not.toBeNull();
    expect(civilDateInZone(review!.regulatoryDueAt, policy.timeZone)).toBe('2026-12-29');
    const alert = await db.staffNotification.findFirstOrThrow({ where: { type: 'review_requested', caseId: review!.caseId } });
    expect(alert.message).toContain('due 2026-12-29.');
    // One complaint and its review: no repeat complainant.
    expect(await repeatComplainants({ db, dialect: dialectOf(url) }, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') })).toEqual([]);
  });
});
