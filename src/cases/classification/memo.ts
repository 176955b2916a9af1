import { civilDateInZone } from '../clocks/zoned-time.js';
import type { Classification, Classifier } from './types.js';

/**
 * A classifier that remembers its recent answers. An intake classifies the same description
 * three times: when the customer gives it, for the summary they confirm, and when the case is
 * filed. With an LLM that is three calls and two waits of up to seconds for the customer; with
 * rules alone, a few per cent of the server's CPU. The answer is the same each time: the key is
 * the text, the repeat flag, the time zone and the bank's day (relative dates such as "yesterday"
 * read differently tomorrow).
 *
 * An answer without the LLM's opinion although one was asked for (timeout, error, garbage) is
 * not kept: the next call gives the LLM another chance. Answers are frozen, since every caller
 * now shares them. At most `max` answers are kept, the oldest dropped first.
 */
export function memoizeClassifier(classifier: Classifier, opts: { max?: number } = {}): Classifier {
  const max = opts.max ?? 1000;
  const kept = new Map<string, Promise<Classification>>();
  return {
    classify(text, ctx) {
      const timeZone = ctx.timeZone ?? 'UTC';
      const key = `${ctx.repeat ? 1 : 0}|${timeZone}|${civilDateInZone(ctx.now, timeZone)}|${text}`;
      const hit = kept.get(key);
      if (hit) return hit;
      const answer = classifier.classify(text, ctx).then((c) => {
        if (c.llmOpinion === null) kept.delete(key);
        return Object.freeze({ ...c, flags: Object.freeze([...c.flags]), reasons: Object.freeze([...c.reasons]) }) as Classification;
      });
      // The promise is kept at once, so two turns asking together share one call; a failure is
      // forgotten so the next asks again.
      kept.set(key, answer);
      answer.catch(() => kept.delete(key));
      if (kept.size > max) kept.delete(kept.keys().next().value!);
      return answer;
    },
  };
}
