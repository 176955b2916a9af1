import type { AwaitingSurvey, DialogDeps, SurveyAnswer, SurveyQuestion, SurveySolved } from './deps.js';
import { formatDateTime, t, wordForm, type MessageKey } from './i18n.js';
import { detectInterruption } from './interruptions.js';
import type { ConversationState } from './state.js';
import type { InboundMessage, Lang, OutboundMessage } from './types.js';
import { promptFor, type StepResult } from './intake.js';

/**
 * The follow-up survey (回访) as a conversation. The survey's progress lives on its Survey row
 * (src/cases/surveys), not in the dialog state: the scheduler sends the first question outside
 * any turn, and the row is the one place both sides see. Buttons carry
 * `survey:<question>:<value>:<surveyId>`, so a customer with two surveys open answers the one
 * whose button was pressed; typed answers are understood too.
 */

/**
 * Button values. Short on purpose: Telegram allows 64 bytes of callback data (the longest,
 * `survey:solved:partly:` and a 25-character cuid, is 46). Values sent before the survey id was
 * added (`survey:solved:no`) are still read: they answer the newest survey waiting.
 */
export const SURVEY_ACTION = {
  solved: (v: SurveySolved, surveyId: string) => `survey:solved:${v}:${surveyId}`,
  score: (n: number, surveyId: string) => `survey:score:${n}:${surveyId}`,
  skipComment: (surveyId: string) => `survey:comment:skip:${surveyId}`,
  review: (reference: string) => `survey:review:${reference}`,
  noReview: 'survey:review:none',
} as const;

/** The message asking `question` of survey `surveyId`, with its buttons, in the survey's language. */
export function surveyQuestionMessage(lang: Lang, question: SurveyQuestion, surveyId: string, lead?: string): OutboundMessage {
  const withLead = (text: string) => (lead ? `${lead}\n${text}` : text);
  switch (question) {
    case 'solved':
      return {
        text: withLead(t(lang, 'survey_q_solved')),
        buttons: (['yes', 'partly', 'no'] as const).map((v) => ({ label: t(lang, `survey_btn_${v}`), value: SURVEY_ACTION.solved(v, surveyId) })),
      };
    case 'score':
      return { text: withLead(t(lang, 'survey_q_score')), buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), value: SURVEY_ACTION.score(n, surveyId) })) };
    case 'comment':
      return { text: withLead(t(lang, 'survey_q_comment')), buttons: [{ label: t(lang, 'survey_btn_skip'), value: SURVEY_ACTION.skipComment(surveyId) }] };
  }
}

/** Where to turn beyond the bank, by policy profile (cn → 12378, uk → FOS, us → CFPB). */
export function beyondBankText(lang: Lang, policyName: string): string {
  const key: MessageKey = policyName === 'cn' ? 'beyond_bank_cn' : policyName === 'uk' ? 'beyond_bank_uk' : policyName === 'us' ? 'beyond_bank_us' : 'beyond_bank_other';
  return t(lang, key);
}

// Traditional Chinese and Hong Kong's written Cantonese are read as the Simplified the answer
// patterns know (wordForm: 沒有解決, 非常滿意, 冇解決, 唔滿意).
const norm = (s: string) =>
  wordForm(s)
    .trim()
    .toLowerCase()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[!！。.？?,，~～]+$/g, '')
    .trim();

// Answers as customers type them, not only the buttons' words: "基本解决了", "not completely",
// "还没有", "yes it was". An answer that reads as none of these is taken, when it is a few words
// long, as a new complaint (surveyTurn), so a plain answer missing here files one.
const SOLVED_PATTERNS: [SurveySolved, RegExp][] = [
  [
    'partly',
    /^(partly|partially|part of it|somewhat|kind of|sort of|mostly|more or less|not (completely|fully|entirely)|(mostly|partly|partially|kind of|sort of) (solved|resolved|fixed|sorted)|部分|部分解决了?|解决了一部分|一部分|一部分解决了?|大部分解决了?|基本(上)?解决了?|基本(上)?好了|没有?完全解决|不完全|还行吧?|一半)$/,
  ],
  [
    'no',
    /^(no|nope|nah|n|not really|not at all|not yet|still not|still no|not solved|unsolved|no it was not|no it wasn['’]t|not happy( at all)?|否|不是|没有|没|不|没解决|没有解决|未解决|还没解决|没有解决好|(非常|很)?不满意|还没有?|还没有?呢|没有?呢|问题依旧|(问题)?(还是|依然|仍然)(老样子|一样)|老样子)$/,
  ],
  [
    'yes',
    /^(yes|yeah|yep|y|solved|it was|it is|resolved|all good( now)?|all sorted|(yes|yeah|yep) (it was|it is|it has been|thanks|thank you|all good|all sorted|solved|resolved)|是|是的|对|嗯|好了|已经好了|解决了|已解决|解决|已经解决了?)$/,
  ],
];

/**
 * An answer opening a longer sentence without a comma ("not solved at all", "it was not fixed",
 * "没有解决还是扣费"): phrases specific enough that a new complaint does not start with them
 * ("no one told me…" and "没有人告诉我…" do not match).
 */
const LEADING_SOLVED: [SurveySolved, RegExp][] = [
  [
    'partly',
    /^((only )?(partly|partially)( (solved|resolved|fixed|sorted))?\b|(mostly|not (completely|fully|entirely)) (solved|resolved|fixed|sorted)\b|只?部分解决|只?解决了一部分|解决了一半|基本(上)?解决了|大部分解决了|没有?完全解决)/,
  ],
  [
    'no',
    /^((no|nope|nah),? )?((it|the problem|my problem|the issue)('s| was| is| has| has been)? )?(still )?((not|never)( really| yet| at all| been)? (solved|resolved|fixed|sorted)|(wasn['’]t|isn['’]t|hasn['’]t( been)?) (solved|resolved|fixed|sorted)|not (really|at all|yet)\b)|^(问题)?(还是|还|并|根本|一直|完全|都|一点(都|也)|仍然|依然)?(没有?|未)(被)?(解决|处理好|搞定|办好)/,
  ],
  ['yes', /^((yes|yeah|yep),? )?((it|the problem|my problem)( was|'s| is| has been) )?(solved|resolved|fixed|sorted)\b|^(问题)?(已经|已)?解决了/],
];

/** Fillers that open any sentence ("嗯，我还有个问题"): an answer on their own, not as a first clause. */
const FILLER = /^(嗯|y|n|ok|okay)$/;

/** The first clause of a longer message: the text before its first comma, full stop or dash. */
const firstClause = (s: string): string | null => {
  const m = /^(.+?)\s*(?:[,，.。!！;；:：、]|\s-\s)/.exec(s);
  const clause = m?.[1]?.trim();
  return clause && !FILLER.test(clause) ? clause : null;
};

/**
 * "yes" / "partly" / "no" from a typed answer, or null: the whole message ("没解决"), its first
 * clause ("No, it was not solved at all", "没有，还是被扣费"), or an answer opening the sentence
 * ("not solved yet, the fee is still there"). Anything else is not an answer: a new complaint
 * goes to the intake.
 */
export function parseSolved(text: string): SurveySolved | null {
  const s = norm(text);
  const clause = firstClause(s);
  for (const candidate of clause ? [s, clause] : [s]) {
    for (const [value, re] of SOLVED_PATTERNS) if (re.test(candidate)) return value;
  }
  for (const [value, re] of LEADING_SOLVED) if (re.test(s)) return value;
  return null;
}

const SCORE_WORDS: [number, RegExp][] = [
  // The scale's own words (1 = very dissatisfied) and how people say them: "very unhappy", 很失望.
  [1, /^(非常不满意|很不满意|极不满意|非常差|很差|太差了|非常失望|很失望|非常不开心|差评|very dissatisfied|very unsatisfied|not (satisfied|happy) at all|(very|really|extremely) (unhappy|disappointed)|very (bad|poor)|terrible|awful|one)$/],
  [2, /^(不满意|不太满意|不好|差|失望|不开心|dissatisfied|unsatisfied|not satisfied|unhappy|not happy|disappointed|bad|poor|two)$/],
  [3, /^(一般般?|还行|还好|还可以|凑合|neutral|ok|okay|average|so-so|so so|meh|three)$/],
  [5, /^(非常满意|很满意|特别满意|十分满意|非常好|很好|满分|满分[五5]分|好评|very satisfied|(very|really) happy|excellent|great|very good|five)$/],
  [4, /^(满意|比较满意|还算满意|不错|还不错|挺好的?|satisfied|happy|good|not bad|four)$/],
];

/** A score 1–5 from "5", "５分", "4/5", "非常满意", "not bad"…, also opening a sentence ("5, very quick"), or null. */
export function parseScore(text: string): number | null {
  const s = norm(text);
  const whole = scoreOf(s);
  if (whole !== null) return whole;
  const clause = firstClause(s);
  return clause ? scoreOf(clause) : null;
}

function scoreOf(text: string): number | null {
  // "给5分", "打4分吧", "4分吧", "五星好评", "I'd give it a 4": the score with the words said around it.
  const s = text
    .replace(/^(给|打)\s*(?=[1-5一二三四五])/, '')
    .replace(/^(i would |i['’]d |i will |i['’]ll )?(give|rate)( (it|you|this|them))?( an?)?\s+(?=[1-5])/, '')
    .replace(/(吧|啦|了)$/, '')
    .replace(/(?<=星)好评$/, '');
  const stars = /^(?:⭐|★){1,5}$/u.exec(s);
  if (stars) return [...s].length;
  const digit = /^([1-5])\s*(分|颗?星|stars?|points?|\/\s*5|out of 5)?$/.exec(s);
  if (digit) return Number(digit[1]);
  const zhDigit = /^([一二三四五])\s*(分|颗?星)?$/.exec(s);
  if (zhDigit) return '一二三四五'.indexOf(zhDigit[1]!) + 1;
  for (const [score, re] of SCORE_WORDS) if (re.test(s)) return score;
  return null;
}

const OPT_OUT = /^(stop|unsubscribe|stop surveys?|no more surveys?|opt out|不要再发|不要再发了|别再发了|别发了|退订|不要回访|不需要回访)$/;

/** True for "stop" / "不要再发" / "unsubscribe" and the like (whole message). */
export function isSurveyOptOut(text: string | undefined): boolean {
  return !!text && OPT_OUT.test(norm(text));
}

/** Typed text longer than this that is not an answer is taken as something new (a complaint), not swallowed. */
const NEW_TOPIC_MIN_CHARS = 16;

/**
 * Text that is not an answer but something new (a complaint), not to be swallowed: long, or a
 * few words ("ATM ate my card", 卡被吞了) rather than a stray "ok" or "?".
 */
function readsAsNewTopic(text: string): boolean {
  const cjk = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  const words = text.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w)).length;
  return text.length >= NEW_TOPIC_MIN_CHARS || cjk >= 4 || words >= 3;
}

/** The customer says outright that this is a (new) complaint. */
const NEW_COMPLAINT = /^(i (want|would like|'d like|need) to (complain|file|make|lodge|raise|report)|(a |another |one more )?new complaint|another complaint|我(要|想|还要|还想|再)(投诉|举报)|(另外|还有|再)(一个|一件事)?(要)?投诉|新的投诉|新投诉)/;

/**
 * True for text that reads as a new matter rather than a survey answer: a fraud report (the
 * intake must give freeze guidance at once, never "thank you for your comment"), or an explicit
 * new complaint. Such text always goes to the intake; the survey stays open.
 */
function readsAsNewComplaint(text: string, deps: Pick<DialogDeps, 'detectFraud'>): boolean {
  const s = norm(text);
  return s.length > 0 && (NEW_COMPLAINT.test(s) || deps.detectFraud(text).fraud);
}

/**
 * The survey's turn, called first thing in `route()`. Returns null to let the turn go on to
 * interruptions and the intake, which happens when:
 * - no survey is wired or waiting (and no survey button was pressed);
 * - the message is an interruption (help, human, status, language, …): those always work;
 * - an interruption's question is in progress: typed text belongs to it (survey buttons still
 *   count);
 * - an intake is in progress and the survey's question is not the newest thing the customer was
 *   asked, or the text is not an answer to it: it belongs to the intake. "stop" opts out all the
 *   same. A survey turn in an intake ends with the intake's question again, unless it asks the
 *   survey's next question (then that is the newest, `surveyAskedAt`).
 * - the text reads as a new complaint (a fraud report, or "I want to complain…"), or is not an
 *   answer and is longer than a short phrase: it is handled as a new complaint and the survey
 *   stays open for a later answer or the reminder.
 * The comment question takes any other text: that is what it asks for. It stays open only
 * briefly after the score (COMMENT_WINDOW_MS in src/cases/surveys), so a message much later is
 * not taken as a comment.
 */
export async function surveyStep(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps): Promise<StepResult | null> {
  const turn = await surveyTurn(state, input, lang, deps);
  const intake = state.intake;
  if (!turn || !intake) return turn;
  // The survey took this turn: an interruption's question still open ("Cancel this complaint?")
  // is no longer the one the customer sees, so a later "yes" must not answer it.
  state.pending = undefined;
  if (turn.asks) {
    state.surveyAskedAt = deps.now.toISOString();
    return { state, replies: turn.replies };
  }
  const prompt = await promptFor(intake, lang, deps);
  return { state, replies: [...turn.replies, { ...prompt, text: `${t(lang, 'back_to_new_complaint')}\n${prompt.text}` }] };
}

/**
 * In the middle of an intake, whether typed text may be for the survey, decided without the
 * database so an ordinary answer to the intake costs no query: "stop", an answer to the question
 * the previous turn asked, or text that reads as a survey answer (the survey may have arrived
 * since the intake's last question; `surveyTurn` checks its time).
 */
export function mayAnswerSurvey(state: ConversationState, text: string): boolean {
  if (isSurveyOptOut(text)) return true;
  if (state.surveyAskedAt !== undefined && state.surveyAskedAt === state.updatedAt) return true;
  return parseSolved(text) !== null || parseScore(text) !== null;
}

/** True when the survey's question is the newest thing the customer was asked (`state.updatedAt`: the last turn). */
function surveyAskedLast(state: ConversationState, awaiting: AwaitingSurvey): boolean {
  if (state.surveyAskedAt !== undefined && state.surveyAskedAt === state.updatedAt) return true;
  return awaiting.askedAt !== null && (!state.updatedAt || awaiting.askedAt.getTime() > Date.parse(state.updatedAt));
}

/**
 * Which survey typed text is for when another survey's comment question is open too (two cases
 * resolved close together). The comment question takes it when it was asked after everything the
 * newest survey asked (that one still waits for "solved", asked only in its first message or its
 * reminder), or when the text is no answer to the newest survey's question: a comment ("the staff
 * were kind but it took three weeks") is never a new complaint just because an unanswered "Was
 * your problem solved?" came after it. A short answer ("yes", "4") goes to the newest survey's
 * question. In an intake the comment question counts only when the last turn asked it.
 */
function typedTarget(state: ConversationState, text: string, awaiting: AwaitingSurvey, inIntake: boolean): AwaitingSurvey {
  const comment = awaiting.openComment;
  if (!comment) return awaiting;
  const asComment: AwaitingSurvey = { surveyId: comment.surveyId, reference: comment.reference, language: comment.language, question: 'comment', askedAt: null };
  if (inIntake) {
    const askedLastTurn = state.surveyAskedAt !== undefined && state.surveyAskedAt === state.updatedAt && Date.parse(state.surveyAskedAt) === comment.askedAt.getTime();
    return askedLastTurn ? asComment : awaiting;
  }
  return commentTakes(text, awaiting) ? asComment : awaiting;
}

/** Outside an intake, whether another survey's open comment question (`openComment`) takes typed `text`: see typedTarget. */
function commentTakes(text: string, awaiting: AwaitingSurvey): boolean {
  const comment = awaiting.openComment;
  if (!comment) return false;
  const commentAskedLast = awaiting.question === 'solved' && awaiting.askedAt !== null && comment.askedAt > awaiting.askedAt;
  return commentAskedLast || !answerFromText(text, awaiting);
}

/**
 * When the survey question that typed `text` reads as answering was put to the customer, or null
 * when the text reads as no survey answer (nor "stop", a new complaint or a fraud report). For
 * the case inbox (src/dialogs/run-turn.ts): a staff question asked before that survey question
 * does not take such text, the survey does; a staff question asked after it, or text that reads
 * as no survey answer, is the staff question's.
 */
export function surveyQuestionAnswered(text: string, awaiting: AwaitingSurvey, deps: Pick<DialogDeps, 'detectFraud'>): Date | null {
  if (!text.trim() || isSurveyOptOut(text) || readsAsNewComplaint(text, deps)) return null;
  if (commentTakes(text, awaiting)) return awaiting.openComment!.askedAt;
  return answerFromText(text, awaiting) ? (awaiting.lastAskedAt ?? awaiting.askedAt) : null;
}

/** The survey's own replies; `asks` when the last of them is a survey question the customer is to answer. */
async function surveyTurn(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps): Promise<(StepResult & { asks?: boolean }) | null> {
  const surveys = deps.surveys;
  if (!surveys) return null;
  const action = input.action?.startsWith('survey:') ? input.action : undefined;
  const inIntake = !action && state.intake !== undefined;
  if (!action) {
    if (detectInterruption(input)) return null;
    if (state.pending) return null;
    if (inIntake && !mayAnswerSurvey(state, input.text ?? '')) return null;
  }
  if (!action && isSurveyOptOut(input.text)) {
    if (await surveys.optOut()) return { state, replies: [{ text: t(lang, 'survey_opted_out') }] };
    return null;
  }
  if (!action && readsAsNewComplaint(input.text ?? '', deps)) return null;
  if (action?.startsWith('survey:review:')) return review(state, action.slice('survey:review:'.length), lang, deps);

  const pressed = action ? parseSurveyAction(action) : undefined;
  const awaiting = await surveys.awaiting(pressed?.surveyId);
  if (!awaiting) {
    return action ? { state, replies: [{ text: t(lang, 'survey_closed') }] } : null;
  }
  if (inIntake && !surveyAskedLast(state, awaiting)) return null;
  const target = pressed ? awaiting : typedTarget(state, input.text ?? '', awaiting, inIntake);
  const sLang = target.language;
  const answer = pressed ? answerFromAction(pressed, target) : answerFromText(input.text ?? '', target);
  // A second press of a question already answered (a double tap, an old message's button) is
  // not a mistake to correct: acknowledge it and change nothing.
  if (!answer && pressed && isAnswered(pressed, target)) return { state, replies: [{ text: t(sLang, 'survey_already_noted') }] };
  if (!answer) {
    const text = (input.text ?? '').trim();
    // In an intake, text that is not the survey's answer is the intake's: never re-asked here.
    if (inIntake) return null;
    if (!action && (text.length === 0 || readsAsNewTopic(text) || input.attachments?.length)) return null;
    return { state, replies: [surveyQuestionMessage(sLang, target.question, target.surveyId, t(sLang, 'survey_invalid'))], asks: true };
  }
  const outcome = await surveys.answer(target.surveyId, answer);
  if (!outcome.recorded) return { state, replies: [{ text: t(sLang, 'survey_closed') }] };

  const replies: OutboundMessage[] = [];
  if (outcome.lowScoreAction === 'reopened') replies.push({ text: t(sLang, 'survey_reopened', { reference: target.reference }) });
  if (outcome.lowScoreAction === 'followup') replies.push({ text: t(sLang, 'survey_followup', { reference: target.reference }) });
  if (outcome.lowScoreAction === 'review' && outcome.review) {
    const { reference: review, regulatoryDueAt, escalationLevel } = outcome.review;
    const due = formatDateTime(sLang, regulatoryDueAt, deps.bank.timeZone);
    const level = t(sLang, escalationLevel === 'leadership' ? 'survey_level_leadership' : 'survey_level_back_office');
    replies.push({ text: `${t(sLang, 'survey_review_opened', { reference: target.reference, review, level, due })}\n${beyondBankText(sLang, surveys.policyName)}` });
  }
  switch (answer.question) {
    case 'solved':
      replies.push(surveyQuestionMessage(sLang, 'score', target.surveyId));
      return { state, replies, asks: true };
    case 'score':
      replies.push(surveyQuestionMessage(sLang, 'comment', target.surveyId));
      return { state, replies, asks: true };
    case 'comment':
      replies.push({ text: t(sLang, answer.value ? 'survey_comment_saved' : 'survey_thanks') });
      if (outcome.offerReview) {
        replies.push({
          text: `${t(sLang, 'survey_review_offer')}\n${beyondBankText(sLang, surveys.policyName)}`,
          buttons: [{ label: t(sLang, 'survey_btn_review'), value: SURVEY_ACTION.review(target.reference) }],
        });
      }
      break;
  }
  return { state, replies };
}

interface PressedButton {
  question: string | undefined;
  value: string | undefined;
  /** Absent on buttons sent before buttons named their survey. */
  surveyId: string | undefined;
}

function parseSurveyAction(action: string): PressedButton {
  const [, question, value, surveyId] = action.split(':');
  return { question, value, surveyId: surveyId || undefined };
}

function answerFromAction(pressed: PressedButton, awaiting: AwaitingSurvey): SurveyAnswer | null {
  const { question, value } = pressed;
  if (question !== awaiting.question) return null;
  if (question === 'solved' && (value === 'yes' || value === 'partly' || value === 'no')) return { question, value };
  if (question === 'score' && /^[1-5]$/.test(value ?? '')) return { question, value: Number(value) };
  if (question === 'comment' && value === 'skip') return { question, value: null };
  return null;
}

const QUESTION_ORDER: readonly string[] = ['solved', 'score', 'comment'] satisfies SurveyQuestion[];

/** True when the pressed button's question comes before the one the survey waits for. */
function isAnswered(pressed: PressedButton, awaiting: AwaitingSurvey): boolean {
  const i = QUESTION_ORDER.indexOf(pressed.question ?? '');
  return i >= 0 && i < QUESTION_ORDER.indexOf(awaiting.question);
}

/** The message itself when it says more than a bare answer (`bare`: the answer alone reads so). */
const wordsBeyond = (text: string, bare: boolean): { words?: string } => (bare ? {} : { words: text.trim().slice(0, 2000) });

function answerFromText(text: string, awaiting: AwaitingSurvey): SurveyAnswer | null {
  switch (awaiting.question) {
    case 'solved': {
      const v = parseSolved(text);
      return v ? { question: 'solved', value: v, ...wordsBeyond(text, SOLVED_PATTERNS.some(([, re]) => re.test(norm(text)))) } : null;
    }
    case 'score': {
      const n = parseScore(text);
      return n ? { question: 'score', value: n, ...wordsBeyond(text, scoreOf(norm(text)) !== null) } : null;
    }
    case 'comment': {
      const s = text.trim();
      if (!s) return null;
      if (/^(skip|no|nothing|no thanks|跳过|没有|无|没了|不用了)$/i.test(norm(s))) return { question: 'comment', value: null };
      return { question: 'comment', value: s.slice(0, 2000) };
    }
  }
}

async function review(state: ConversationState, reference: string, lang: Lang, deps: DialogDeps): Promise<StepResult> {
  const surveys = deps.surveys!;
  if (reference === 'none') return { state, replies: [{ text: t(lang, 'survey_thanks') }] };
  const receipt = await surveys.requestReview(reference);
  if (!receipt) return { state, replies: [{ text: t(lang, 'survey_review_unavailable') }] };
  const due = formatDateTime(lang, receipt.regulatoryDueAt, deps.bank.timeZone);
  const level = t(lang, receipt.escalationLevel === 'leadership' ? 'survey_level_leadership' : 'survey_level_back_office');
  const text = receipt.alreadyExisted
    ? t(lang, 'survey_review_exists', { reference: receipt.reference, due })
    : t(lang, 'survey_review_created', { reference: receipt.reference, due, level });
  return { state, replies: [{ text: `${text}\n${beyondBankText(lang, surveys.policyName)}` }] };
}
