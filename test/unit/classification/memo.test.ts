import { describe, expect, it } from 'vitest';
import { memoizeClassifier } from '../../../src/cases/classification/memo.js';
import { classifyByRules } from '../../../src/cases/classification/rules.js';
import type { Classification, Classifier, ClassifyContext } from '../../../src/cases/classification/types.js';

const now = new Date('2026-11-27T03:00:00Z');
const ctx: ClassifyContext = { now, timeZone: 'Asia/Shanghai' };
const TEXT = 'My debit card was charged 300 yuan twice for one purchase yesterday';

/** The rules, counting calls; `opinion` stands in for what an LLM said (null: asked, no answer). */
function counting(opinion: () => Classification['llmOpinion'] | 'throw' = () => undefined) {
  const calls: string[] = [];
  const classifier: Classifier = {
    async classify(text, c) {
      calls.push(text);
      const o = opinion();
      if (o === 'throw') throw new Error('classifier down');
      return { ...classifyByRules(text, c), ...(o === undefined ? {} : { llmOpinion: o }) };
    },
  };
  return { calls, classifier };
}

describe('memoizeClassifier', () => {
  it('asks once for the same description on the same bank day, and shares a call in flight', async () => {
    const { calls, classifier } = counting();
    const memo = memoizeClassifier(classifier);
    const [a, b] = await Promise.all([memo.classify(TEXT, ctx), memo.classify(TEXT, ctx)]);
    const c = await memo.classify(TEXT, { ...ctx, now: new Date(now.getTime() + 3_600_000) });
    expect(calls).toHaveLength(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).toEqual(classifyByRules(TEXT, ctx));
  });

  it('asks again on another bank day ("yesterday" moves), for a repeat, and for another zone', async () => {
    const { calls, classifier } = counting();
    const memo = memoizeClassifier(classifier);
    const first = await memo.classify(TEXT, ctx);
    // 03:00 UTC on the 27th is the 27th in Shanghai; 17:00 UTC is already the 28th there.
    const tomorrow = await memo.classify(TEXT, { ...ctx, now: new Date('2026-11-27T17:00:00Z') });
    await memo.classify(TEXT, { ...ctx, repeat: true });
    await memo.classify(TEXT, { ...ctx, timeZone: 'America/New_York' });
    expect(calls).toHaveLength(4);
    expect(first.occurredOn).toBe('2026-11-26');
    expect(tomorrow.occurredOn).toBe('2026-11-27');
  });

  it('does not keep an answer the LLM gave no opinion on, nor a failure', async () => {
    let next: Classification['llmOpinion'] | 'throw' = null;
    const { calls, classifier } = counting(() => next);
    const memo = memoizeClassifier(classifier);
    expect((await memo.classify(TEXT, ctx)).llmOpinion).toBeNull();
    next = 'throw';
    await expect(memo.classify(TEXT, ctx)).rejects.toThrow('classifier down');
    next = { business: 'debit_card', cause: 'fees', channel: 'other', severity: 'P3', flags: [] } as unknown as Classification['llmOpinion'];
    const answered = await memo.classify(TEXT, ctx);
    await memo.classify(TEXT, ctx);
    expect(calls).toHaveLength(3);
    expect(answered.llmOpinion).toBeTruthy();
  });

  it('keeps at most `max` answers, dropping the oldest', async () => {
    const { calls, classifier } = counting();
    const memo = memoizeClassifier(classifier, { max: 2 });
    for (const text of ['first complaint', 'second complaint', 'third complaint', 'first complaint']) await memo.classify(text, ctx);
    expect(calls).toEqual(['first complaint', 'second complaint', 'third complaint', 'first complaint']);
  });

  it('hands out frozen answers: a caller changing one would change it for every later caller', async () => {
    const memo = memoizeClassifier(counting().classifier);
    const c = await memo.classify(TEXT, ctx);
    expect(() => (c.reasons as string[]).push('x')).toThrow(TypeError);
    expect(() => Object.assign(c, { severity: 'P1' })).toThrow(TypeError);
  });
});
