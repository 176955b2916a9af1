import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { eraseCustomerData } from './erase-customer-data.js';

const usage = 'usage: npm run privacy -- erase (--reference C-YYYYMMDD-NNNN | --customer <id>) [--close-open-cases]';

/** Exit code of a refusal because the customer still has open cases (1: not found, 2: usage). */
const EXIT_OPEN_CASES = 3;

/**
 * `npm run privacy -- erase --reference C-…`: a customer's right to erasure, statistics kept.
 * Refuses a customer with open cases unless `--close-open-cases` closes them as withdrawn first.
 */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { reference: { type: 'string' }, customer: { type: 'string' }, 'close-open-cases': { type: 'boolean' } },
  });
  // Exactly one of the two: given both, which customer to erase would be a guess, and a guess
  // here cannot be undone.
  if (positionals[0] !== 'erase' || positionals.length > 1 || !values.reference === !values.customer) {
    console.error(usage);
    process.exit(2);
  }
  const config = loadConfig();
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const result = await eraseCustomerData(db, {
      reference: values.reference,
      customerId: values.customer,
      dataDir: config.dataDir,
      now: new Date(),
      closeOpenCases: values['close-open-cases'] ?? false,
    });
    if (!result.ok) {
      if (result.error.type === 'open_cases') {
        const { customerId, references } = result.error;
        console.error(
          `Customer ${customerId} has ${references.length} open case(s): ${references.join(', ')}. Nothing was erased.\n` +
            'Once erased, these could not be answered or investigated, yet would stay in the queue. Either decide them in the staff console first,\n' +
            'or run again with --close-open-cases to close them as withdrawn at the customer\'s request (clocks stopped, no survey) and erase.',
        );
        process.exitCode = EXIT_OPEN_CASES;
        return;
      }
      console.error('No such customer or case.');
      process.exitCode = 1;
      return;
    }
    const s = result.value;
    if (s.closedCases.length > 0) process.stdout.write(`Closed as withdrawn: ${s.closedCases.join(', ')}.\n`);
    if (s.alreadyErasedAt) {
      process.stdout.write(`Customer ${s.customerId} was erased on ${s.alreadyErasedAt.toISOString()}: nothing left to erase.\n`);
      return;
    }
    process.stdout.write(`Erased customer ${s.customerId}: ${s.cases} case(s) kept for statistics, ${s.messages} message(s) and ${s.evidenceFiles} file(s) erased.\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
