import { z } from 'zod';

/**
 * The complaint taxonomy of DESIGN.md (after JR/T 0169-2018). These ids are a contract read by
 * reports and other tools: never rename one.
 */
export const CHANNELS = ['branch', 'atm', 'online_banking', 'mobile_app', 'phone_banking', 'third_party', 'other'] as const;
export const BUSINESSES = [
  'deposit',
  'debit_card',
  'credit_card',
  'personal_loan',
  'payment',
  'cash',
  'personal_info',
  'wealth',
  'forex',
  'other',
] as const;
export const CAUSES = [
  'service',
  'facilities',
  'procedures',
  'marketing',
  'disclosure',
  'returns',
  'choice',
  'fees',
  'contract',
  'funds_security',
  'info_security',
  'debt_collection',
  'other',
] as const;
export const FLAGS = [
  'vulnerable',
  'regulator_threat',
  'media_threat',
  'litigation_threat',
  'repeat',
  'group',
  'fraud_in_progress',
] as const;
export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export const CASE_STATUSES = [
  'new',
  'acknowledged',
  'in_progress',
  'awaiting_customer',
  'resolved',
  'reopened',
  'closed',
] as const;
export const ESCALATION_LEVELS = ['frontline', 'back_office', 'leadership'] as const;

export const ZChannel = z.enum(CHANNELS);
export const ZBusiness = z.enum(BUSINESSES);
export const ZCause = z.enum(CAUSES);
export const ZFlag = z.enum(FLAGS);
export const ZSeverity = z.enum(SEVERITIES);
export const ZCaseStatus = z.enum(CASE_STATUSES);
export const ZEscalationLevel = z.enum(ESCALATION_LEVELS);

export type TChannel = z.infer<typeof ZChannel>;
export type TBusiness = z.infer<typeof ZBusiness>;
export type TCause = z.infer<typeof ZCause>;
export type TFlag = z.infer<typeof ZFlag>;
export type TSeverity = z.infer<typeof ZSeverity>;
export type TCaseStatus = z.infer<typeof ZCaseStatus>;
export type TEscalationLevel = z.infer<typeof ZEscalationLevel>;

type Labels = { zh: string; en: string };

/** Plain-language names shown to customers and staff. */
export const BUSINESS_LABELS: Record<TBusiness, Labels> = {
  deposit: { zh: '储蓄存款/账户', en: 'Savings / current account' },
  debit_card: { zh: '借记卡', en: 'Debit card' },
  credit_card: { zh: '信用卡', en: 'Credit card' },
  personal_loan: { zh: '个人贷款', en: 'Loan or mortgage' },
  payment: { zh: '支付结算/转账', en: 'Payments and transfers' },
  cash: { zh: '现金服务', en: 'Cash services' },
  personal_info: { zh: '个人金融信息/征信', en: 'Personal data / credit report' },
  wealth: { zh: '理财/基金/保险', en: 'Investments / insurance' },
  forex: { zh: '外汇', en: 'Foreign exchange' },
  other: { zh: '其他', en: 'Other' },
};

export const CAUSE_LABELS: Record<TCause, Labels> = {
  service: { zh: '服务态度及服务质量', en: 'Service quality' },
  facilities: { zh: '设施设备/系统', en: 'Facilities or systems' },
  procedures: { zh: '制度流程', en: 'Rules and procedures' },
  marketing: { zh: '营销方式和手段', en: 'Sales and marketing' },
  disclosure: { zh: '信息披露', en: 'Information disclosure' },
  returns: { zh: '产品收益', en: 'Product returns' },
  choice: { zh: '自主选择权', en: 'Freedom of choice' },
  fees: { zh: '定价收费', en: 'Fees and charges' },
  contract: { zh: '合同条款', en: 'Contract terms' },
  funds_security: { zh: '资金安全', en: 'Security of funds (fraud, unauthorised use)' },
  info_security: { zh: '信息安全', en: 'Data security and privacy' },
  debt_collection: { zh: '债务催收', en: 'Debt collection' },
  other: { zh: '其他', en: 'Other' },
};

export const CHANNEL_LABELS: Record<TChannel, Labels> = {
  branch: { zh: '营业网点', en: 'Branch' },
  atm: { zh: '自助设备', en: 'ATM / self-service machine' },
  online_banking: { zh: '网上银行', en: 'Online banking' },
  mobile_app: { zh: '手机银行', en: 'Mobile app' },
  phone_banking: { zh: '电话银行/客服热线', en: 'Phone banking / hotline' },
  third_party: { zh: '第三方/合作机构', en: 'Third party / partner' },
  other: { zh: '其他', en: 'Other' },
};

export const SEVERITY_LABELS: Record<TSeverity, Labels> = {
  P1: { zh: '紧急', en: 'critical' },
  P2: { zh: '重大', en: 'high' },
  P3: { zh: '一般', en: 'medium' },
  P4: { zh: '轻微', en: 'low' },
};
