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
 * - `loss`: money gone from the account ("my account was emptied", "卡里少了3000"): a chat cue
 *   that a fee question or a payment the customer made themselves also uses ("the transfer
 *   failed and the money is gone"); dropped when the message is about a fee, a transfer, a
 *   top-up, a refund or an ATM.
 * - `weak`: words that are also used as accusations ("fraud", "scam", "steal"): several are
 *   needed in a long narrative.
 */
type CueKind = 'strong' | 'chat' | 'soft' | 'loss' | 'weak';
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
// An optional word between two parts of a cue that is not a negator: "i was (really) scammed",
// not "i was not scammed" (the negation check only looks before the whole match).
const ADV = String.raw`(?:(?!not\b|never\b|no\b)\w+ )?`;
// What a scammer asks the victim for: one-time codes, PINs, passwords, card security codes.
const SECRET = String.raw`(?:otp|one[- ]time (?:password|passcode|code|pin)|(?:verification|security|sms|text|confirmation|authori[sz]ation|authentication|login|access) codes?|(?:\d|four|six)[- ]digit (?:code|pin)|pin(?: code| number)?|password|passcode|cvv2?|cvc|card security code|online banking (?:details|login|password)|login (?:details|credentials)|code (?:from|in) (?:the |my |a |that )?(?:sms|text|message))`;
// Who a scammer pretends to be.
const TRUSTED = String.raw`(?:from )?(?:the |my |your |a |an |our )?(?:\w+ )?(?:bank|bank'?s|customer (?:service|support)|fraud (?:team|department)|security (?:team|department)|police|police officer|officer|staff|employee|representative|rep|agent|teller|manager|official|government|(?:grand)?son|(?:grand)?daughter|nephew|niece)\b`;
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
  cue(String.raw`\bidentity (?:theft|thief|thieves|fraud)\b|\bidentity (?:\w+ ){0,2}(?:was|has been|had been|is|got) ${ADV}(?:stolen|compromised|used|taken)\b|\bstolen identity\b|\bstole my identity\b`, 'strong'),
  cue(String.raw`\b${I_DIDNT} (?:\w+ )?(?:open|opened|apply for|applied for|sign for|signed for|take out|took out|authori[sz]e|authori[sz]ed) (?:this|that|the|these|those|any|an?|such) (?:\w+ )?(?:accounts?|loans?|cards?|credit cards?|lines? of credit|debts?)\b|\bfraudulent (?:party|seller|buyer|person|individual|website|site|caller|checks?|merchant)\b`, 'strong'),
  cue(String.raw`\b(?:stole|steal|stolen|hijacked|copied|skimmed|cloned|compromised) (?:\w+ )?(?:my (?:identity|information|personal information|details|ssn|social security number|card|cards|debit card|credit card|bank card|card (?:number|details|info)|checks?|check ?book|phone|wallet|purse|bag|password|pin|login)|the (?:card|numbers?) (?:on|of) my card)\b|(?<!\b(?:i|we|i was|i am|i'm|for|by|when|while|from|of) )\b(?:used|using|use of) my (?:identity|personal information|name|ssn|social security(?: number)?)\b|(?<!\b(?:i|we|i have|i had|i've|and|then|i always|i only|i just|i) )\bused my (?:card|account|details)\b`, 'strong'),
  cue(String.raw`\bno idea how (?:they|someone|somebody|he|she|it|this) (?:got|used|obtained|accessed|took|made)\b`, 'strong'),
  // A scam paid through a payment rail is a victim's story, not an insult to a lender.
  cue(String.raw`\b(?:zelle|cash ?app|venmo|paypal|wire transfer|wired|western union|moneygram|gift cards?|bitcoin|crypto\w*)\b[^.!?]{0,80}\bscam\w*|\bscam\w*\b[^.!?]{0,80}\b(?:zelle|cash ?app|venmo|paypal|wire transfer|wired|western union|moneygram|gift cards?|bitcoin|crypto\w*)\b`, 'strong'),
  cue(String.raw`\b(?:opened|open|taken out|took out|applied for|obtained) (?:\w+ ){0,4}(?:in|under|using) my name\b|\b(?:opened|taken out|obtained) (?:falsely|fraudulently)\b|\b(?:loan|account|card|credit card|line of credit) (?:that )?(?:i|that i) (?:did ?n[o']t|didn'?t|did not|never) (?:apply|open|request|authori[sz]e)\w*\b`, 'strong'),
  cue(String.raw`\b(?:lost|misplaced|left|dropped|can'?t find|cannot find|can not find|missing|lose) (?:my |the |our )?(?:credit |debit |bank |atm |new )?(?:card|wallet|purse|phone|handbag|bag)s?\b|\b(?:card|wallet|purse|phone)s? (?:is|are|was|were|got|has been|have been|went|gone|seems?|has gone) ${ADV}(?:lost|missing|stolen|gone|taken)\b|\b(?:locate|find) my card\b|\bmissing my card\b|\breport (?:it|my card|the card|a card|them) (?:as )?(?:lost|stolen)\b`, 'strong'),
  cue(String.raw`\b(?:stolen|lost) (?:credit |debit |bank )?cards?\b`, 'strong'),
  cue(String.raw`\b(?:(?:was|been|got|is|has been|were) hacked|hackers?|hacked into|phish\w*|skimm(?:ed|er|ing)|spoof\w*|impersonat\w*|account takeover|sim swap\w*|took over my (?:account|phone|email))\b|\b(?:account|card|details|information|password|phone|email) (?:was|has been|have been|were|is|got|been) (?:hacked|compromised|breached|accessed)\b`, 'strong'),
  cue(String.raw`\b(?:hack(?:ed|ing)?|compromised)\b`, 'chat'),
  cue(String.raw`\b${SOMEONE}(?: else)? (?:(?:just|already|has|had|have|may|might|must|be|is|was|been|also|then|somehow|managed to|could|might have|may have)\s+){0,3}(?:using|used|use|took|taken|withdrew|withdrawn|accessed|access|charged|made|stole|stolen|opened|open|got|get|copied|removed|logged|spent|transferred|emptied|drained|hacked|cloned|cashed|signed|applied|forged|moved)\b`, 'strong'),
  cue(String.raw`\bsomeone (?:else )?(?:has|had|got|knows) (?:my|access)\b`, 'strong'),
  // The customer fell for a scam (first person), as opposed to calling a practice a scam.
  cue(String.raw`\b(?:i|we) (?:was|were|got|have been|had been|'?ve been|am being|are being) ${ADV}(?:scammed|defrauded|conned|swindled|duped|tricked|robbed|hacked)\b|\b(?:fell|fallen) (?:victim|for (?:a|the|this) (?:scam|fraud))\b|\bvictim of (?:a |an )?(?:\w+ )?(?:scam|fraud|theft|crime|hack)\b|\bfake (?:of )?(?:a |an |the )?(?:\w+ )?(?:ticket|website|seller|buyer|check|cheque|job|company|person|account|invoice|merchant|representative|rep|agent|bank|employee|caller|email|text|landlord|listing)s?\b|\b(?:romance|investment|crypto|phone|text|phishing|impostor|imposter|job|rental|lottery) scam\b|\bscammers? (?:who )?(?:got|told|convinced|tricked|called|texted|took|asked|pretend\w*|posing)\b`, 'strong'),
  // Advance-fee scams: the victim is told to pay a fee, a deposit or a tax first to receive a
  // payment, a loan, a prize or a refund ("send 400 first to receive his payment"), and never
  // gets it. A real lender's fee is paid before a loan too, so the demand alone is not enough:
  // it takes what happened next (nothing came, more was asked for, they vanished). A prize, an
  // inheritance or winnings held back for a fee or a tax is a scam on its own.
  cue(String.raw`\b(?:pay|paid|send|sent|transfer\w*|wire|wired|deposit|deposited|buy|bought|purchase|purchased)\b[^.!?]{0,50}?\b(?:first|upfront|up front|up-front|in advance|beforehand|before)\b[^.!?]{0,40}?\b(?:receive|get|release|unlock|claim|collect|access|withdraw|unfreeze|be paid)\w*\b[^.!?]{0,30}?\b(?:payments?|loans?|funds|money|prize|winnings|refund|grant|inheritance|reward|profits?|earnings|commission|package|parcel|cheque|check)\b(?=[\s\S]{0,300}?\b(?:never (?:got|received|heard|saw|sent|paid|came)|did ?n[o']t (?:get|receive)|didn'?t (?:get|receive)|not (?:received|gotten) (?:anything|a (?:cent|penny|dime)|any)|(?:stopped|stop) (?:answering|responding|replying)|blocked me|disappeared|vanished|(?:another|more|a second|an additional) (?:fee|payment|deposit|tax)|asked for more|wanted more|no longer (?:answer|respond|reply)))`, 'strong'),
  cue(String.raw`\b(?:fees?|tax(?:es)?|customs|duty|duties|charges?|deposit)\b[^.!?]{0,40}\b(?:release|receive|claim|collect|unlock|get|transfer)\w*\b[^.!?]{0,20}\b(?:prize|winnings|lottery|sweepstakes|inheritance|jackpot)\b|\b(?:prize|winnings|lottery|sweepstakes|inheritance|jackpot)\b[^.!?]{0,60}\b(?:pay|paid|send|sent)\b[^.!?]{0,30}\b(?:fees?|tax(?:es)?|customs|duty|duties|charges?)\b`, 'strong'),
  // The "upgrade your account to receive my payment" script of payment-app scams.
  cue(String.raw`\b(?:account|zelle|cash ?app|venmo|paypal)\b[^.!?]{0,20}\b(?:had|has|needed|needs|need|must|would have) (?:to be|be) upgraded\b[^.!?]{0,120}\b(?:pay|send|sent|paid)\b`, 'strong'),
  // "Move your money to a safe account": the bank never asks that.
  cue(String.raw`\b(?:move|moved|moving|transfer\w*|send|sent|put|wire\w*|deposit\w*)\b[^.!?]{0,40}\b(?:to|into|in) (?:a |the |another |new |their |this |his |her )?(?:new )?(?:safe|safety|secured?|protected|holding) (?:bank )?account\b`, 'strong'),
  // Romance and investment scams: someone met online, then money sent or invested.
  cue(String.raw`\b(?:i|we) (?:met|had met|have met|was talking to|was dating|chatted with|started talking to|got to know) (?:\w+ ){0,3}(?:online|on (?:\w+ ){0,2}(?:app|site|website|facebook|instagram|whatsapp|telegram|tinder|hinge|bumble|linkedin|wechat|snapchat|dating \w+))\b[\s\S]{0,250}?\b(?:i|we) (?:\w+ )?(?:sent|transferred|wired|invested|lent|loaned|paid|gave)\b`, 'strong'),
  cue(String.raw`\b(?:investment|trading|crypto\w*|forex|bitcoin) (?:platform|site|website|app|account)\b[^.!?]{0,120}\b(?:can'?t|cannot|could ?n[o']t|unable to|won'?t let me|not allowed to) withdraw\b|\b(?:can'?t|cannot|could ?n[o']t|unable to) withdraw\b[^.!?]{0,80}\b(?:unless|until) (?:i|we) (?:pay|paid|send|deposit)\b`, 'strong'),
  // How phone and text scams work: someone poses as the bank, the police or a relative, and
  // the victim gives away a one-time code, a PIN or a password, often through a link.
  cue(String.raw`\b(?:pretend(?:ed|ing|s)? to be|claim(?:ed|ing|s)? to be|pos(?:ed|ing|es?) as|purport(?:ed|ing)? to be|masquerad\w* as|introduc\w* (?:himself|herself|themselves) as) ${TRUSTED}`, 'strong'),
  cue(String.raw`\b(?:caller|man|woman|guy|someone|somebody|person|stranger|they|he|she) (?:\w+ )?(?:said|says|told me) (?:he|she|they) (?:was|were|is|are|'?s|'?re) ${TRUSTED}`, 'chat'),
  cue(String.raw`\b(?:i|we) (?!be\b|been\b|being\b)${ADV}(?:gave|given|shared|told|sent|read out|disclosed|revealed|handed over|forwarded) (?!me\b|us\b)(?:\w+ ){0,4}?(?:my|the|our|a|that|this) (?:\w+ )?${SECRET}\b(?! (?:is|was|were|isn'?t|wasn'?t|does|doesn'?t|did|didn'?t|had|has|hasn'?t|won'?t|would|wouldn'?t|will|kept|keeps|expired|stopped|failed|not|got|reset|change|changed)\b)`, 'strong'),
  cue(String.raw`\b(?:caller|man|woman|guy|someone|somebody|stranger|scammers?|fraudsters?|person on the phone) (?:\w+ )?(?:asked|asking|requested|wanted|demanded|got me to (?:give|send|share|read|tell)|made me (?:give|send|share|read|tell)) (?:me )?(?:for )?(?:my|the|a) (?:\w+ )?${SECRET}\b`, 'strong'),
  cue(String.raw`\bclick\w* (?:on )?(?:a|an|the|this|that) (?:\w+ ){0,3}?link\b(?![^.!?]{0,25}\b(?:your|the bank'?s?|the app)\b)[^.!?]{0,100}?\b(?:entered|typed|filled in|filled out|put in|input|inputted|gave|provided|submitted) (?:in )?(?:all )?(?:my|the) (?:\w+ )?(?:${SECRET}|card (?:number|details|info)|bank details|details)\b`, 'strong'),
  // Money gone from the account, said plainly.
  cue(String.raw`\b(?:account|accounts|balance|savings|money|funds|cash|\d[\d,.]*(?: ?k)? ?(?:rmb|yuan|dollars?|usd|euros?|eur|pounds?|gbp|hkd|cny|bucks))\b (?:\w+ ){0,2}?(?:is|was|were|are|has been|have been|had been|got|has|have|'s) ${ADV}(?:emptied|drained|wiped(?: out)?|cleaned out|cleared out|empty|gone|missing|disappeared|vanished)\b|\b(?:emptied|drained|wiped out|cleaned out|cleared out) (?:\w+ )?(?:my|our) (?:\w+ )?(?:account|card|savings|balance)\b|\b(?:money|funds|cash) (?:\w+ )?(?:missing|disappeared|vanished|gone) from my (?:\w+ )?(?:account|card)\b`, 'loss'),
  cue(String.raw`\bscam(?:med|mers?|s)?\b|\bfraud(?:ulent(?:ly)?|sters?)?\b|\bswindl\w+|\bconned\b`, 'weak'),
  cue(String.raw`\b(?:stolen|stole|steal(?:ing)?|theft|thief|thieves|robbed|pickpocket\w*)\b`, 'weak'),
  // Requests that only make sense after fraud or theft.
  cue(String.raw`\b(?:freeze|block|lock|cancel|stop|deactivate) (?:my |the |this )?(?:card|account|bank card|debit card|credit card)\b|\bput a (?:freeze|block|hold) on (?:my |the )?(?:card|account)\b|\b(?:card|account) (?:needs|has) to be (?:frozen|blocked|cancell?ed|locked)\b|\bpolice report\b|\bfraud (?:alert|department|claim|report|team|dispute)\b`, 'chat'),
  cue(String.raw`\bdispute (?:a |the |this |that )?(?:fraud\w*|charge|payment|transaction|purchase)\b|\b(?:charged|payment|transaction|withdrawal) (?:listed )?in error\b`, 'chat'),
];

/** A short message about a fee or a rate: "soft" cues there mean "what is this fee", not fraud. */
const FEE_CONTEXT = /\bfees?\b|\bcharged (?:me )?(?:extra|more|an? extra|twice)\b|\bextra (?:\w+ )?charge|\bexchange rate|\bconversion rate|\bcommission\b|手续费|汇率|年费/;

/**
 * A message about money the customer moved themselves (a transfer, a top-up, a deposit, a refund,
 * cash at an ATM): "loss" cues there mean the money did not arrive, not that it was stolen.
 */
const OWN_MOVE_CONTEXT = new RegExp(
  [
    // Not "deposit account" (a product) nor "sent me a text" (how scams start).
    String.raw`\b(?:transfer\w*|top(?:ped|ping)? ?-?ups?|deposit(?:ed|ing|s)?\b(?! account)|refund\w*|recipient|payee|beneficiary|atm|cash machine|salary|wages?|pay ?check)\b`,
    String.raw`\b(?:i|we) ${ADV}(?:sent|paid|moved|wired)\b`,
    // 存入 / 存钱, not 存款 ("my savings", as in 存款被清空).
    '转账|汇款|转给|打款|充值|存入|存钱|退款|到账|收款|对方没收到|取款机|柜员机|工资',
  ].join('|'),
);

const ZH_CUE: Cue = { kind: 'strong', script: 'han', re: anyOf([
  '诈骗', '被骗', '骗子', '骗走', '盗刷', '被盗', '盗用', '盗取资金', '盗取了我', '被偷', '偷走', '冒用', '冒名', '冒领', '冒充',
  '未经授权', '未经本人授权', '未授权', '没有授权', '没授权', '非本人', '不是本人', '本人没有操作', '本人未操作', '我没有操作', '我没操作',
  '本人并未', '钓鱼', '木马', '卡丢了', '卡丢失', '卡不见了', '钱包丢', '手机丢', '被转走', '被划走', '资金被转',
  '莫名其妙被扣', '不明扣款', '不明交易', '陌生交易', '异常交易', '被人转', '被人取', '被盗取', '杀猪盘', '刷单', '电信诈骗',
  '验证码给', '泄露了验证码', '假客服', '冒充客服', '被黑', '盗号', '账号被盗', '被人登录', '挂失', '冻结我的卡', '帮我冻结',
  '钱就没了', '钱没了', '不翼而飞',
]) };

// Chinese patterns with some structure: who used the card, that the customer did not spend it,
// a code or password handed over, a link that asked for it, a caller posing as the bank.
const ZH_FRAUD: Cue[] = [
  cue(String.raw`(?:陌生人|别人|他人|有人|不明人士|骗子|小偷|不认识的人)(?:盗|冒)?(?:用|使用|拿|刷|盗刷)了?我的(?:银行卡|信用卡|储蓄卡|借记卡|卡|账户|账号|网银|手机银行|支付宝|微信)`, 'strong'),
  cue(String.raw`不是我(?:本人)?(?:自己)?(?:花|消费|刷|取|转|操作|支付|付|买)的`, 'strong'),
  // 丢失 / 遗失 and 假冒 alone are ordinary words (工作丢失, 资料遗失, 假冒伪劣 goods): what was lost
  // must be a card, a phone, a wallet or an ID, and 假冒 not the set phrase for shoddy goods.
  cue(String.raw`(?:卡|钱包|手机|身份证|证件|存折|u盾|网银盾|密码器|支票|印章)[^。！？，,]{0,6}?(?:丢失|遗失)|(?:丢失|遗失)了?(?:我的)?[^。！？，,]{0,4}?(?:卡|钱包|手机|身份证|证件|存折|u盾)|假冒(?!伪劣)`, 'strong'),
  cue(String.raw`(?:验证码|动态码|动态密码|短信码|密码|cvv|安全码)(?:也|都)?(?:告诉|发给|给了|报给|提供给|透露给|念给|说给)(?!我|本人)|(?:告诉|发给|报给|提供给|透露给|念给)了?(?:他|她|他们|对方|骗子|陌生人|那个人)了?(?:我的)?(?:验证码|动态码|动态密码|短信码|密码|cvv|安全码)`, 'strong'),
  cue(String.raw`(?:让|要|要求|叫|骗|诱导)我(?:提供|告诉|报|说出|念|发)(?:了)?(?:他|她|他们|对方)?(?:我的)?(?:手机)?(?:验证码|动态码|动态密码|短信码|cvv|安全码)`, 'strong'),
  cue(String.raw`点(?:了|开了?|击了?|进了?)?[^。！？]{0,12}链接[^。！？]{0,30}(?:输入|填写?|提交|提供)了?[^。！？]{0,8}(?:密码|验证码|卡号|身份证号|银行卡|cvv|安全码)`, 'strong'),
  // Collectors also 自称 the bank or a law firm, so posing alone is not enough: it takes what a
  // scammer asks for (a code, a password, a link, a "safe account", screen sharing).
  cue(String.raw`(?:自称|冒称|假装)(?:是)?[^。！？]{0,16}(?:银行|客服|工作人员|警察|公安|民警|检察院|银保监|金融监管)[^。！？]{0,40}(?:验证码|动态码|密码|链接|安全账户|屏幕共享|共享屏幕|远程|转账到|转入)`, 'strong'),
  cue(String.raw`安全账户`, 'strong'),
  // Advance-fee scams: a fee, a deposit or an "unfreezing fee" to be paid first before a loan is
  // paid out or money can be withdrawn (先交解冻费才能放款, 交认证金才能提现), and the scripts
  // that lead to it: a card number "entered wrong" that froze the loan, turnover to be "brushed".
  cue(String.raw`先(?:交|缴|付|转|充|打|存|垫)(?![^。！？]{0,6}(?:首付|首期|材料|资料|证明))(?=[^。！？]{0,24}?(?:\d|费|金|钱|税|元|块|万|千|百|%))[^。！？]{0,24}?(?:才能|才可以|才会|才给|才|就能|就可以|方可)[^。！？]{0,8}?(?:放款|下款|出款|到账|提现|解冻|返还|退还|领取|拿到|借到|收到(?:钱|货款|款))`, 'strong'),
  cue(String.raw`(?:解冻费|解冻金|认证金|认证费|流水金|验资费|激活费|会员费|保证金|押金|手续费|服务费|税费|个税|工本费)[^。！？]{0,20}?(?:才能|才可以|才会|才给|才|就能|方可)[^。！？]{0,8}?(?:放款|下款|出款|提现|解冻|到账)|(?:放款|下款|出款|提现)[^。！？]{0,16}?(?:先交|先缴|先付|需要交|需交|要交|要缴|得交)[^。！？]{0,12}?(?:解冻费|解冻金|认证金|认证费|流水|验资|激活费|会员费|保证金|押金|税)`, 'strong'),
  cue(String.raw`(?:卡号|账号|银行卡号?|收款账户|信息)(?:填|输入?|写|绑定?|弄)错[^。！？]{0,40}?(?:冻结|解冻|认证金|保证金|无法放款|放不了款|不能放款)|刷流水|验资`, 'strong'),
  // Investment and romance scams: a platform that will not let the money out, a partner met online.
  cue(String.raw`(?:投资|理财|炒股|炒币|博彩|数字货币|虚拟币|交易)(?:平台|网站|app|软件)[^。！？]{0,40}?(?:无法|不能|不让|提不了|取不出)(?:提现|出金|取出|取钱)|(?:网恋|网友|网上认识|网上结识|交友软件|婚恋网站|相亲网站|游戏里认识)[^。！？]{0,60}?(?:转账|转了|充值|打钱|汇了|借给)`, 'strong'),

  cue(String.raw`(?:账户|账号|卡|余额|存款|积蓄)(?:里|内|上)?(?:的(?:钱|余额|存款|资金))?(?:被)?(?:清空|掏空|取光|转光|刷光|划光|扣光)|(?:钱|余额|存款|资金)(?:全|都|全部)没了`, 'loss'),
  cue(String.raw`(?:卡里|卡上|卡内|账户里|账户上|账户内|账上|余额)(?:的钱)?(?:莫名(?:其妙)?|突然|无故)?(?:地)?少了`, 'loss'),
  // Not "我从未在XX消费金融借款" (a lender's name) or "没有消费积分" (loyalty points).
  cue(String.raw`(?:我|本人)(?:并|从来|根本|都)?(?:没有|没|从未|未)(?:消费|刷卡|取款|取现)(?:过)?(?!金融|[^，。！？,]{0,4}积分)`, 'soft'),
];

const CUES: readonly Cue[] = [...EN_FRAUD, ZH_CUE, ...ZH_FRAUD];

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
  const ownMove = feeQuestion || OWN_MOVE_CONTEXT.test(t);
  let strong = 0;
  let weak = 0;
  const has = scriptsOf(t);
  for (const c of CUES) {
    if (!canMatch(c.script, has)) continue;
    if (c.kind === 'soft' && feeQuestion) continue;
    if (c.kind === 'loss' && ownMove) continue;
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
