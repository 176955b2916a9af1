import { BUSINESS_LABELS, CAUSE_LABELS, CHANNEL_LABELS } from '../cases/taxonomy.js';
import type { CaseReceipt, DialogDeps } from './deps.js';
import { formatDateTime, formatDay, formatMoney, isLabel, labelForm, t, wordForm, type MessageKey } from './i18n.js';
import { amountApproxIn, descriptionProblem, desiredResolutionFor, SLOTS, ZDescription } from './slots.js';
import { isClosingRemark, keywordForm } from './interruptions.js';
import { FIELD_NAMES, SLOT_NAMES, type ConversationState, type Draft, type FieldName, type Intake } from './state.js';
import { LANGS, type Button, type InboundMessage, type Lang, type OutboundMessage } from './types.js';

/** Below this the rules are guessing, so the customer is asked to choose the product. */
const BUSINESS_CONFIDENCE_TO_SKIP = 0.8;
const MAX_FAILURES = 3;

export interface StepResult {
  state: ConversationState;
  replies: OutboundMessage[];
}

export function newIntake(now: Date): Intake {
  return { startedAt: now.toISOString(), step: 'describe', draft: { extracted: [] }, failures: 0, correcting: false, fraudWarned: false };
}

/** The greeting and privacy notice that open every intake. */
export function greetingMessages(lang: Lang, deps: DialogDeps): OutboundMessage[] {
  const bank = deps.bank.name ?? t(lang, 'bank_default');
  return [{ text: `${t(lang, 'greeting', { bank })}\n${t(lang, 'privacy')}` }];
}

/** The yes/no questions an interruption asks; each names its buttons' values. */
export type YesNoQuestion = 'cancel' | 'restart';

/**
 * Yes / No buttons whose values say which question they answer (`cancel:yes`): the buttons stay
 * on their message in the chat, and a press long after must not answer a later question.
 */
export function yesNoButtons(lang: Lang, question: YesNoQuestion): Button[] {
  return [
    { label: t(lang, 'btn_yes'), value: `${question}:yes` },
    { label: t(lang, 'btn_no'), value: `${question}:no` },
  ];
}

// The words of each question's own command ("cancel", "取消", "算了"; "start over", "重来"), and
// the same words declined ("don't cancel", "不用取消").
const QUESTION_WORDS: Record<YesNoQuestion, string> = {
  cancel: 'cancel(?: it| this| the complaint| this complaint)?|stop filing|quit|取消(?:投诉|这次投诉)?|不投诉了|算了',
  restart: 'restart(?: it)?|start (?:over|again)|重新开始|重来',
};
const NEGATION = "(?:don't|do not|no need to|not|不要|不用|别|不)";
// What may follow a "yes" or a "no" in a short reply: politeness, or "go ahead" / "carry on".
const YES_REST = /^(?:please|pls|do it|go ahead|sure|thanks|thank you|ok|okay|吧|好|好的|谢谢|可以|麻烦了)?$/;
const NO_REST = /^(?:thanks|thank you|keep going|carry on|continue|let's continue|谢谢|继续|继续吧|了|不用了|不要了)?$/;
// Declining in so many words: "不用了", "no thanks", "keep going".
const DECLINE = /^(?:no thanks|no thank you|no need|not now|keep going|carry on|continue|不用了|不要了|不了|先不|继续|继续吧)$/;

/**
 * The answer to `question`: its own buttons, or a short reply typed in either language. A yes
 * may open the reply ("yes, cancel it", "yes please", "是的，取消吧"), the question's own command
 * said again ("cancel", "取消", "算了") means yes, and "不用了" or "don't cancel" means no. A longer
 * message that only starts with a yes ("yes, the amount was 500") answers nothing: it is handled
 * as usual.
 */
export function yesNoAnswer(input: InboundMessage, question: YesNoQuestion): 'yes' | 'no' | null {
  if (input.action === `${question}:yes`) return 'yes';
  if (input.action === `${question}:no`) return 'no';
  if (input.action) return null;
  const whole = normaliseYesNo(input.text ?? '');
  if (whole) return whole;
  const s = keywordForm(input.text ?? '');
  if (!s || s.length > 40) return null;
  const words = QUESTION_WORDS[question];
  if (new RegExp(`${NEGATION} ?(?:${words})`).test(s) || DECLINE.test(s)) return 'no';
  if (new RegExp(`^(?:${words})(?: please)?[吧吗]?$`).test(s)) return 'yes';
  // A yes or a no, then only politeness or the question's own words ("yes, cancel it").
  const lead = /^(yes|yeah|yep|sure|ok|okay|no thanks|no|nope|是的|是|好的|好|对的|对|确定|确认|嗯|不用了|不要了|不用|不要|不了|不)(?: |(?=\p{Script=Han})|$)(.*)$/u.exec(s);
  if (!lead) return null;
  const answer = normaliseYesNo(lead[1]!) ?? (lead[1] === '嗯' ? 'yes' : DECLINE.test(lead[1]!) ? 'no' : null);
  const rest = lead[2]!.trim();
  // "OK, keep going", "好的，继续": go on filing, whatever the first word.
  if (rest && DECLINE.test(rest)) return 'no';
  const ownWords = new RegExp(`^(?:(?:i want to |please )?(?:${words})(?: please)?[吧]?)$`);
  if (answer === 'yes' && (YES_REST.test(rest) || ownWords.test(rest))) return 'yes';
  if (answer === 'no' && NO_REST.test(rest)) return 'no';
  return null;
}

const SUMMARY_ACTIONS = ['confirm', 'correct'] as const;

/** The question for the step the intake is at, as first asked. */
export async function promptFor(intake: Intake, lang: Lang, deps: DialogDeps): Promise<OutboundMessage> {
  switch (intake.step) {
    case 'describe':
      return { text: t(lang, 'ask_describe') };
    case 'confirm':
      return summary(intake.draft, lang, deps);
    case 'choose_correction':
      return {
        text: t(lang, 'which_field'),
        buttons: FIELD_NAMES.map((f) => ({ label: t(lang, `field_${f}`), value: `field:${f}` })),
      };
    default:
      return SLOTS[intake.step].prompt(lang);
  }
}

async function summary(draft: Draft, lang: Lang, deps: DialogDeps): Promise<OutboundMessage> {
  const c = await deps.classifier.classify(draft.description ?? '', { now: deps.now, timeZone: deps.bank.timeZone });
  const line = (key: MessageKey, value: string) => `• ${t(lang, key)}${lang === 'zh' ? '：' : ': '}${value}`;
  const lines = [
    t(lang, 'summary_title'),
    line('summary_description', draft.description ?? ''),
    line('summary_business', draft.business ? BUSINESS_LABELS[draft.business][lang] : t(lang, 'summary_unknown')),
    line('summary_category', CAUSE_LABELS[c.cause][lang]),
  ];
  if (draft.channel && draft.channel !== 'other') lines.push(line('summary_channel', CHANNEL_LABELS[draft.channel][lang]));
  lines.push(
    line('summary_occurredOn', draft.occurredOn ? formatDay(lang, draft.occurredOn) : t(lang, 'summary_unknown')),
    line('summary_amount', amountShown(draft, lang)),
    line('summary_desiredResolution', desiredResolutionFor(lang, draft.desiredResolution ?? '')),
    line('summary_name', draft.name ?? ''),
    line('summary_phone', draft.phone ?? ''),
    '',
    t(lang, 'summary_question'),
  );
  return {
    text: lines.join('\n'),
    buttons: SUMMARY_ACTIONS.map((a) => ({ label: t(lang, a === 'confirm' ? 'btn_confirm' : 'btn_correct'), value: a })),
  };
}

/** The amount as the customer gave it: "over CN¥2,000" for 两千多, never a bare 2,000 they did not say. */
function amountShown(draft: Draft, lang: Lang): string {
  if (draft.amount == null) return t(lang, 'summary_none');
  const amount = formatMoney(lang, draft.amount, draft.currency);
  return draft.amountApprox ? t(lang, `amount_${draft.amountApprox}`, { amount }) : amount;
}

/**
 * Whether a pressed button is one the current question offers. Buttons stay on their messages,
 * so a press may come from a question answered long ago ("Cancel this complaint?" → Yes) and
 * must not answer this one.
 */
function offeredAt(intake: Intake, action: string): boolean {
  switch (intake.step) {
    case 'describe':
      return false;
    case 'confirm':
      return (SUMMARY_ACTIONS as readonly string[]).includes(action);
    case 'choose_correction':
      return FIELD_NAMES.some((f) => action === `field:${f}`);
    default:
      // The slot's own prompt lists its buttons; the language does not change their values.
      return SLOTS[intake.step].prompt('en').buttons?.some((b) => b.value === action) ?? false;
  }
}

/** Freeze and stop-payment steps, sent in the same turn as a fraud report (DESIGN.md P1). */
export function fraudGuidance(lang: Lang, deps: DialogDeps): OutboundMessage {
  return { text: t(lang, 'fraud_guidance', { hotline: deps.bank.hotline ?? t(lang, 'hotline_fallback') }) };
}

/** The messages that close an intake: reference, what happens next, both deadlines. */
export function receiptMessages(receipt: CaseReceipt, lang: Lang, deps: DialogDeps): OutboundMessage[] {
  const tz = deps.bank.timeZone;
  const vars = {
    reference: receipt.reference,
    firstResponseDue: formatDateTime(lang, receipt.firstResponseDueAt, tz),
    regulatoryDue: formatDateTime(lang, receipt.regulatoryDueAt, tz),
  };
  return [{ text: `${t(lang, 'case_created', vars)}\n${t(lang, receipt.severity === 'P1' ? 'next_steps_urgent' : 'next_steps', vars)}` }];
}

/** The draft fields a description may fill (`Draft.extracted` lists those it did). */
const EXTRACTED_FIELDS = ['business', 'channel', 'amount', 'occurredOn'] as const;

/**
 * Takes the description: keeps it, fills every slot it already answers (product, amount, date,
 * channel) so they are not asked again, and warns at once when it reads as fraud. A corrected
 * description (`corrected`, from the summary) replaces the facts the old one gave, and fills what
 * the customer left open (an amount skipped, a date not remembered, the product "Other"); what
 * they answered themselves stays. A fact only the old description gave is then asked for.
 */
async function takeDescription(intake: Intake, text: string, lang: Lang, deps: DialogDeps, opts: { corrected?: boolean } = {}): Promise<OutboundMessage[]> {
  const replies: OutboundMessage[] = [];
  const draft = intake.draft;
  const corrected = opts.corrected ?? false;
  if (corrected) {
    for (const key of EXTRACTED_FIELDS) if (draft.extracted.includes(key)) draft[key] = undefined;
    if (draft.extracted.includes('amount')) {
      draft.currency = undefined;
      draft.amountApprox = undefined;
    }
    draft.extracted = [];
  }
  draft.description = text;
  const fraud = deps.detectFraud(text);
  if (fraud.fraud && !intake.fraudWarned) {
    intake.fraudWarned = true;
    replies.push(fraudGuidance(lang, deps));
  }
  const c = await deps.classifier.classify(text, { now: deps.now, timeZone: deps.bank.timeZone });
  const open = (key: (typeof EXTRACTED_FIELDS)[number]) => draft[key] === undefined || (corrected && (draft[key] === null || draft[key] === 'other'));
  const fill = <K extends (typeof EXTRACTED_FIELDS)[number]>(key: K, value: Draft[K]) => {
    if (!open(key)) return false;
    draft[key] = value;
    draft.extracted = [...new Set([...draft.extracted, key])];
    return true;
  };
  if (c.business !== 'other' && c.confidence.business >= BUSINESS_CONFIDENCE_TO_SKIP) fill('business', c.business);
  if (c.channel !== 'other') fill('channel', c.channel);
  if (c.amount && fill('amount', c.amount.value)) {
    draft.currency = c.amount.currency;
    draft.amountApprox = amountApproxIn(text, c.amount.text);
  }
  if (c.occurredOn) fill('occurredOn', c.occurredOn);
  // Back to the summary only when nothing is missing; otherwise the missing questions first.
  if (corrected && SLOT_NAMES.some((s) => draft[s] === undefined)) intake.correcting = false;
  return replies;
}

/** Moves to the first slot still missing, or to the summary. */
async function advance(intake: Intake, lang: Lang, deps: DialogDeps): Promise<OutboundMessage> {
  intake.failures = 0;
  const next = intake.correcting ? undefined : SLOT_NAMES.find((s) => intake.draft[s] === undefined);
  intake.correcting = false;
  intake.step = next ?? 'confirm';
  return promptFor(intake, lang, deps);
}

/** An invalid answer: re-ask with the reason, and after three offer a person. */
async function refuse(
  state: ConversationState,
  intake: Intake,
  reason: MessageKey,
  lang: Lang,
  deps: DialogDeps,
  vars?: Record<string, string | number>,
): Promise<StepResult> {
  intake.failures += 1;
  // Every third failure in a row: a wrong answer typed past the offer is refused as usual, with
  // the reason and the question, instead of the offer again and again.
  if (intake.failures % MAX_FAILURES === 0) {
    state.pending = 'offer_human';
    return {
      state,
      replies: [
        {
          text: t(lang, 'three_failures'),
          buttons: [
            { label: t(lang, 'btn_human'), value: 'cmd:human' },
            { label: t(lang, 'btn_try_again'), value: 'retry' },
          ],
        },
      ],
    };
  }
  const prompt = await promptFor(intake, lang, deps);
  return { state, replies: [{ ...prompt, text: `${t(lang, reason, vars)}\n${prompt.text}` }] };
}

/**
 * Why `text` cannot be the complaint's description, or null. A fraud report is taken however
 * short ("被骗了", "卡丢了"): it needs the freeze guidance now, not a request for a sentence.
 */
function storyProblem(text: string, deps: DialogDeps): ReturnType<typeof descriptionProblem> {
  // "thank you" or "ok" where the story was asked for is no story ("ok thanks" became one).
  if (isClosingRemark({ text })) return { reason: 'invalid_description' };
  const problem = descriptionProblem(text);
  return problem?.reason === 'invalid_description' && text.trim() && deps.detectFraud(text).fraud ? null : problem;
}

/** Starts an intake from an idle conversation: the first message may already be the complaint. */
export async function startIntake(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps): Promise<StepResult> {
  const intake = newIntake(deps.now);
  state.intake = intake;
  const replies = greetingMessages(lang, deps);
  const text = (input.text ?? input.attachments?.find((a) => a.caption)?.caption ?? '').trim();
  const problem = storyProblem(text, deps);
  if (problem) {
    // A greeting or a file opens the intake; a complaint too long to take is not dropped silently.
    const why = problem.reason === 'description_too_long' ? `${t(lang, problem.reason, problem.vars)}\n` : '';
    replies.push({ text: `${why}${t(lang, 'ask_describe')}` });
    return { state, replies };
  }
  // Freeze guidance, when the first message reads as fraud, goes before everything else.
  const urgent = await takeDescription(intake, text, lang, deps);
  return { state, replies: [...urgent, ...replies, await advance(intake, lang, deps)] };
}

/** Files the case from the draft and clears the intake. */
export async function submitIntake(
  state: ConversationState,
  lang: Lang,
  deps: DialogDeps,
  opts: { humanRequested: boolean },
): Promise<{ receipt: CaseReceipt; incomplete: boolean }> {
  const intake = state.intake;
  const draft: Draft = intake ? { ...intake.draft } : { extracted: [] };
  if (!draft.description) draft.description = t(lang, 'no_description_human');
  const incomplete = intake?.step !== 'confirm';
  const receipt = await deps.cases.submit({ draft, language: lang, incomplete, humanRequested: opts.humanRequested });
  state.intake = undefined;
  state.pending = undefined;
  state.lastCaseRef = receipt.reference;
  return { receipt, incomplete };
}

/** One customer turn inside an intake. */
export async function continueIntake(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps): Promise<StepResult> {
  const intake = state.intake!;
  const text = (input.text ?? '').trim();

  // A file with no words: kept as evidence by the turn runner; just ask the question again.
  if (!text && !input.action && !input.sharedPhone && input.attachments?.length) {
    const caption = input.attachments.find((a) => a.caption)?.caption;
    if (intake.step === 'describe' && caption && ZDescription.safeParse(caption).success) {
      const replies = await takeDescription(intake, caption.trim(), lang, deps, { corrected: intake.correcting });
      return { state, replies: [...replies, await advance(intake, lang, deps)] };
    }
    return { state, replies: [{ text: t(lang, 'attachment_received') }, await promptFor(intake, lang, deps)] };
  }

  if (input.action && !offeredAt(intake, input.action)) {
    // Not a failed answer: the customer did nothing wrong at this question.
    const prompt = await promptFor(intake, lang, deps);
    return { state, replies: [{ ...prompt, text: `${t(lang, 'stale_button')}\n${prompt.text}` }] };
  }

  // Fraud told at a later question ("someone just used my card" when asked for the product, the
  // name or the outcome wanted) joins the description, so the case is graded on it. The first
  // time it is not taken as the answer: it gets the freeze guidance at once, as a first message
  // would, fills what it answers, and the question is asked again. Once warned, answers go to
  // their question as usual, so "block my card and refund me" is taken as the outcome wanted
  // instead of being asked for again and again.
  if (text && !input.action && intake.step !== 'describe' && deps.detectFraud(text).fraud) {
    const current = intake.draft.description ?? '';
    const joined = ZDescription.safeParse(current.includes(text) ? current : `${current}\n${text}`);
    if (joined.success) intake.draft.description = joined.data;
    if (!intake.fraudWarned) {
      intake.fraudWarned = true;
      await takeDescription(intake, intake.draft.description ?? text, lang, deps);
      const slot = SLOT_NAMES.find((s) => s === intake.step);
      const answered = slot !== undefined && intake.draft[slot] !== undefined && !intake.correcting;
      return { state, replies: [fraudGuidance(lang, deps), answered ? await advance(intake, lang, deps) : await promptFor(intake, lang, deps)] };
    }
  }

  // "Sorry, the amount was actually $350" at the date question, "金额其实是300元" at the summary:
  // an earlier answer corrected in passing is taken, and the question pending is asked again.
  const fix = text && !input.action && intake.step !== 'describe' ? namedCorrection(text, intake, input, deps) : null;
  if (fix) {
    Object.assign(intake.draft, fix.patch);
    // The customer's own answer now: a corrected description must not replace it (takeDescription).
    intake.draft.extracted = intake.draft.extracted.filter((k) => k !== fix.field);
    if (intake.step === 'choose_correction') intake.step = 'confirm';
    const taken = t(lang, 'correction_taken', { field: t(lang, `field_${fix.field}`), value: fieldValue(intake.draft, fix.field, lang) });
    const prompt = await promptFor(intake, lang, deps);
    return { state, replies: [{ ...prompt, text: `${taken}\n${prompt.text}` }] };
  }

  switch (intake.step) {
    case 'describe': {
      const problem = storyProblem(text, deps);
      if (problem) return refuse(state, intake, problem.reason, lang, deps, problem.vars);
      const replies = await takeDescription(intake, text, lang, deps, { corrected: intake.correcting });
      return { state, replies: [...replies, await advance(intake, lang, deps)] };
    }
    case 'confirm': {
      // A button here is the summary's own (checked above); its label or a yes / no typed answers it too.
      const choice = input.action ?? (isLabel(text, 'btn_confirm') ? 'confirm' : isLabel(text, 'btn_correct') ? 'correct' : normaliseYesNo(text));
      if (choice === 'confirm' || choice === 'yes') {
        const { receipt } = await submitIntake(state, lang, deps, { humanRequested: false });
        return { state, replies: receiptMessages(receipt, lang, deps) };
      }
      if (choice === 'correct' || choice === 'no') {
        intake.step = 'choose_correction';
        intake.failures = 0;
        return { state, replies: [await promptFor(intake, lang, deps)] };
      }
      // A field named at the summary ("the amount", "我要修改金额") goes straight to its question.
      const named = input.action ? null : pickField(input);
      if (named) return correctField(state, intake, named, lang, deps);
      const added = input.action ? null : await addToComplaint(intake, text, lang, deps);
      return added ? { state, replies: added } : refuse(state, intake, 'invalid_choice', lang, deps);
    }
    case 'choose_correction': {
      const field = pickField(input);
      return field ? correctField(state, intake, field, lang, deps) : refuse(state, intake, 'invalid_choice', lang, deps);
    }
    default: {
      const answer = SLOTS[intake.step].parse(input, deps, { failures: intake.failures });
      if (!answer.ok) return refuse(state, intake, answer.reason, lang, deps, answer.vars);
      Object.assign(intake.draft, answer.patch);
      return { state, replies: [await advance(intake, lang, deps)] };
    }
  }
}

/** The fields an answer to a later question may correct in passing: those with a value to read. */
const CORRECTABLE = ['occurredOn', 'amount', 'phone'] as const;
type Correctable = (typeof CORRECTABLE)[number];
const CORRECTABLE_WORDS: Record<Correctable, string> = {
  occurredOn: 'date|day|time|日期|时间|发生时间|发生日期',
  amount: 'amount|sum|金额|钱数|数额',
  phone: 'phone number|phone|mobile number|mobile|number|telephone|电话号码|电话|手机号码|手机号|手机|号码',
};
// "sorry, the amount was actually $350", "actually the date should be 5 March", "change the amount
// to 300": a field named, then its new value.
const CORRECTION_EN = (words: string) =>
  new RegExp(
    `^(?:(?:sorry|oops|actually|correction|wait|oh|no)[,.!:\\s]+)*(?:(?:please\\s+)?(?:change|correct|update|make)\\s+)?(?:the\\s+|my\\s+)?(?:${words})\\s+(?:(?:was|is|should be|should have been|should read)\\s+|to\\s+)(?:actually\\s+|really\\s+|in fact\\s+)?(.+?)[.!]*$`,
    'i',
  );
// "金额其实是300元", "日期应该是3月5号", "不好意思，电话写错了，应该是…", "把金额改成300".
const CORRECTION_ZH = (words: string) =>
  new RegExp(
    `^(?:(?:不好意思|抱歉|对不起|更正一下|更正|纠正一下|哦|啊|另外|还有)[，,。\\s]*)*(?:刚才说错了[，,]?)?(?:其实)?把?(?:${words})(?:写错了|说错了|不对)?[，,]?(?:其实|实际上|实际|应该|应当|要)?(?:是|为|改成|改为|写成)\\s*(.+?)[。！!.]*$`,
  );

const CORRECTIONS = Object.fromEntries(CORRECTABLE.map((f) => [f, { en: CORRECTION_EN(CORRECTABLE_WORDS[f]), zh: CORRECTION_ZH(CORRECTABLE_WORDS[f]) }])) as Record<
  Correctable,
  { en: RegExp; zh: RegExp }
>;

/**
 * A correction of another field given in passing ("sorry, the amount was actually $350" at the
 * date question, "日期应该是3月5号" at the summary): the field named and the draft fields its new
 * value sets, read by that field's own question. Null when no field is named, when it is the
 * question being asked (its own answer reads it), or when the value does not read.
 */
function namedCorrection(text: string, intake: Intake, input: InboundMessage, deps: DialogDeps): { field: Correctable; patch: Partial<Draft> } | null {
  // 金額其實是300元 names the amount as 金额其实是 does; the value, read by its question, means the same in either form.
  const words = wordForm(text);
  for (const field of CORRECTABLE) {
    if (field === intake.step) continue;
    const { en, zh } = CORRECTIONS[field];
    const value = (en.exec(words) ?? zh.exec(words))?.[1]?.trim();
    if (!value) continue;
    const answer = SLOTS[field].parse({ ...input, text: value }, deps, { failures: 0 });
    if (answer.ok) return { field, patch: answer.patch };
  }
  return null;
}

/** A field's value as the summary shows it. */
function fieldValue(draft: Draft, field: Correctable, lang: Lang): string {
  if (field === 'occurredOn') return draft.occurredOn ? formatDay(lang, draft.occurredOn) : t(lang, 'summary_unknown');
  if (field === 'amount') return amountShown(draft, lang);
  return draft.phone ?? '';
}

// Sounds, not words: "嗯嗯嗯嗯", "hmmm", "ok ok".
const FILLER = /^(?:[嗯啊哦呃额唉噢喔哎呀哈吧呢了\s\p{P}]|h+m+|u+[hm]+|ok(?:ay)?|ha+)+$/iu;

/**
 * More told at the summary ("also, they charged me again today 1200 yuan", more after the fraud
 * guidance): the customer means it for the complaint, so it joins the description (once: the
 * fraud check above may have joined it already), fills the amount and the date when they were
 * still missing (skipped, not remembered), and the summary is shown again with it. Null for what
 * is no story (too short, "thanks", a question, too long to join): the summary's buttons then.
 */
async function addToComplaint(intake: Intake, text: string, lang: Lang, deps: DialogDeps): Promise<StepResult['replies'] | null> {
  if (/[?？]\s*$/.test(text) || FILLER.test(wordForm(text)) || storyProblem(text, deps)) return null;
  const draft = intake.draft;
  const current = draft.description ?? '';
  if (!current.includes(text)) {
    const joined = ZDescription.safeParse(current ? `${current}\n${text}` : text);
    if (!joined.success) return null;
    draft.description = joined.data;
  }
  const ctx = { now: deps.now, timeZone: deps.bank.timeZone };
  const fill = (key: 'amount' | 'occurredOn') => {
    if (draft[key] != null) return false;
    draft.extracted = [...new Set([...draft.extracted, key])];
    return true;
  };
  const amount = deps.extractAmount(text);
  if (amount && fill('amount')) {
    draft.amount = amount.value;
    draft.currency = amount.currency;
    draft.amountApprox = amountApproxIn(text, amount.text);
  }
  const day = deps.extractOccurredOn(text, ctx);
  if (day && fill('occurredOn')) draft.occurredOn = day;
  intake.failures = 0;
  const prompt = await promptFor(intake, lang, deps);
  return [{ ...prompt, text: `${t(lang, 'added_to_complaint')}\n${prompt.text}` }];
}

/** Asks the question of `field` again, to return to the summary after the answer. */
async function correctField(state: ConversationState, intake: Intake, field: FieldName, lang: Lang, deps: DialogDeps): Promise<StepResult> {
  intake.step = field === 'description' ? 'describe' : field;
  intake.correcting = true;
  intake.failures = 0;
  return { state, replies: [await promptFor(intake, lang, deps)] };
}

// Common words for a field, besides its button and summary labels in both languages.
const FIELD_WORDS: Record<FieldName, readonly string[]> = {
  description: ['description', 'story', 'details', '描述', '经过', '情况'],
  business: ['product', 'service', 'business', '产品', '业务'],
  occurredOn: ['date', 'time', 'day', '日期', '时间'],
  amount: ['amount', 'money', 'sum', '金额', '钱'],
  desiredResolution: ['outcome', 'resolution', 'request', '诉求', '要求', '处理方式'],
  name: ['name', 'my name', '姓名', '名字', '称呼'],
  phone: ['phone', 'phone number', 'number', 'telephone', 'mobile', '电话', '手机', '手机号', '电话号码', '号码'],
};
// What may come before a field's name: "change the amount", "I want to correct my name", "我要修改金额".
const CORRECT_LEAD_EN = /^(?:(?:i want to|i'd like to|i would like to|please|let me|can i)\s+)*(?:change|correct|edit|fix|modify|update)?\s*(?:the\s+|my\s+)?/;
const CORRECT_LEAD_ZH = /^(?:我要|我想|请|帮我)?(?:修改|更改|更正|改)?(?:一下)?(?:我的)?/;
// A field said to be wrong names it as well: "the amount is wrong", "wrong date", "金额不对",
// "电话写错了". Without these the summary answered "Please use one of the buttons".
const WRONG_LEAD_EN = /^(?:(?:the|my)\s+)?(?:wrong|incorrect)\s+/;
const WRONG_TAIL_EN = /\s+(?:(?:is|was|are|were|looks|seems)\s+)?(?:wrong|incorrect|not right|not correct)(?:\s+(?:there|here))?[.!]*$/;
const WRONG_TAIL_ZH = /(?:是|也)?(?:不对|错了|有误|有错|写错了|填错了|弄错了|搞错了|不正确|错误|不准确?)(?:了|啊|呀|呢)?[。！!.]*$/;

/** The field a button names, or a field named in words in either language. */
function pickField(input: InboundMessage): FieldName | null {
  const fromButton = input.action?.startsWith('field:') ? input.action.slice(6) : undefined;
  const text = wordForm((input.text ?? '').trim().toLowerCase()).replace(WRONG_TAIL_EN, '').replace(WRONG_TAIL_ZH, '').replace(WRONG_LEAD_EN, '');
  const typed = labelForm(text.replace(CORRECT_LEAD_EN, '').replace(CORRECT_LEAD_ZH, ''));
  const names = (f: FieldName) => [f, ...FIELD_WORDS[f], ...LANGS.flatMap((l) => [t(l, `summary_${f}`), ...t(l, `field_${f}`).split('/')])];
  return (
    FIELD_NAMES.find((f) => f === fromButton) ??
    (typed ? FIELD_NAMES.find((f) => names(f).some((n) => labelForm(n) === typed)) : undefined) ??
    null
  );
}

const yesNoForm = (text: string) => wordForm(text.trim().toLowerCase()).replace(/[!！。.]+$/, '');
// A "no" that says something is wrong: it answers "Is this correct?", not "Talk to a person?".
const WRONG = /^(wrong|not right|incorrect|不对|错了|不正确)$/;

/** `yes` / `no` from a typed answer in either language, else null. */
export function normaliseYesNo(text: string): 'yes' | 'no' | null {
  const s = yesNoForm(text);
  if (/^(yes|y|yeah|yep|ok|okay|sure|correct|confirm|是|是的|对|对的|好|好的|确认|确定|没错|正确)$/.test(s)) return 'yes';
  if (WRONG.test(s) || /^(no|n|nope|not really|否|不|不是|不用|不要)$/.test(s)) return 'no';
  return null;
}

/** Whether a typed "no" says that something is wrong ("不对", "wrong") rather than declining. */
export function saysWrong(text: string): boolean {
  return WRONG.test(yesNoForm(text));
}
