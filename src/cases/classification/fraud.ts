import { normalizeText, polarityAt, snippet } from './text.js';
import { anyOf } from './text.js';

/** What the fraud detector found. The dialog's freeze fast-path and severity P1 both use it. */
export interface FraudSignal {
  /** Fraud, a scam, unauthorised use, a lost or stolen card or credentials, account takeover. */
  fraud: boolean;
  /** …and it is happening now or within hours, or the customer asks to freeze/block right now. */
  inProgress: boolean;
  /** Which words fired, e.g. `fraud ← "stolen"`, `fraud (hedged) ← "可能被骗"`. */
  reasons: string[];
}

/** A fraud cue: `strong` ones name unauthorised use; `weak` ones ("fraud", "scam") are also used as insults. */
interface Cue {
  re: RegExp;
  strong: boolean;
}
const cue = (source: string, strong: boolean): Cue => ({ re: new RegExp(source, 'g'), strong });

const EN_FRAUD: Cue[] = [
  cue(String.raw`\bfraud(?:ulent(?:ly)?|sters?)?\b`, false),
  cue(String.raw`\bscam(?:s)?\b`, false),
  cue(String.raw`\b(?:scammed|scammers?|swindled|conned|fell victim|victim of (?:a |an )?(?:scam|fraud|identity theft|theft|crime)|fake (?:ticket|website|seller|check|cheque|job|company|person|account)s?|fraudulent (?:charges?|transactions?|accounts?|activity|party|purchases?|withdraw\w*|debits?|loans?|inquir\w*|use))\b`, true),
  cue(String.raw`\b(?:stole|steal|stolen|hijacked) my (?:identity|information|personal information|ssn|social security number|card|debit card|credit card|card number|checks?|phone|wallet)\b|\bused my (?:identity|personal information|ssn|social security number)\b|\b(?:opened|open|taken out|took out|applied) (?:\w+ ){0,4}in my name\b`, true),
  cue(String.raw`\b(?:unauthori[sz]ed|un-authori[sz]ed)\b`, true),
  cue(String.raw`\bnot (?:been )?authori[sz]ed by me\b`, true),
  cue(String.raw`\b(?:did ?n[o']t|didn't|did not|never|have ?n[o']t|haven't|have not) (?:\w+ )?(?:authori[sz]e|make|made|do|did|recogni[sz]e|approve|request|open|opened|set up|sign up|get|receive|withdraw|take out|give (?:anyone )?permission)\b[^.!?]{0,40}\b(?:transactions?|charges?|payments?|purchases?|withdraw(?:a|l)s?|debits?|transfers?|accounts?|loans?|cards?|cash|money|it|this|that|them|these)\b`, true),
  cue(String.raw`\b(?:did ?n[o']t|didn't|did not|never) (?:make|authori[sz]e|do) (?:it|this|that|them|these)\b`, true),
  cue(String.raw`\b(?:don'?t|do not|didn'?t|did not) (?:recogni[sz]e|recall|remember making|know (?:what|where|who|anything about) (?:this|these|that|the|they|it))\b`, true),
  cue(String.raw`\b(?:not (?:recogni[sz]ed|familiar)|i'?m not familiar with|unsure of|unfamiliar)\b`, true),
  cue(String.raw`\b(?:is|are|was|were|that'?s|that is|it'?s|its) not (?:mine|from me|made by me|completed by me|me)\b|\bnot made by me\b|\bisn'?t (?:mine|mind)\b`, true),
  cue(String.raw`\b(?:strange|random|unknown|unfamiliar|weird|suspicious|mysterious|odd|unexpected cash) (?:\w+ )?(?:transactions?|charges?|payments?|withdraw\w*|debits?|purchases?|transfers?|activity)\b`, true),
  cue(String.raw`\bidentity (?:theft|thief|was stolen)\b|\bstolen identity\b`, true),
  cue(String.raw`\b(?:stolen|stole|steal(?:ing)?|theft|thief|thieves|robbed|pickpocket\w*)\b`, false),
  cue(String.raw`\b(?:lost|misplaced|can'?t find|cannot find|missing) (?:my )?(?:credit |debit |bank |atm )?(?:card|wallet|purse|phone)s?\b`, true),
  cue(String.raw`\b(?:card|wallet|purse) (?:is|was|got|has been|went) (?:lost|missing|stolen)\b|\bmy card is missing\b|\bmissing my card\b|\blocate my card\b`, true),
  cue(String.raw`\bhack(?:ed|er|ers|ing)?\b|\bcompromised\b|\bphish\w*|\bskimm(?:ed|er|ing)\b|\bspoof\w*|\bimpersonat\w*|\baccount takeover\b|\bsim swap\w*`, true),
  cue(String.raw`\b(?:someone|somebody|some one|a stranger|a thief|the scammer|an unknown (?:person|party)|my (?:ex|x) ?(?:boyfriend|girlfriend|husband|wife)|my (?:child|son|daughter|kid))(?: else)? (?:(?:just|already|has|had|have|may|might|be|is|was|been|also|then)\s+){0,3}(?:using|used|use|took|taken|withdrew|withdrawn|accessed|access|charged|made|stole|opened|open|got|get|copied|removed|logged|spent|transferred|emptied|drained|hacked)\b`, true),
  cue(String.raw`\bsomeone (?:else )?has (?:my|access)\b`, true),
  cue(String.raw`\b(?:transactions?|charges?|payments?|purchases?|withdraw\w*|debits?|deposits?|transfers?|cash)\b[^.!?]{0,40}\b(?:i|we) (?:did ?n[o']t|didn't|did not|never|have ?n[o']t|haven't|have not|don'?t think i|do not think i) (?:make|made|do|did|authori[sz]e|set up|get|receive|approve|recogni[sz]e)\b`, true),
  cue(String.raw`\b(?:and|but) i (?:didn'?t|did not|never did)\s*(?:[.!]|$)|\bshould ?n[o']t be there\b|\bwhat is this (?:direct debit|charge|payment|transaction|withdrawal)\b|\b(?:unknown|unrecogni[sz]ed) (?:direct )?(?:deposit|debit)\b`, true),
  cue(String.raw`\bwithout my (?:permission|knowledge|consent|authori[sz]ation|agreement|approval)\b`, true),
  cue(String.raw`\bfreeze (?:my |the )?(?:card|account|bank card)\b|\b(?:block|cancel|lock) my (?:card|account)\b|\bput a freeze\b|\breport (?:it|my card|the card) (?:as )?stolen\b|\bpolice report\b`, false),
  cue(String.raw`\bdispute (?:a |the |this |that )?(?:fraud\w*|charge|payment|transaction|purchase)\b`, false),
  cue(String.raw`\b(?:loan|account|card|credit card) (?:i|that i) (?:did ?n[o']t|didn't|did not|never) (?:apply|open|request)\w*\b`, true),
  cue(String.raw`\b(?:charged|payment|transaction|withdrawal) (?:listed )?in error\b`, true),
];

const ZH_CUE: Cue = { strong: true, re: anyOf([
  '诈骗', '被骗', '骗子', '骗走', '盗刷', '被盗', '盗用', '盗取资金', '盗取了我', '被偷', '偷走', '冒用', '冒名', '冒领', '冒充',
  '未经授权', '未经本人授权', '未授权', '没有授权', '没授权', '非本人', '不是本人', '本人没有操作', '本人未操作', '我没有操作', '我没操作',
  '本人并未', '钓鱼', '木马', '卡丢了', '卡丢失', '丢失', '遗失', '卡不见了', '钱包丢', '手机丢', '被转走', '被划走', '资金被转',
  '莫名其妙被扣', '不明扣款', '不明交易', '陌生交易', '异常交易', '被人转', '被人取', '被盗取', '杀猪盘', '刷单', '电信诈骗',
  '验证码给', '泄露了验证码', '假客服', '冒充客服', '假冒', '被黑', '盗号', '账号被盗', '被人登录', '挂失', '冻结我的卡', '帮我冻结',
  '钱就没了', '钱没了', '不翼而飞',
]) };

/** Signals that it is happening now or within hours, or that the customer asks to stop it now. */
const NOW = new RegExp(
  [
    String.raw`\b(?:just|right now|now|currently|still|keeps?|keep (?:on )?(?:charging|taking)|ongoing|in progress|today|tonight|this (?:morning|afternoon|evening)|minutes? ago|hours? ago|an hour ago|a moment ago|immediately|urgent\w*|asap|as soon as possible|help!|hurry|happening|on the phone with)\b`,
    String.raw`\b(?:freeze|block|lock|cancel|stop)\b`,
    '刚刚|刚才|刚|正在|现在|马上|立即|立刻|赶紧|紧急|今天|今早|今晚|今天早上|几分钟|一小时|小时前|还在|一直在扣|不停|冻结|止付|挂失|救命|快帮',
  ].join('|'),
);

/**
 * Finds fraud, scams, unauthorised use and lost or stolen cards or credentials, in Chinese and
 * English, skipping negated mentions ("this is not fraud", "卡没有被盗"). Hedged mentions ("I
 * think my card was stolen", "是不是被骗了") still count: a missed fraud case costs far more than
 * a false alarm. Used for severity P1 and for the dialog's freeze fast-path.
 */
export function detectFraud(text: string): FraudSignal {
  return detectFraudNormalized(normalizeText(text));
}

/** {@link detectFraud} on text already passed through `normalizeText`. */
export function detectFraudNormalized(t: string): FraudSignal {
  const reasons: string[] = [];
  let score = 0;
  let strong = 0;
  const cues: Cue[] = [...EN_FRAUD, ZH_CUE];
  for (const c of cues) {
    c.re.lastIndex = 0;
    let n = 0;
    for (const m of t.matchAll(c.re)) {
      const pol = polarityAt(t, m.index ?? 0);
      if (pol === 'negated') continue;
      if (n === 0) {
        score += c.strong ? 1 : 0.5;
        if (c.strong) strong++;
        if (reasons.length < 3) reasons.push(`fraud${pol === 'hedged' ? ' (hedged)' : ''} ← "${snippet(m[0])}"`);
      } else score += 0.25;
      if (++n >= 3) break;
    }
  }
  // Short chat messages: any cue counts. Long narratives use "fraud" and "scam" as insults for
  // practices they dislike, so they need a cue that names unauthorised use, or several cues.
  const fraud = t.length <= LONG_TEXT ? score >= 0.5 : strong > 0 || score >= LONG_THRESHOLD;
  const inProgress = fraud && NOW.test(t);
  if (inProgress) reasons.push('fraud in progress ← recent or ongoing, or a request to freeze');
  return { fraud, inProgress, reasons: fraud ? reasons : [] };
}

/** Texts longer than this (characters) are narratives rather than chat messages. */
const LONG_TEXT = 400;
/** Score a long narrative needs when no cue names unauthorised use (each weak cue is 0.5). */
const LONG_THRESHOLD = 1.5;
