import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { eraseCustomerData } from './erase-customer-data.js';

const usage = 'usage: npm run privacy -- erase (--reference C-YYYYMMDD-NNNN | --customer <id>)';

/** `npm run privacy -- erase --reference C-…`: a customer's right to erasure, statistics kept. */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { reference: { type: 'string' }, customer: { type: 'string' } },
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
    const result = await eraseCustomerData(db, { reference: values.reference, customerId: values.customer, dataDir: config.dataDir, now: new Date() });
    if (!result.ok) {
      console.error('No such customer or case.');
      process.exitCode = 1;
      return;
    }
    const s = result.value;
    process.stdout.write(`Erased customer ${s.customerId}: ${s.cases} case(s) kept for statistics, ${s.messages} message(s) and ${s.evidenceFiles} file(s) erased.\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
