/**
 * Default texts of the customer notices that extensions require (see `noticeKey` in the
 * built-in policies), in i18next interpolation syntax, for the i18n resources to load.
 * A policy file may name its own keys; those texts then belong to the bank's resources.
 */
export const CLOCK_NOTICE_TEXTS = {
  'clocks.notice.extension': {
    zh: '您的投诉需要更多时间处理，我们将在{{dueDate}}前给您答复。{{reason}}',
    en: 'We need more time to look into your complaint. We will give you our answer by {{dueDate}}. {{reason}}',
  },
  'clocks.notice.cn.extension_1': {
    zh: '因情况复杂，您的投诉处理期限经负责人批准延长至{{dueDate}}。延长原因：{{reason}}',
    en: 'Because your complaint needs further investigation, the time to decide it has been extended, with approval, to {{dueDate}}. Reason: {{reason}}',
  },
  'clocks.notice.cn.extension_2': {
    zh: '经本行投诉处理负责人批准，您的投诉处理期限再次延长至{{dueDate}}。延长原因：{{reason}}',
    en: 'With the approval of our head of complaints, the time to decide your complaint has been extended again, to {{dueDate}}. Reason: {{reason}}',
  },
  'clocks.notice.uk.holding_reply': {
    zh: '由于我们无法控制的原因，我们无法在15个工作日内给出最终答复。原因：{{reason}}。我们将最迟于{{dueDate}}给出最终答复。',
    en: 'For reasons beyond our control we cannot give you our final response within 15 business days. Reason: {{reason}}. You will receive our final response by {{dueDate}} at the latest.',
  },
  'clocks.notice.us.in_progress': {
    zh: '我们仍在处理您的投诉，将在{{dueDate}}前给出最终答复。',
    en: 'We are still working on your complaint and will send you our final answer by {{dueDate}}.',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type TClockNoticeKey = keyof typeof CLOCK_NOTICE_TEXTS;
