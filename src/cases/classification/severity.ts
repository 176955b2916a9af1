import type { TCause, TFlag, TSeverity } from '../taxonomy.js';
import type { ExtractedAmount } from './types.js';
import type { FraudSignal } from './fraud.js';

/** The loss at or above which a complaint is P2 (DESIGN.md: "≥ 10,000, any currency unit"). */
export const LARGE_LOSS = 10_000;

const SAFETY = /\b(?:kill (?:me|you|my)|hurt (?:me|my family)|physical(?:ly)? (?:harm|threat)|threat(?:en(?:ed|ing)?)? (?:to|my) (?:life|safety)|beat me up|violence)\b|人身安全|人身威胁|威胁.{0,6}(?:生命|人身)|要杀|杀了我|砍死|打死|泼油漆|上门打/;
const MONEY_DISPUTE =
  /\b(?:charged|charges?|fees?|refund\w*|overdraft|blocked|frozen|froze|locked|closed my account|restricted|declined|error|wrong amount|double charged|twice|not credited|missing (?:money|funds|deposit)|withdraw\w*|deposit\w*|mis-?sold|payment|balance|interest)\b|扣款|扣费|多扣|退款|冻结|锁卡|限制|止付|错账|少了|没到账|未到账|重复扣|手续费|利息|罚息|收费|还款|误导|欺骗|退费|金额/;

export interface SeverityInput {
  normalized: string;
  cause: TCause;
  flags: TFlag[];
  amount: ExtractedAmount | null;
  fraud: FraudSignal;
}

/**
 * The DESIGN.md severity table as rules, each grade with its reasons. P1: fraud, unauthorised
 * use, lost or stolen card or credentials, threats to personal safety. P2: a loss ≥ 10,000, any
 * loss for a vulnerable customer, a regulator/media/litigation threat, a repeat or group
 * complaint. P3: money, fees, transaction errors, blocked accounts, mis-selling, disclosure and
 * contract terms. P4: everything else (service, waiting, facilities, suggestions).
 */
export function gradeSeverity(input: SeverityInput): { severity: TSeverity; reasons: string[] } {
  const { normalized: t, cause, flags, amount, fraud } = input;
  if (fraud.fraud) return { severity: 'P1', reasons: ['severity P1 ← fraud, unauthorised use or lost/stolen card', ...fraud.reasons] };
  const safety = SAFETY.exec(t);
  if (safety) return { severity: 'P1', reasons: [`severity P1 ← threat to personal safety "${safety[0]}"`] };

  const p2: string[] = [];
  if (amount && amount.value >= LARGE_LOSS) p2.push(`severity P2 ← amount ${amount.value} ≥ ${LARGE_LOSS}`);
  if (flags.includes('vulnerable') && (amount || MONEY_DISPUTE.test(t))) p2.push('severity P2 ← money at stake for a vulnerable customer');
  for (const f of ['regulator_threat', 'media_threat', 'litigation_threat', 'repeat', 'group'] as const) {
    if (flags.includes(f)) p2.push(`severity P2 ← ${f}`);
  }
  if (p2.length) return { severity: 'P2', reasons: p2 };

  const moneyCauses: TCause[] = ['fees', 'marketing', 'disclosure', 'contract', 'returns', 'choice', 'debt_collection', 'procedures', 'funds_security', 'info_security'];
  if (moneyCauses.includes(cause)) return { severity: 'P3', reasons: [`severity P3 ← cause ${cause}`] };
  if (amount) return { severity: 'P3', reasons: [`severity P3 ← money at stake (${amount.text})`] };
  const money = MONEY_DISPUTE.exec(t);
  if (money) return { severity: 'P3', reasons: [`severity P3 ← monetary dispute "${money[0]}"`] };
  return { severity: 'P4', reasons: [`severity P4 ← cause ${cause}, no money at stake`] };
}
