import type { DialogDeps } from './deps.js';
import { formatDateTime, isLabel, languageOfText, localeLanguage, t } from './i18n.js';
import {
  continueIntake,
  greetingMessages,
  newIntake,
  normaliseYesNo,
  promptFor,
  receiptMessages,
  saysWrong,
  startIntake,
  submitIntake,
  yesNoAnswer,
  yesNoButtons,
  type StepResult,
} from './intake.js';
import { detectInterruption, isClosingRemark, requestedLanguage, type Interruption } from './interruptions.js';
import { descriptionProblem, SLOTS } from './slots.js';
import type { ConversationState, Intake } from './state.js';
import type { InboundMessage, Lang, OutboundMessage } from './types.js';
import { surveyStep } from './survey.js'; // survey

export type { StepResult };

/** An unfinished intake can be resumed for this long (issue: "within 24 hours"). */
export const RESUME_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * A greeting this long after the intake's last turn offers to continue or start over; sooner it
 * just gets the question again (the customer never left: a chat page reloaded, a "hi?" while thinking).
 */
export const RESUME_OFFER_AFTER_MS = 30 * 60 * 1000;

/**
 * One turn of the conversation: a pure function of the stored state, the customer's input and
 * the injected dependencies (CONVENTIONS.md §2). Interruptions are handled here, before any
 * dialog step sees the input (§4). The caller persists the returned state.
 *
 * `state` is the turn's own: it is changed in place and usually returned as the result's state,
 * so the caller passes a fresh copy it does not use otherwise (`parseState` returns one per
 * turn). Copying it here again cost about 1 % of the server's CPU.
 */
export async function step(state: ConversationState, input: InboundMessage, deps: DialogDeps): Promise<StepResult> {
  // The chat was opened (Teams, Web Chat): greeted once. A conversation that already had a turn
  // (Direct Line's update after the first message, a Teams reinstall) is left exactly as it was:
  // not even `updatedAt` moves, which times the resume offer and the survey.
  if (input.opened && state.updatedAt) return { state, replies: [] };
  const lang = conversationLanguage(state, input);
  let expiredAt: Intake['step'] | undefined;
  if (state.intake && state.updatedAt && deps.now.getTime() - Date.parse(state.updatedAt) > RESUME_WINDOW_MS) {
    expiredAt = state.intake.step;
    state.intake = undefined;
    state.pending = undefined;
  }

  // Stamped after the turn: during it, `updatedAt` is the time of the last thing the bot asked,
  // which the survey compares with its own (src/dialogs/survey.ts).
  const result = await route(state, input, lang, deps, expiredAt);
  result.state.updatedAt = deps.now.toISOString();
  return result;
}

/**
 * The conversation's language, decided on its first turn. A first turn whose words show no
 * language (`/start`, a greeting, a file) takes the channel's locale as a guess, and the
 * customer's first real message, when it is clearly Chinese or English, settles it: a Chinese
 * client that taps Start and then writes in Chinese is answered in Chinese.
 */
function conversationLanguage(state: ConversationState, input: InboundMessage): Lang {
  const words = input.text ?? input.attachments?.find((a) => a.caption)?.caption;
  // A command or a one-word greeting is the client's menu or a formality, not the complaint.
  const command = detectInterruption(input) !== null || /^\s*\//.test(words ?? '');
  if (!state.lang) {
    const fromWords = languageOfText(words);
    state.lang = fromWords ?? localeLanguage(input.locale);
    state.langGuessed = command || !fromWords ? true : undefined;
  } else if (state.langGuessed && !command && !input.action) {
    const clear = languageOfText(words, { clear: true });
    if (clear) {
      state.lang = clear;
      state.langGuessed = undefined;
    }
  }
  return state.lang;
}

/**
 * Routes a turn: the survey first, then interruptions, the intake or a new one. `expiredAt` is
 * the step of an intake that expired this turn (already cleared from `state`).
 */
async function route(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps, expiredAt?: Intake['step']): Promise<StepResult> {
  // Survey: a pending follow-up survey takes its answers first; surveyStep lets
  // interruptions, an intake in progress and new complaints through (see dialogs/survey.ts)
  // No words and no state: the greeting a first "hi" gets, in the language of the client's locale.
  if (input.opened) return beginAfresh(state, lang, deps);
  const surveyTurn = await surveyStep(state, input, lang, deps);
  if (surveyTurn) return surveyTurn;
  if (!expiredAt) return dispatch(state, input, lang, deps);
  // Everything else hears first that the old draft is gone. A short answer to its last question
  // ("yesterday", "Jane", "No", an old button) is no new complaint: the new intake opens with the
  // greeting and asks for the story. A message that reads as a complaint is the new description.
  const notice: OutboundMessage = { text: t(lang, 'expired') };
  if (!detectInterruption(input) && answersExpiredQuestion(input, expiredAt, deps)) {
    const fresh = beginAfresh(state, lang, deps);
    return { ...fresh, replies: [notice, ...fresh.replies] };
  }
  const result = await dispatch(state, input, lang, deps);
  return { ...result, replies: [notice, ...result.replies] };
}

/**
 * Whether a message sent after the intake expired answers the question it was left at rather
 * than telling a new story: an old button, text no description would be (too short, no words),
 * a yes / no, or a few words the expired question accepts (a date, an amount, a phone number, a
 * name). Free-text questions (name, outcome wanted, the summary) accept almost anything, so
 * there only three words or three Chinese characters count: "卡被吞了" is a complaint.
 */
function answersExpiredQuestion(input: InboundMessage, askedFor: Intake['step'], deps: DialogDeps): boolean {
  if (input.action) return true;
  const text = (input.text ?? '').trim();
  if (!text) return false;
  if (descriptionProblem(text)?.reason === 'invalid_description' || normaliseYesNo(text)) return true;
  if (askedFor === 'describe' || deps.detectFraud(text).fraud) return false;
  const short = text.split(/\s+/).length <= 3 && text.length <= 40;
  const fewHan = !/\p{Script=Han}{4,}/u.test(text);
  switch (askedFor) {
    case 'confirm':
    case 'choose_correction':
    case 'name':
    case 'desiredResolution':
      return short && fewHan && (askedFor !== 'name' || SLOTS.name.parse(input, deps).ok);
    default:
      return short && SLOTS[askedFor].parse(input, deps).ok;
  }
}

/** The turn after the survey: a pending question, interruptions, the intake or a new one. */
async function dispatch(state: ConversationState, input: InboundMessage, lang: Lang, deps: DialogDeps): Promise<StepResult> {
  if (input.unsupported && !input.text && !input.attachments?.length) {
    // Not an answer to anything: say what the bot can read, and ask the question again (a
    // pending yes/no question stays open, its buttons still on the message above).
    const again = state.intake && !state.pending ? [await promptFor(state.intake, lang, deps)] : [];
    return { state, replies: [{ text: t(lang, 'unsupported_message') }, ...again] };
  }
  // A question from an interruption lapses with whatever answer comes: anything but its own
  // answer is handled as usual, so /language or a message typed instead is never lost.
  let carriedOn = false;
  if (state.pending) {
    const pending = state.pending;
    state.pending = undefined;
    const handled = await answerPending(pending, state, input, lang, deps);
    if (handled) return handled;
    carriedOn = pending === 'confirm_cancel' || pending === 'confirm_restart';
  }
  const interruption = detectInterruption(input);
  if (interruption) return interrupt(interruption, state, input, lang, deps);
  if (state.intake) {
    const result = await continueIntake(state, input, lang, deps);
    // Not cancelled, not restarted: say so, since the customer was asked.
    return carriedOn ? { ...result, replies: [{ text: t(lang, 'not_cancelled') }, ...result.replies] } : result;
  }
  // The summary's Confirm again after the case was filed (a double tap, or a resend because the
  // reply was lost when the server stopped): the customer hears the reference again instead of
  // starting a new complaint.
  if (input.action === 'confirm' && state.lastCaseRef) {
    return { state, replies: [{ text: t(lang, 'already_filed', { reference: state.lastCaseRef }) }] };
  }
  // Any other button of a question from before (the summary's Correct, a product or a date, after
  // the receipt) is no new complaint: it only gets a word on how to add to the one filed.
  // Survey buttons reach here only where no survey is wired.
  if (input.action && !input.action.startsWith('survey:')) {
    const reply = state.lastCaseRef ? t(lang, 'old_button_filed', { reference: state.lastCaseRef }) : t(lang, 'old_button');
    return { state, replies: [{ text: reply }] };
  }
  // "Thank you!" after the receipt is good manners, not a second complaint.
  if (isClosingRemark(input)) return { state, replies: [{ text: t(lang, 'after_case') }] };
  return startIntake(state, input, lang, deps);
}

/** The answer to a yes/no question asked by an interruption; null lets the input through. */
async function answerPending(
  pending: NonNullable<ConversationState['pending']>,
  state: ConversationState,
  input: InboundMessage,
  lang: Lang,
  deps: DialogDeps,
): Promise<StepResult | null> {
  // The resume offer and the offer of a person have buttons of their own (continue / restart,
  // cmd:human / retry); a label typed ("继续", "Try again") or a yes / no answers them too.
  const text = input.text ?? '';
  const typedButton = isLabel(text, 'btn_continue') ? 'continue' : isLabel(text, 'btn_start_over') ? 'restart' : isLabel(text, 'btn_try_again') ? 'retry' : null;
  const choice = input.action ?? typedButton ?? normaliseYesNo(text);
  const intake = state.intake;
  switch (pending) {
    case 'confirm_cancel': {
      const answer = yesNoAnswer(input, 'cancel');
      if (answer === 'yes') {
        state.intake = undefined;
        return { state, replies: [{ text: t(lang, 'cancelled') }] };
      }
      return answer === 'no' ? resume(state, lang, deps, 'not_cancelled') : null;
    }
    case 'confirm_restart': {
      const answer = yesNoAnswer(input, 'restart');
      if (answer === 'yes') {
        state.intake = newIntake(deps.now);
        return { state, replies: [{ text: t(lang, 'restarted') }, { text: t(lang, 'ask_describe') }] };
      }
      return answer === 'no' ? resume(state, lang, deps, 'not_cancelled') : null;
    }
    case 'resume': {
      if (choice === 'restart') {
        return beginAfresh(state, lang, deps);
      }
      if (choice === 'continue' || choice === 'yes') return resume(state, lang, deps);
      // Anything else is no answer to the current question, which the customer was not asked:
      // "no" says neither continue nor start over, so the offer is asked again. Commands other
      // than a greeting go through.
      const kind = detectInterruption(input);
      return kind && kind !== 'start' ? null : resumeOffer(state, lang);
    }
    case 'offer_human':
      // "不对" here means the answer was misread, not "no person": it goes to the question.
      if (choice === 'retry' || (choice === 'no' && !saysWrong(text))) {
        if (intake) intake.failures = 0;
        return resume(state, lang, deps);
      }
      if (choice === 'yes') return interrupt('human', state, input, lang, deps);
      return null;
  }
}

/** Asks whether to continue the unfinished intake or start over, with a button for each. */
function resumeOffer(state: ConversationState, lang: Lang): StepResult {
  state.pending = 'resume';
  const buttons = [
    { label: t(lang, 'btn_continue'), value: 'continue' },
    { label: t(lang, 'btn_start_over'), value: 'restart' },
  ];
  return { state, replies: [{ text: t(lang, 'resume_offer'), buttons }] };
}

/** A new, empty intake opened with the greeting and privacy notice. */
function beginAfresh(state: ConversationState, lang: Lang, deps: DialogDeps): StepResult {
  state.intake = newIntake(deps.now);
  return { state, replies: [...greetingMessages(lang, deps), { text: t(lang, 'ask_describe') }] };
}

async function resume(state: ConversationState, lang: Lang, deps: DialogDeps, lead?: 'not_cancelled'): Promise<StepResult> {
  const replies: OutboundMessage[] = lead ? [{ text: t(lang, lead) }] : [];
  if (state.intake) replies.push(await promptFor(state.intake, lang, deps));
  return { state, replies };
}

async function interrupt(
  kind: Interruption,
  state: ConversationState,
  input: InboundMessage,
  lang: Lang,
  deps: DialogDeps,
): Promise<StepResult> {
  const intake = state.intake;
  switch (kind) {
    case 'unknown_command':
    case 'help': {
      // An unknown command gets the help it was probably looking for; nothing else changes.
      const help = t(lang, 'help');
      const replies: OutboundMessage[] = [{ text: kind === 'help' ? help : `${t(lang, 'unknown_command')}\n${help}` }];
      if (intake) {
        const prompt = await promptFor(intake, lang, deps);
        replies.push({ ...prompt, text: `${t(lang, 'help_resume')}\n${prompt.text}` });
      }
      return { state, replies };
    }
    case 'cancel':
      if (!intake) return { state, replies: [{ text: t(lang, 'nothing_to_cancel') }] };
      state.pending = 'confirm_cancel';
      return { state, replies: [{ text: t(lang, 'confirm_cancel'), buttons: yesNoButtons(lang, 'cancel') }] };
    case 'restart':
      if (intake?.draft.description) {
        state.pending = 'confirm_restart';
        return { state, replies: [{ text: t(lang, 'confirm_restart'), buttons: yesNoButtons(lang, 'restart') }] };
      }
      return beginAfresh(state, lang, deps);
    case 'start':
      // A greeting moments after the last question ("hi", "I need help") is the customer still
      // here: the question again. The offer is for one coming back to an intake left a while ago.
      if (intake?.draft.description && state.updatedAt && deps.now.getTime() - Date.parse(state.updatedAt) <= RESUME_OFFER_AFTER_MS) {
        return resume(state, lang, deps);
      }
      if (intake?.draft.description) return resumeOffer(state, lang);
      // The intake opened with the greeting and is waiting for the story: just ask for it.
      if (intake) return { state, replies: [{ text: t(lang, 'ask_describe') }] };
      return beginAfresh(state, lang, deps);
    case 'language': {
      const next: Lang = requestedLanguage(input) ?? (lang === 'zh' ? 'en' : 'zh');
      state.lang = next;
      state.langGuessed = undefined; // asked for: never changed behind the customer's back
      const replies: OutboundMessage[] = [{ text: t(next, 'language_switched') }];
      if (intake) replies.push(await promptFor(intake, next, deps));
      return { state, replies };
    }
    case 'status':
      return { state, replies: [await statusMessage(lang, deps), ...(intake ? [await promptFor(intake, lang, deps)] : [])] };
    case 'next_steps': {
      // Mid-intake: how it goes on, then the question again. With nothing running, the cases
      // filed are what "next" is about: their decision dates; a customer with none yet is asking
      // before complaining, and is greeted and asked for the story.
      const explained: OutboundMessage = { text: t(lang, 'next_steps_explained') };
      if (intake) return { state, replies: [explained, await promptFor(intake, lang, deps)] };
      if (state.lastCaseRef) return { state, replies: [explained, await statusMessage(lang, deps)] };
      const fresh = beginAfresh(state, lang, deps);
      return { ...fresh, replies: [explained, ...fresh.replies] };
    }
    case 'human': {
      if (!intake && state.lastCaseRef && (await deps.cases.requestHuman(state.lastCaseRef))) {
        return { state, replies: [{ text: t(lang, 'human_requested_existing', { reference: state.lastCaseRef }) }] };
      }
      const { receipt, incomplete } = await submitIntake(state, lang, deps, { humanRequested: true });
      if (!incomplete) return { state, replies: receiptMessages(receipt, lang, deps) };
      const firstResponseDue = formatDateTime(lang, receipt.firstResponseDueAt, deps.bank.timeZone);
      return { state, replies: [{ text: t(lang, 'human_case_created', { reference: receipt.reference, firstResponseDue }) }] };
    }
  }
}

async function statusMessage(lang: Lang, deps: DialogDeps): Promise<OutboundMessage> {
  const open = await deps.cases.listOpen();
  if (open.length === 0) return { text: t(lang, 'status_none') };
  const lines = open.map((c) =>
    t(lang, 'status_line', {
      reference: c.reference,
      status: t(lang, `status_${c.status}`),
      regulatoryDue: formatDateTime(lang, c.regulatoryDueAt, deps.bank.timeZone),
    }),
  );
  return { text: [t(lang, 'status_title'), ...lines].join('\n') };
}
