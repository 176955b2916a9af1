/**
 * `npm run staff -- <command>`: staff accounts from the command line.
 *
 *   create-admin --email E --name N [--password-stdin]   the first (or another) admin
 *   create-user  --email E --name N --role agent|supervisor|admin [--password-stdin]
 *   create-token --email E --name "laptop" [--days 90]   a personal API token, printed once; expires
 *                                                        after --days days (1 to 365, default 90)
 *   list-users
 *   unlock       --email E                               clears a login lock-out (the account's and its browsers')
 *
 * Without --password-stdin the password is asked for twice on the terminal, without echo.
 * Uses DATABASE_URL like the server (the database is created and migrated if needed).
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { AUTOMATION_EMAIL, createStaffToken, createStaffUser, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ZStaffRole, ZTokenDays } from './staff/accounts.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output: out, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function password(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the password: use --password-stdin');
  const first = await promptHidden('Password (at least 12 characters): ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new Error('the passwords differ');
  return first;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      days: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const config = loadConfig();
  const db = await openDatabase(config.DATABASE_URL);
  const now = new Date();
  try {
    switch (command) {
      case 'create-admin':
      case 'create-user': {
        const role = command === 'create-admin' ? 'admin' : ZStaffRole.safeParse(values.role).data;
        if (!values.email || !values.name || !role) {
          console.error(`usage: npm run staff -- ${command} --email E --name N${command === 'create-user' ? ' --role agent|supervisor|admin' : ''} [--password-stdin]`);
          return 2;
        }
        const r = await createStaffUser(db, { email: values.email, displayName: values.name, role, password: await password(values['password-stdin']) }, now);
        if (!r.ok) {
          console.error(`Not created: ${r.error.message}`);
          return 1;
        }
        process.stdout.write(`Created ${role} ${r.value.email} (id ${r.value.id}). Log in at ${config.publicUrl}/staff\n`);
        return 0;
      }
      case 'create-token': {
        const user = values.email ? await db.staffUser.findUnique({ where: { email: values.email.toLowerCase() } }) : null;
        const days = values.days === undefined ? ZTokenDays.safeParse(TOKEN_DEFAULT_DAYS) : ZTokenDays.safeParse(Number(values.days));
        if (!user || !user.active || !days.success) {
          console.error(`usage: npm run staff -- create-token --email E --name "what it is for" [--days 1..${TOKEN_MAX_DAYS}, default ${TOKEN_DEFAULT_DAYS}] (E must be an active staff user)`);
          return 2;
        }
        const t = await createStaffToken(db, user.id, values.name ?? 'cli', now, days.data);
        process.stdout.write(`${t.token}\n`);
        console.error(`Token ${t.id} for ${user.email} (${user.role}), expires ${t.expiresAt.toISOString()}. Shown once: store it now. Use: Authorization: Bearer <token>`);
        return 0;
      }
      case 'list-users': {
        const users = await db.staffUser.findMany({ where: { NOT: { email: AUTOMATION_EMAIL } }, orderBy: { createdAt: 'asc' } });
        for (const u of users) process.stdout.write(`${u.id}\t${u.email}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.displayName}\n`);
        return 0;
      }
      case 'unlock': {
        const email = (values.email ?? '').toLowerCase();
        const r = await db.staffUser.updateMany({ where: { email }, data: { failedLogins: 0, lockedUntil: null } });
        // The browsers they have logged in from count their own failures: those locks go too.
        await db.staffDevice.updateMany({ where: { user: { email } }, data: { failedLogins: 0, lockedUntil: null } });
        process.stdout.write(r.count ? 'Unlocked.\n' : 'No such user.\n');
        return r.count ? 0 : 1;
      }
      default:
        console.error('commands: create-admin, create-user, create-token, list-users, unlock (see src/cases/staff-cli.ts)');
        return 2;
    }
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
