import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { PrismaClient } from '@prisma/client';
import { createBotFrameworkChannel } from './bot/botframework.js';
import { mountWebChat } from './bot/webchat.js';
import { detectFraud } from './cases/classification/fraud.js';
import { extractAmount } from './cases/classification/amount.js';
import { extractOccurredOn } from './cases/classification/date.js';
import { warmUpRules } from './cases/classification/warm-up.js';
import { memoizeClassifier } from './cases/classification/memo.js';
import type { Classifier } from './cases/classification/types.js';
import { loadPolicy, type ComplaintPolicy } from './cases/clocks/index.js';
import { createDomainEvents, type DomainEvents } from './cases/domain-events.js';
import { createCustomerMessenger, type CustomerMessenger } from './cases/messenger.js';
import { createStaffApiRouter } from './cases/staff/api-router.js';
import { requireStaff } from './cases/staff/auth.js';
import cookieParser from 'cookie-parser';
import { ensureFirstAdmin } from './cases/staff/accounts.js';
import { createStaffActionsRouter } from './cases/staff/actions-router.js';
import { createStaffConsole, staffPageHeaders } from './cases/staff/console/console-router.js';
import { sweepClocks } from './cases/sweep-clocks.js';
import { addCustomerInformation } from './cases/add-customer-information.js';
import { staffOpenApiDocument } from './cases/staff/openapi.js';
import { requireCsrf, sessionResolver, userTokenResolver } from './cases/staff/session.js';
import type { Config } from './config.js';
import { databaseKind, openDatabase, sqliteFilePath } from './db/client.js';
import { createSqliteCaseWriter } from './db/sqlite-case-writer.js';
import { createSqliteTurnStore } from './db/sqlite-turn-store.js';
import { openSqliteWriter } from './db/sqlite-writer.js';
import { createTurnRunner, type TurnRunner } from './dialogs/run-turn.js';
import { createHandledUpdatePruner } from './dialogs/forget-handled-updates.js';
import { limitTurnRate } from './dialogs/turn-rate-limit.js';
import { rateLimit } from 'express-rate-limit';
import { createClassifierFromConfig } from './llm/classifier-factory.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { rejectNul, rejectNulReviver } from './http/no-nul.js';
import { trackResponses } from './http/graceful-close.js';
import { mountRequestLog } from './http/request-log.js';
import { requireBearer } from './http/require-bearer.js';
import { startScheduler, type JobHandler, type Scheduler } from './cases/scheduler/index.js';
import { createSurveyService } from './cases/surveys/index.js';
import { scheduleStaffPurge, staffPurgeHandlers } from './cases/staff/purge-expired-access.js';
import { createMissedAnnouncementSweep, missedAnnouncementHandlers, scheduleMissedAnnouncementSweep, type MissedCase } from './cases/announce-missed-cases.js';
import { ALERT_SEVERITIES } from './bot/telegram-alerts.js';
import { createReportsApiRouter, createReportsPageRouter, dialectOf, requireStaffPage } from './cases/reports/index.js';

/** The largest file a Bot Framework activity may carry inside itself as a `data:` URI. */
const CARRIED_FILE_MAX_BYTES = 1024 * 1024;

export interface AppOptions {
  log?: Logger;
  clock?: () => Date;
  /** Replaces the classifier built from configuration (tests inject fakes here). */
  classifier?: Classifier;
  /** Extra job handlers (tests); merged over the built-in ones. */
  jobHandlers?: Record<string, JobHandler>;
  /** How often the scheduler looks for due jobs (default 2000 ms; 0 = only when woken). */
  schedulerPollMs?: number;
  /** How often near-breach/breach of the case clocks is swept (default 60000 ms; 0 = never). */
  clockSweepMs?: number;
  /** Bot Framework file downloads may reach 127.0.0.1 and private addresses (tests' fake connector only). */
  allowPrivateFileHosts?: boolean;
}

/** Everything a running instance holds; tests use it to reach the parts. */
export interface RunningApp {
  url: string;
  port: number;
  config: Config;
  db: PrismaClient;
  log: Logger;
  policy: ComplaintPolicy;
  runner: TurnRunner;
  messenger: CustomerMessenger;
  events: DomainEvents;
  metrics: Metrics;
  /** The durable job scheduler's worker of this instance. */
  scheduler: Scheduler;
  express: Express;
  /** Stops accepting requests, lets turns in flight finish, closes the database. */
  stop(): Promise<void>;
}

/**
 * The composition root: reads nothing from the environment itself (the config is given), opens
 * and migrates the database, wires channels, dialogs and cases, and listens on config.PORT.
 */
export async function startApp(config: Config, opts: AppOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? (() => new Date());
  fs.mkdirSync(config.dataDir, { recursive: true });
  const policy = loadPolicy(config.COMPLAINT_POLICY, { timeZone: config.BANK_TIMEZONE });
  const db = await openDatabase(config.DATABASE_URL);
  // Embedded SQLite: the customer's turns and new cases write through a fast connection of their
  // own (src/db/sqlite-writer.ts); on PostgreSQL through a `pg` pool of their own (src/db/pg-*.ts).
  const kind = databaseKind(config.DATABASE_URL);
  const fastWriter =
    kind === 'sqlite'
      ? openSqliteWriter(sqliteFilePath(config.DATABASE_URL), { onCheckpointError: (message) => log.error({ err: { message } }, 'WAL checkpoint failed') })
      : undefined;
  // Prisma's connection leaves checkpoints to the fast path's worker too (src/db/sqlite-checkpointer.ts).
  if (fastWriter) await db.$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0');
  const pgTurnPath = kind === 'postgresql' ? (await import('./db/pg-turn-path.js')).openPgTurnPath(config.DATABASE_URL) : undefined;
  const metrics = createMetrics();
  // Remembered answers outside the metrics: llm_calls counts the calls actually made.
  const classifier = memoizeClassifier(metrics.instrumentClassifier(opts.classifier ?? createClassifierFromConfig(config, log), Boolean(config.OPENAI_API_KEY)));
  const messenger = createCustomerMessenger();
  const events = createDomainEvents((e, event) =>
    log.error({ err: { message: (e as Error).message }, event: event.type, caseRef: 'reference' in event ? event.reference : undefined }, 'event listener failed'),
  );
  // Surveys: follow-up survey after resolution; its jobs run on the scheduler
  const schedulerRef: { current?: Scheduler } = {};
  const surveys = createSurveyService({
    db,
    events,
    messenger,
    policy,
    log: log.child({ component: 'surveys' }),
    clock,
    delayMinutes: config.SURVEY_DELAY_MINUTES,
    hours: { ...config.SURVEY_HOURS, timeZone: policy.timeZone },
    lowScoreAction: config.SURVEY_LOW_SCORE_ACTION,
    wake: () => schedulerRef.current?.wake(),
  });

  metrics.listen(events);
  // A new case is announced (staff alert, metrics) by the turn that filed it, once it committed,
  // or by the sweep below when that turn's process died first.
  const announceCase = (c: MissedCase) =>
    void events.emit({
      type: 'case.created',
      caseId: c.id,
      reference: c.reference,
      severity: c.severity,
      business: c.business,
      cause: c.cause,
      intakeChannel: c.intakeChannel,
      at: clock(),
    });
  const runner = metrics.instrumentRunner(limitTurnRate(createTurnRunner({
    db,
    ...(fastWriter ? { store: createSqliteTurnStore(fastWriter), caseWriter: createSqliteCaseWriter(fastWriter) } : {}),
    ...(pgTurnPath ? { store: pgTurnPath.store, caseWriter: pgTurnPath.caseWriter } : {}),
    sharedDatabase: kind === 'postgresql',
    classifier,
    policy,
    bank: { name: config.BANK_NAME, hotline: config.BANK_HOTLINE },
    log,
    clock,
    detectFraud,
    extractAmount,
    extractOccurredOn,
    surveys: surveys.portFor, // survey
    caseInbox: (m) => addCustomerInformation({ db, events }, m), // add information to an open case
    onCaseCreated: announceCase,
  }), { perMinute: config.TURNS_PER_MINUTE, clock }));

  // Files a Bot Framework client sends inside the activity (`data:` URIs) are small by nature
  // (larger ones are uploaded and sent as links, downloaded after the turn).
  const carriedFileMaxBytes = Math.min(config.EVIDENCE_MAX_BYTES, CARRIED_FILE_MAX_BYTES);
  const botframework = createBotFrameworkChannel({
    appId: config.MicrosoftAppId,
    appPassword: config.MicrosoftAppPassword,
    appType: config.MicrosoftAppType,
    tenantId: config.MicrosoftAppTenantId,
    runner,
    db,
    log,
    evidence: { dataDir: config.dataDir, maxBytes: config.EVIDENCE_MAX_BYTES, carriedMaxBytes: carriedFileMaxBytes },
    allowPrivateFileHosts: opts.allowPrivateFileHosts,
    clock,
  });
  messenger.register(botframework.sender);

  const app = express();
  app.disable('x-powered-by');
  // The client's address for the per-address limits and logs: X-Forwarded-For from the proxies
  // TRUST_PROXY names (loopback by default) and from nobody else.
  app.set('trust proxy', config.TRUST_PROXY);
  // Request ids and the access log (info), the logger made only when something logs.
  mountRequestLog(app, log, { ignore: (req) => req.url === '/healthz' });

  app.use(rejectNul);

  // METRICS_TOKEN, when set: the figures tell anyone who can read them the bank's case volume
  // by severity and when the desk is busy; unset, the proxy in front keeps /metrics in.
  app.get('/metrics', requireBearer(config.METRICS_TOKEN), async (_req, res) => {
    const now = clock();
    const oldestDue = await db.job.findFirst({ where: { status: 'pending', runAt: { lt: now } }, orderBy: { runAt: 'asc' }, select: { runAt: true } });
    metrics.jobLag.set(oldestDue ? (now.getTime() - oldestDue.runAt.getTime()) / 1000 : 0);
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/healthz', async (_req, res) => {
    try {
      await db.$queryRawUnsafe('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // Per address: a flood from one place is refused before any work is done (0 = off, e.g.
  // behind a proxy that already limits). Per conversation, limitTurnRate above.
  const perIp = config.REQUESTS_PER_IP_PER_MINUTE
    ? [rateLimit({ windowMs: 60_000, limit: config.REQUESTS_PER_IP_PER_MINUTE, standardHeaders: 'draft-7', legacyHeaders: false, message: { error: 'rate_limited', message: 'Too many requests; slow down.' } })]
    : [];
  // Room for a file sent inside the activity as a `data:` URI (base64: 4 characters per 3 bytes)
  // up to twice its limit, so one somewhat over the limit is answered with the limit rather than
  // refused unread; at least the 256 kB a text message needs. Such a file is held to 1 MB
  // (CARRIED_FILE_MAX_BYTES), not EVIDENCE_MAX_BYTES: this body is parsed before the channel's
  // token is checked, so its size is what anyone on the internet can make the server hold.
  const activityBodyLimit = Math.max(256 * 1024, Math.ceil((2 * carriedFileMaxBytes) / 3) * 4 + 64 * 1024);
  app.post('/api/messages', ...perIp, express.json({ limit: activityBodyLimit, reviver: rejectNulReviver }), (req, res) => botframework.handle(req, res));

  // Reports: summary API and the /staff/reports page, behind the staff auth; mounted
  // before the console so its catch-all 404 does not take /staff/reports
  const reportsAuth = requireStaff({ envToken: config.STAFF_API_TOKEN, resolvers: [userTokenResolver(db, clock), sessionResolver(db, clock)] });
  const reportDeps = { db, dialect: dialectOf(config.DATABASE_URL), timeZone: policy.timeZone, clock };
  app.use('/api/staff/reports', cookieParser(), reportsAuth, createReportsApiRouter(reportDeps));
  // A staff page like the console's, mounted apart: the same headers, but its styles are inline
  // (src/cases/reports/report-page.ts), so the policy allows those; scripts only from here.
  const reportsCsp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
  app.use(
    '/staff/reports',
    staffPageHeaders(reportsCsp),
    cookieParser(),
    requireStaffPage(reportsAuth, sessionResolver(db, clock)),
    createReportsPageRouter(reportDeps),
  );

  // Staff console, accounts and actions
  const firstAdmin = await ensureFirstAdmin(db, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, clock());
  if (firstAdmin === 'created') log.info({ component: 'staff' }, 'first admin created from ADMIN_EMAIL');
  const staffAuth = requireStaff({ envToken: config.STAFF_API_TOKEN, resolvers: [userTokenResolver(db, clock), sessionResolver(db, clock)] });
  app.get('/api/staff/openapi.json', (_req, res) => void res.json(staffOpenApiDocument(config.publicUrl)));
  app.use(
    '/api/staff',
    express.json({ limit: '64kb', reviver: rejectNulReviver }),
    cookieParser(),
    staffAuth,
    requireCsrf,
    createStaffApiRouter({ db, clock }),
    createStaffActionsRouter({ db, events, messenger, policy, clock }),
  );
  app.use(
    '/staff',
    cookieParser(),
    createStaffConsole({ db, events, messenger, policy, clock, log, secureCookies: config.publicUrl.startsWith('https:') }),
  );
  // Periodic housekeeping on every instance; each task is idempotent, so instances running it
  // at once do no harm. A tick is skipped while the task's previous run is still going; `stop`
  // waits for a run in flight, so it never meets a closed database.
  const every = (ms: number, component: string, failure: string, task: () => Promise<unknown>) => {
    let running: Promise<void> | null = null;
    const timer = setInterval(() => {
      running ??= task()
        .then(() => undefined, (e: Error) => log.error({ component, err: { message: e.message } }, failure))
        .finally(() => (running = null));
    }, ms);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  };
  // Near-breach and breach of both clocks, recorded once each. sweepClocks is idempotent, so the
  // durable scheduler can take it over; until then a timer on each instance.
  const clockSweepMs = opts.clockSweepMs ?? 60_000;
  const clockSweep = clockSweepMs > 0 ? every(clockSweepMs, 'clocks', 'clock sweep failed', () => sweepClocks({ db, dialect: kind, now: clock(), policy, events })) : undefined;
  // Channel updates handled over a week ago are forgotten: the dedupe table would otherwise grow
  // by one row per message for as long as the bank runs the bot. Every ten minutes, so that an
  // instance restarted often still gets to it; after its first run a run reads a few rows.
  const forgetHandledUpdates = createHandledUpdatePruner(db);
  const updatePrune = every(10 * 60_000, 'dedupe', 'forgetting handled updates failed', () => forgetHandledUpdates(clock()));

  // Telegram channel: on when TELEGRAM_BOT_TOKEN is set; webhook route mounted here. Loaded
  // only then: telegraf's module graph is memory an instance without Telegram does not need.
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? (await import('./bot/telegram.js')).createTelegramChannel({ config, token: config.TELEGRAM_BOT_TOKEN, express: app, runner, events, db, log, clock })
    : undefined;
  if (telegram) messenger.register(telegram.sender);

  // Web chat page: `/`, its transport under /api/webchat, pushes to open pages
  const webchat = mountWebChat(app, { db, runner, log, bankName: config.BANK_NAME, clock });
  messenger.register(webchat.sender);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such page.' });
  });
  // The last word on any failure: a fixed, safe answer; the details go to the log only.
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.log?.error({ err: { message: error.message, code: (error as { code?: string }).code } }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json(
      status === 500
        ? { error: 'internal', message: 'Something went wrong on our side.' }
        : { error: error.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request', message: error.message },
    );
  });

  // Before the first customer: the rules' patterns compiled now, not in somebody's turn.
  warmUpRules();
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_SECONDS * 1000;
  const closer = trackResponses(server);
  const port = (server.address() as AddressInfo).port;
  // Telegram: polling or setWebhook once the server listens
  await telegram?.start();

  // Scheduler: durable jobs (surveys, reminders); one worker per instance
  // Urgent cases whose turn died between the case's commit and its own are announced by a sweep
  // every minute (src/cases/announce-missed-cases.ts), one instance per run like the purge.
  const missedAnnouncements = createMissedAnnouncementSweep({ db, severities: ALERT_SEVERITIES, announce: announceCase, log: log.child({ component: 'cases' }) });
  const jobHandlers: Record<string, JobHandler> = {
    ...surveys.handlers,
    ...telegram?.handlers,
    ...botframework.handlers,
    ...staffPurgeHandlers(db),
    ...missedAnnouncementHandlers(db, missedAnnouncements),
    ...opts.jobHandlers,
  };
  // Expired staff sessions and device tokens are purged hourly by one instance; each instance
  // asks for the next run at start (one job per slot), and each run schedules the following one.
  await scheduleStaffPurge(db, clock());
  await scheduleMissedAnnouncementSweep(db, clock());
  const scheduler = startScheduler({ db, handlers: jobHandlers, log: log.child({ component: 'scheduler' }), clock, pollMs: opts.schedulerPollMs ?? 2000 });
  schedulerRef.current = scheduler;
  const url = `http://127.0.0.1:${port}`;
  log.info({ port, database: config.DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgresql', policy: policy.name }, 'complaint desk listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    db,
    log,
    policy,
    runner,
    messenger,
    events,
    metrics,
    scheduler,
    express: app,
    stop() {
      stopping ??= (async () => {
        await clockSweep?.stop(); // staff clock sweep
        await updatePrune.stop();
        await telegram?.stop(); // Telegram: polling stops, turns in flight finish
        webchat.close(); // web chat: open event streams would hold server.close()
        await closer.close(); // turns in flight finish, kept-alive connections end
        await scheduler.stop();
        await fastWriter?.close();
        await pgTurnPath?.end();
        await db.$disconnect();
      })();
      return stopping;
    },
  };
}
