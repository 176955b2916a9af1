import { detectLanguage, t } from './i18n.js';
import type { TurnRunner } from './run-turn.js';

/**
 * Caps how fast one conversation can drive the bot (a stuck client, a flood, an attacker on one
 * chat): beyond `perMinute` turns in a sliding minute the message is not taken in and the
 * customer is asked, in their language, to wait and send it again. Per instance, in memory:
 * a flood is stopped where it lands.
 */
export function limitTurnRate(runner: TurnRunner, opts: { perMinute: number; clock?: () => Date }): TurnRunner {
  const clock = opts.clock ?? (() => new Date());
  const recent = new Map<string, number[]>();
  let sweeps = 0;
  return {
    async handle(input) {
      const now = clock().getTime();
      const since = now - 60_000;
      const times = (recent.get(input.conversationKey) ?? []).filter((x) => x > since);
      if (times.length >= opts.perMinute) {
        recent.set(input.conversationKey, times);
        return { replies: [{ text: t(detectLanguage(input.text, input.locale), 'rate_limited') }] };
      }
      times.push(now);
      recent.set(input.conversationKey, times);
      // Forget quiet conversations now and then, so the map does not grow without bound.
      if (++sweeps % 1000 === 0) {
        for (const [key, ts] of recent) if ((ts.at(-1) ?? 0) <= since) recent.delete(key);
      }
      return runner.handle(input);
    },
  };
}
