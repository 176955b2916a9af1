/**
 * `npm run --silent classify -- FILE.jsonl` (DESIGN.md): reads lines `{"id","text"}` and writes
 * one JSON line per input to stdout: `{"id","business","cause","channel","severity","flags",
 * "amount","reasons","source"}`. The classifier comes from the same factory the bot uses: rules
 * alone, or rules + LLM when OPENAI_API_KEY is set. A bad line gives a line with an `error`
 * field; the command never stops on one. With no FILE it reads stdin.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { createClassifierFromConfig } from '../llm/classifier-factory.js';
import type { Classification, Classifier, ClassifyContext } from './classification/index.js';

const ZInputLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string().min(1).max(100_000),
});

type OutLine = Record<string, unknown>;

function toOutput(id: string, c: Classification): OutLine {
  return {
    id,
    business: c.business,
    cause: c.cause,
    channel: c.channel,
    severity: c.severity,
    flags: c.flags,
    amount: c.amount ? c.amount.value : null,
    reasons: c.reasons,
    source: c.source,
  };
}

async function classifyLine(line: string, classifier: Classifier, ctx: ClassifyContext): Promise<OutLine> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { id: null, error: 'line is not JSON' };
  }
  const parsed = ZInputLine.safeParse(json);
  const rawId = typeof json === 'object' && json !== null && 'id' in json ? (json as { id: unknown }).id : null;
  if (!parsed.success) {
    return { id: typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null, error: `expected {"id","text"}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  }
  try {
    return toOutput(parsed.data.id, await classifier.classify(parsed.data.text, ctx));
  } catch (error) {
    return { id: parsed.data.id, error: `classification failed: ${(error as Error).message}` };
  }
}

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((a) => a !== '--');
  const input = file ? fs.readFileSync(file, 'utf8') : fs.readFileSync(0, 'utf8');
  const config = loadConfig();
  const classifier = createClassifierFromConfig(config, {
    warn: (obj, msg) => console.error(JSON.stringify({ level: 'warn', ...obj, msg })),
  });
  // The CLI is a composition root: it reads the clock once, the rules never do.
  const ctx: ClassifyContext = { now: new Date(), timeZone: config.BANK_TIMEZONE };
  const lines = input.split('\n').filter((l) => l.trim() !== '');
  // Rules are synchronous underneath, so a wide window costs nothing; with an LLM it bounds
  // the number of requests in flight.
  const concurrency = config.OPENAI_API_KEY ? 4 : 256;
  let buffer = '';
  for (let i = 0; i < lines.length; i += concurrency) {
    const batch = await Promise.all(lines.slice(i, i + concurrency).map((l) => classifyLine(l, classifier, ctx)));
    for (const o of batch) buffer += `${JSON.stringify(o)}\n`;
    if (buffer.length > 1 << 16) {
      process.stdout.write(buffer);
      buffer = '';
    }
  }
  process.stdout.write(buffer);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
