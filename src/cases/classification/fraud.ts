import { canMatch, normalizeText, polarityAt, scriptOfSource, scriptsOf, snippet, type Script } from './text.js';
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

/**
 * A fraud cue. `kind` says how much it proves:
 * - `strong`: names unauthorised use, theft or a scam the customer fell for ("I did not make
 *   this payment", "stolen card", "identity theft", "I was scammed"). One is enough anywhere.
 * - `chat`: strong in a short chat message, but in a long narrative it usually refers to
 *   something else ("this debt is not mine", "a collector I'm unfamiliar with"): there it only
 *   counts as weak.
 * - `soft`: a chat cue that a fee question also uses ("a charge I'm not familiar with", "a fee
 *   that should not be there"); dropped when the message is about a fee or an exchange rate.
 * - `weak`: words that are also used as accusations ("fraud", "scam", "steal"): several are
 *   needed in a long narrative.
 */
type CueKind = 'strong' | 'chat' | 'soft' | 'weak';
interface Cue {
  re: RegExp;
  kind: CueKind;
  script: Script;
}
const cue = (source: string, kind: CueKind): Cue => ({ re: new RegExp(source, 'g'), kind, script: scriptOfSource(source) });

// Word lists shared by the structural cues below.
const TXN = String.raw`(?:transactions?|charges?|payments?|purchases?|withdraw[a-z]*|debits?|direct debits?|transfers?|cash|money|funds)`;
const I_DIDNT = String.raw`(?:i|we) (?:did ?n[o']t|didn'?t|did not|never|have ?n[o']t|haven'?t|have not|had not|hadn'?t|don'?t think i|do not think i|am sure i did ?n[o']t|know i did ?n[o']t|know i didn'?t)`;
const DID_VERB = String.raw`(?:make|made|do|did|authori[sz]e|authori[sz]ed|approve|approved|approve of|recogni[sz]e|set (?:it )?up|get|got|receive|received|request|requested|initiate|initiated|withdraw|take out|spend|buy|purchase|order|sign up for|agree to|allow|give (?:anyone )?permission)`;
const SOMEONE = String.raw`(?:someone|somebody|some one|a stranger|a thief|thieves|the scammers?|the fraudsters?|an unknown (?:person|party|man|woman)|a third party|my (?:ex|x)[- ]?(?:boyfriend|girlfriend|husband|wife|partner)|my (?:child|son|daughter|kid|roommate|flatmate|brother|sister))`;

const EN_FRAUD: Cue[] = [
  // Unauthorised use, named as such.
  cue(String.raw`\b(?:un-?authori[sz]ed|not (?:been )?authori[sz]ed by me|never authori[sz]ed)\b(?: \w+){0,3}? (?:${TXN}|use|usage|access|activity|accounts?|card|login|log-?ins?|debit)\b`, 'strong'),
  cue(String.raw`\bun-?authori[sz]ed\b`, 'chat'),
  cue(String.raw`\bfraud(?:ulent)? (?:charges?|transactions?|activity|purchases?|withdraw\w*|debits?|transfers?|use|payments?|claims? (?:on|against) my (?:card|account))\b|\bcharges? (?:were|was|are|is) fraudulent\b`, 'strong'),
  // "I didn't make this payment", "a payment I didn't make", in either order, one sentence.
  cue(String.raw`\b${I_DIDNT} (?:\w+ )?${DID_VERB}\b[^.!?]{0,40}\b${TXN}\b`, 'strong'),
  cue(String.raw`\b${TXN}\b[^.!?]{0,50}\b${I_DIDNT} (?:\w+ )?${DID_VERB}\b`, 'strong'),
  cue(String.raw`\b(?:did ?n[o']t|didn'?t|did not|never) (?:make|authori[sz]e|do|approve(?: of)?) (?:it|this|that|them|these|those)\b|\b(?:and|but) i (?:did ?n[o']t|didn'?t|did not|never did)\s*(?:[.!]|$)|\b(?:app|statement|it|bank) says i (?:did|made|got)\b`, 'chat'),
  cue(String.raw`\b(?:(?:wasn'?t|was not|weren'?t|were not|isn'?t|is not|not) (?:made|done|completed|initiated|authori[sz]ed) by me|without my (?:permission|knowledge|consent|authori[sz]ation|agreement|approval))\b`, 'chat'),
  cue(String.raw`\b${TXN}\b[^.!?]{0,30}\b(?:(?:is|are|was|were|that'?s|that is|it'?s|its|it is) not (?:mine|from me|me)|isn'?t (?:mine|mind)|not mine)\b`, 'chat'),
  cue(String.raw`\b(?:don'?t|do not|didn'?t|did not|can'?t|cannot) (?:recogni[sz]e|recall|remember (?:making|doing|ordering|buying|this|that|it)|know (?:what|where|who|anything about|about) (?:this|these|that|the|they|it|i)|understand where)\b`, 'soft'),
  cue(String.raw`\b(?:not (?:recogni[sz]ed|familiar)|i'?m not familiar with|unsure (?:of|about)|unfamiliar|unrecogni[sz]ed|should ?n[o']t be (?:there|on)|may not be right|never (?:seen|heard of) (?:the|this|that|it)\b)`, 'soft'),
  cue(String.raw`\b(?:strange|random|unknown|weird|suspicious|mysterious|odd|mystery|unusual|unidentified) (?:\w+ ){0,2}${TXN}|\b(?:unknown|unidentified) (?:direct )?(?:deposit|debit|name|recipient|person|number|merchant|seller)\b|\bwhat is this (?:direct debit|charge|payment|transaction|withdrawal|debit)\b`, 'soft'),
  // Theft of the card, the identity, the credentials.
  cue(String.raw`\bidentity (?:theft|thief|thieves|fraud)\b|\bidentity (?:\w+ ){0,2}(?:was|has been|had been|is|got) (?:\w+ )?(?:stolen|compromised|used|taken)\b|\bstolen identity\b|\bstole my identity\b`, 'strong'),
  cue(String.raw`\b${I_DIDNT} (?:\w+ )?(?:open|opened|apply for|applied for|sign for|signed for|take out|took out|authori[sz]e|authori[sz]ed) (?:this|that|the|these|those|any|an?|such) (?:\w+ )?(?:accounts?|loans?|cards?|credit cards?|lines? of credit|debts?)\b|\bfraudulent (?:party|seller|buyer|person|individual|website|site|caller|checks?|merchant)\b`, 'strong'),
  cue(String.raw`\b(?:stole|steal|stolen|hijacked|copied|skimmed|cloned|compromised) (?:\w+ )?(?:my (?:identity|information|personal information|details|ssn|social security number|card|cards|debit card|credit card|bank card|card (?:number|details|info)|checks?|check ?book|phone|wallet|purse|bag|password|pin|login)|the (?:card|numbers?) (?:on|of) my card)\b|(?<!\b(?:i|we|i was|i am|i'm|for|by|when|while|from|of) )\b(?:used|using|use of) my (?:identity|personal information|name|ssn|social security(?: number)?)\b|(?<!\b(?:i|we|i have|i had|i've|and|then|i always|i only|i just|i) )\bused my (?:card|account|details)\b`, 'strong'),
  cue(String.raw`\bno idea how (?:they|someone|somebody|he|she|it|this) (?:got|used|obtained|accessed|took|made)\b`, 'strong'),
  // A scam paid through a payment rail is a victim's story, not an insult to a lender.
  cue(String.raw`\b(?:zelle|cash ?app|venmo|paypal|wire transfer|wired|western union|moneygram|gift cards?|bitcoin|crypto\w*)\b[^.!?]{0,80}\bscam\w*|\bscam\w*\b[^.!?]{0,80}\b(?:zelle|cash ?app|venmo|paypal|wire transfer|wired|western union|moneygram|gift cards?|bitcoin|crypto\w*)\b`, 'strong'),
  cue(String.raw`\b(?:opened|open|taken out|took out|applied for|obtained) (?:\w+ ){0,4}(?:in|under|using) my name\b|\b(?:opened|taken out|obtained) (?:falsely|fraudulently)\b|\b(?:loan|account|card|credit card|line of credit) (?:that )?(?:i|that i) (?:did ?n[o']t|didn'?t|did not|never) (?:apply|open|request|authori[sz]e)\w*\b`, 'strong'),
  cue(String.raw`\b(?:lost|misplaced|left|dropped|can'?t find|cannot find|can not find|missing|lose) (?:my |the |our )?(?:credit |debit |bank |atm |new )?(?:card|wallet|purse|phone|handbag|bag)s?\b|\b(?:card|wallet|purse|phone)s? (?:is|are|was|were|got|has been|have been|went|gone|seems?|has gone) (?:\w+ )?(?:lost|missing|stolen|gone|taken)\b|\b(?:locate|find) my card\b|\bmissing my card\b|\breport (?:it|my card|the card|a card|them) (?:as )?(?:lost|stolen)\b`, 'strong'),
  cue(String.raw`\b(?:stolen|lost) (?:credit |debit |bank )?cards?\b`, 'strong'),
  cue(String.raw`\b(?:(?:was|been|got|is|has been|were) hacked|hackers?|hacked into|phish\w*|skimm(?:ed|er|ing)|spoof\w*|impersonat\w*|account takeover|sim swap\w*|took over my (?:account|phone|email))\b|\b(?:account|card|details|information|password|phone|email) (?:was|has been|have been|were|is|got|been) (?:hacked|compromised|breached|accessed)\b`, 'strong'),
  cue(String.raw`\b(?:hack(?:ed|ing)?|compromised)\b`, 'chat'),
  cue(String.raw`\b${SOMEONE}(?: else)? (?:(?:just|already|has|had|have|may|might|must|be|is|was|been|also|then|somehow|managed to|could|might have|may have)\s+){0,3}(?:using|used|use|took|taken|withdrew|withdrawn|accessed|access|charged|made|stole|stolen|opened|open|got|get|copied|removed|logged|spent|transferred|emptied|drained|hacked|cloned|cashed|signed|applied|forged|moved)\b`, 'strong'),
  cue(String.raw`\bsomeone (?:else )?(?:has|had|got|knows) (?:my|access)\b`, 'strong'),
  // The customer fell for a scam (first person), as opposed to calling a practice a scam.
  cue(String.raw`\b(?:i|we) (?:was|were|got|have been|had been|'?ve been|am being|are being) (?:\w+ )?(?:scammed|defrauded|conned|swindled|duped|tricked|robbed|hacked)\b|\b(?:fell|fallen) (?:victim|for (?:a|the|this) (?:scam|fraud))\b|\bvictim of (?:a |an )?(?:\w+ )?(?:scam|fraud|theft|crime|hack)\b|\bfake (?:of )?(?:a |an |the )?(?:\w+ )?(?:ticket|website|seller|buyer|check|cheque|job|company|person|account|invoice|merchant|representative|rep|agent|bank|employee|caller|email|text|landlord|listing)s?\b|\b(?:romance|investment|crypto|phone|text|phishing|impostor|imposter|job|rental|lottery) scam\b|\bscammers? (?:who )?(?:got|told|convinced|tricked|called|texted|took|asked|pretend\w*|posing)\b`, 'strong'),
  cue(String.raw`\bscam(?:med|mers?|s)?\b|\bfraud(?:ulent(?:ly)?|sters?)?\b|\bswindl\w+|\bconned\b`, 'weak'),
  cue(String.raw`\b(?:stolen|stole|steal(?:ing)?|theft|thief|thieves|robbed|pickpocket\w*)\b`, 'weak'),
  // Requests that only make sense after fraud or theft.
  cue(String.raw`\b(?:freeze|block|lock|cancel|stop|deactivate) (?:my |the |this )?(?:card|account|bank card|debit card|credit card)\b|\bput a (?:freeze|block|hold) on (?:my |the )?(?:card|account)\b|\b(?:card|account) (?:needs|has) to be (?:frozen|blocked|cancell?ed|locked)\b|\bpolice report\b|\bfraud (?:alert|department|claim|report|team|dispute)\b`, 'chat'),
  cue(String.raw`\bdispute (?:a |the |this |that )?(?:fraud\w*|charge|payment|transaction|purchase)\b|\b(?:charged|payment|transaction|withdrawal) (?:listed )?in error\b`, 'chat'),
];

/** A short message about a fee or a rate: "soft" cues there mean "what is this fee", not fraud. */
const FEE_CONTEXT = /\bfees?\b|\bcharged (?:me )?(?:extra|more|an? extra|twice)\b|\bextra (?:\w+ )?charge|\bexchange rate|\bconversion rate|\bcommission\b|手续费|汇率|年费/;

const ZH_CUE: Cue = { kind: 'strong', script: 'han', re: anyOf([
  '诈骗', '被骗', '骗子', '骗走', '盗刷', '被盗', '盗用', '盗取资金', '盗取了我', '被偷', '偷走', '冒用', '冒名', '冒领', '冒充',
  '未经授权', '未经本人授权', '未授权', '没有授权', '没授权', '非本人', '不是本人', '本人没有操作', '本人未操作', '我没有操作', '我没操作',
  '本人并未', '钓鱼', '木马', '卡丢了', '卡丢失', '丢失', '遗失', '卡不见了', '钱包丢', '手机丢', '被转走', '被划走', '资金被转',
  '莫名其妙被扣', '不明扣款', '不明交易', '陌生交易', '异常交易', '被人转', '被人取', '被盗取', '杀猪盘', '刷单', '电信诈骗',
  '验证码给', '泄露了验证码', '假客服', '冒充客服', '假冒', '被黑', '盗号', '账号被盗', '被人登录', '挂失', '冻结我的卡', '帮我冻结',
  '钱就没了', '钱没了', '不翼而飞',
]) };

const CUES: readonly Cue[] = [...EN_FRAUD, ZH_CUE];

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
  const short = t.length <= LONG_TEXT;
  const feeQuestion = short && FEE_CONTEXT.test(t);
  let strong = 0;
  let weak = 0;
  const has = scriptsOf(t);
  for (const c of CUES) {
    if (!canMatch(c.script, has)) continue;
    if (c.kind === 'soft' && feeQuestion) continue;
    // Chat cues prove fraud in a short message; in a long narrative they are only hints.
    const isStrong = c.kind === 'strong' || (short && c.kind !== 'weak');
    c.re.lastIndex = 0;
    let n = 0;
    let m: RegExpExecArray | null;
    while ((m = c.re.exec(t)) !== null) {
      if (m[0] === '') {
        c.re.lastIndex++;
        continue;
      }
      const pol = polarityAt(t, m.index);
      if (pol === 'negated') continue;
      if (n === 0) {
        if (isStrong) strong++;
        else weak += 0.5;
        if (reasons.length < 3) reasons.push(`fraud${pol === 'hedged' ? ' (hedged)' : ''}${isStrong ? '' : ' (weak)'} ← "${snippet(m[0])}"`);
      } else if (!isStrong) weak += 0.25;
      if (++n >= 3) break;
    }
  }
  // Short chat messages: any cue counts. Long narratives use "fraud" and "scam" as insults for
  // practices they dislike, and "not mine" for a disputed debt, so they need a cue that names
  // unauthorised use, or several hints together.
  const fraud = strong > 0 || (short ? weak > 0 : weak >= LONG_THRESHOLD);
  const inProgress = fraud && NOW.test(t);
  if (inProgress) reasons.push('fraud in progress ← recent or ongoing, or a request to freeze');
  return { fraud, inProgress, reasons: fraud ? reasons : [] };
}

/** Texts longer than this (characters) are narratives rather than chat messages. */
const LONG_TEXT = 400;
/** Score a long narrative needs when no cue names unauthorised use (each weak cue is 0.5). */
const LONG_THRESHOLD = 1.5;
