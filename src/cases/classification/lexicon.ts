import type { TBusiness, TCause, TChannel, TFlag } from '../taxonomy.js';
import { anyOf, scriptOfSource, type Script } from './text.js';

/**
 * One weighted signal: a regex over the normalised text (NFKC, lower case) that votes for an id.
 * `negatable` signals are dropped when negated ("not fraud", "没有被盗").
 */
export interface Signal<T extends string> {
  id: T;
  w: number;
  re: RegExp;
  negatable?: boolean;
  /** Skipped on texts without this script (speed: most texts are one language). */
  script: Script;
}

const en = <T extends string>(id: T, w: number, source: string, negatable = false): Signal<T> => ({
  id,
  w,
  re: new RegExp(source, 'g'),
  negatable,
  script: scriptOfSource(source),
});
const zh = <T extends string>(id: T, w: number, words: readonly string[], negatable = false): Signal<T> => ({
  id,
  w,
  re: anyOf(words),
  negatable,
  script: scriptOfSource(words.join('')),
});

/*
 * Lexicons. Weights were set by hand and tuned only on the dev split of the public evaluation
 * data (see docs/classifier-results.md); the example sentences in the tests are our own.
 */

export const BUSINESS_SIGNALS: Signal<TBusiness>[] = [
  // credit cards
  en('credit_card', 3, String.raw`\bcredit ?cards?\b`),
  en('credit_card', 2, String.raw`\b(?:prepaid|store|secured|gift) cards?\b|\bcard ?member|\bcardholder agreement`),
  en('credit_card', 1.5, String.raw`\b(?:american express|amex|discover card|synchrony|capital one|citi ?cards?|barclaycard|comenity)\b`),
  en('credit_card', 1.5, String.raw`\b(?:statement balance|minimum payment|balance transfer|cash advance|credit limit|credit line|annual fee|purchase apr|rewards? points?|cash ?back|sign[- ]?up bonus|late fee)\b`),
  en('credit_card', 0.6, String.raw`\bapr\b|\bcharge ?offs?\b|\bcharged off\b`),
  // Card networks and the vocabulary of a card account (a debit card is "debit card" or "ATM card" in these texts).
  en('credit_card', 2, String.raw`\b(?:visa|master ?card|card (?:account|balance|limit|statement|company|issuer|holder|services)|(?:airline|travel|rewards?|cash back|platinum|gold|business|retail) card|miles|statement credit|purchase protection|chargeback)\b`),
  zh('credit_card', 3, ['信用卡', '白金卡', '卡中心', '信用卡中心', '贷记卡', '准贷记卡']),
  zh('credit_card', 1.5, ['年费', '最低还款', '账单日', '还款日', '信用额度', '临时额度', '提额', '降额', '分期付款', '账单分期', '取现', '卡片', '办卡', '开卡', '销卡']),
  // debit cards
  en('debit_card', 3, String.raw`\b(?:debit|atm|check|bank) cards?\b`),
  en('debit_card', 0.8, String.raw`\b(?:my|the|new|replacement|virtual) card\b|\bcard (?:payment|details|number|was declined|is declined|got declined)\b|\bcontactless\b|\bpin\b`),
  zh('debit_card', 3, ['借记卡', '储蓄卡', '银行卡', '工资卡', '社保卡']),
  zh('debit_card', 1.5, ['吞卡', '卡被冻结', '密码锁', '补卡', '换卡']),
  // deposit accounts
  en('deposit', 3, String.raw`\b(?:checking|savings|deposit|joint|business|money market) accounts?\b`),
  // "My bank account" is mostly where a loan's payments come from or a refund goes to.
  en('deposit', 1.5, String.raw`\bbank accounts?\b`),
  en('deposit', 2, String.raw`\boverdraft|\bover ?drawn\b|\bnsf\b|\binsufficient funds\b|\bcertificates? of deposit\b|\bdirect deposit\b|\bbank statement`),
  // Money moving in or out says where it moved (a loan paid into or debited from the account),
  // not which product the complaint is about.
  en('deposit', 1, String.raw`\bdeposit(?:ed|s)?\b|\bwithdraw(?:al|als|n|ing)?\b`),
  en('deposit', 1, String.raw`\b(?:chase|wells fargo|bank of america|td bank|pnc|citibank|us bank|regions|suntrust|truist|santander)\b|\bchecks?\b|\bteller\b|\bbranch\b`),
  zh('deposit', 3, ['存款', '储蓄', '活期', '定期存', '存折', '大额存单', '开户', '销户', '账户冻结', '账户被冻结', '冻结账户', '账户被限制', '非柜面', '存单']),
  zh('deposit', 1, ['账户', '余额', '流水']),
  // loans
  en('personal_loan', 3, String.raw`\b(?:mortgage|student loans?|auto loan|car loan|vehicle loan|title loan|payday loans?|personal loans?|installment loans?|home equity|heloc|loan modification|escrow|refinanc\w*|foreclos\w*|repossess\w*)\b`),
  en('personal_loan', 2, String.raw`\bloans?\b|\blender\b|\bservicer\b|\bborrow(?:ed|er|ing)?\b|\b(?:navient|nelnet|great lakes|fedloan|mohela|sallie mae|aidvantage|edfinancial|ocwen|nationstar|mr\.? cooper|rocket mortgage|quicken loans|santander consumer|ally|credit acceptance|westlake|onemain|opploans|oportun|possible finance|speedy cash|check ?n ?go|advance america|ace cash|cashnet|lendingclub|prosper|upstart|avant)\b`),
  en('personal_loan', 1.5, String.raw`\b(?:modification|fha|garnish\w*|lien|dealership|dealer|title|repo|payday|lending|financ(?:e|ed|ing) (?:company|the)|payment plan|payment arrangements?)\b`),
  en('personal_loan', 0.7, String.raw`\b(?:debts?|owe|owed|paid off|payments?)\b`),
  // Credit that is not a card: lines of credit, point-of-sale financing, leases.
  en('personal_loan', 2.5, String.raw`\b(?:lines? of credit|financ(?:ing|ed)|lease|leasing|rent[- ]to[- ]own|installments?|buy now,? pay later|affirm|afterpay|klarna|acima|snap finance|underwrit\w*|approved for (?:a|the) loan|loan (?:application|officer|servicer|balance|account|agreement))\b`),
  en('personal_loan', 1, String.raw`\b(?:principal|payoff|pay off|interest rate|forbearance|deferment|down payment|vehicle|car|truck|house|home|property|tuition|pslf|income[- ]driven)\b`),
  zh('personal_loan', 3, ['贷款', '借款', '网贷', '房贷', '车贷', '消费贷', '信用贷', '经营贷', '助学贷', '按揭', '借呗', '微粒贷', '捷信', '消费金融', '小额贷', '分期乐', '放款', '下款', '借了', '贷了']),
  zh('personal_loan', 1.5, ['还款', '逾期', '利息', '本金', '提前还款', '提前结清', '期数', '月供']),
  // payments and transfers
  en('payment', 3, String.raw`\b(?:wire transfers?|money transfers?|zelle|venmo|paypal|cash ?app|western union|moneygram|remittance|remitly|xoom|wise|bill pay|money orders?|bitcoin|crypto\w*|coinbase|cryptocurrency|virtual currency)\b`),
  en('payment', 1.5, String.raw`\b(?:wired?|transfer(?:red|ring|s)?|sent (?:the )?money|send money|recipient|beneficiary|ach|routing number|top[- ]?up|payee)\b`),
  zh('payment', 3, ['转账', '汇款', '支付宝', '微信支付', '云闪付', '快捷支付', '跨行', '代扣', '免密支付', '扫码', '二维码', '收款码', '付款码', '第三方支付']),
  zh('payment', 1, ['扣款', '付款', '收款', '到账', '支付']),
  // cash
  en('cash', 2, String.raw`\b(?:counterfeit|coins?|banknotes?|cash deposit|deposit(?:ed)? cash|(?:did ?n[o']t|didn't|never) (?:get|receive|dispense)\w* (?:the |my )?cash|dispense\w*)\b`),
  zh('cash', 3, ['现金', '取现金', '存取款', '残币', '假币', '硬币', '零钱', '钞票', '人民币兑换', '大额取款', '取款机', '点钞']),
  // credit reports and personal data
  en('personal_info', 3, String.raw`\bcredit (?:reports?|reporting|files?|bureaus?|history|profile)\b|\bconsumer reports?\b|\breporting agenc\w*`),
  en('personal_info', 3, String.raw`\b(?:equifax|experian|transunion|trans union|lexisnexis|chexsystems|early warning|fcra|fair credit reporting|1681\w*|hard inquir\w*|inquir(?:y|ies)|credit scores?|tradelines?|metro ?2|dispute letter)\b`),
  en('personal_info', 1, String.raw`\b(?:inaccurate|incorrect(?:ly)? report\w*|reporting|personal information|identity theft|data breach|obsolete|verify the accuracy|remove (?:this|these|the) (?:account|item))\b`),
  zh('personal_info', 3, ['征信', '个人信息', '信息泄露', '隐私', '信用报告', '个人资料', '信息被泄露', '上征信']),
  // wealth, insurance, funds
  en('wealth', 3, String.raw`\b(?:investment|mutual funds?|annuit\w*|brokerage|ira|401k|wealth management|insurance polic\w*|life insurance|stocks?|bonds?|portfolio)\b`),
  zh('wealth', 3, ['理财', '基金', '保险', '保单', '代销', '净值', '结构性存款', '理财经理', '分红险', '万能险', '投资']),
  // foreign exchange
  en('forex', 3, String.raw`\b(?:foreign exchange|currency exchange|exchange rates?|foreign currency|fx rate|conversion rate)\b`),
  zh('forex', 3, ['外汇', '汇率', '结汇', '购汇', '外币', '美元', '港币', '欧元', '日元', '换汇', '境外汇款']),
];

export const CAUSE_SIGNALS: Signal<TCause>[] = [
  // funds security: the fraud detector adds its own votes (see fraud.ts); these are extra
  en('funds_security', 2, String.raw`\b(?:identity theft|stolen identity|fraud alert|fraud department|police report|dispute (?:the |a |these |this )?(?:fraud|unauthori[sz]ed)\w*)\b`, true),
  zh('funds_security', 2, ['资金安全', '冻结我的卡', '挂失', '报警', '立案'], true),
  // debt collection
  en('debt_collection', 3, String.raw`\b(?:debt collectors?|collection agenc\w*|collections? (?:company|agency|firm|law firm|attorney)|collector|collecting (?:on )?(?:a |the |this )?debt|collect (?:a |the |this )?debt|debt buyer|fdcpa|fair debt collection|1692\w*|validat\w* (?:of )?(?:the |this )?debt|debt validation|cease and desist|verification of (?:the |this )?debt)\b`),
  en('debt_collection', 1.5, String.raw`\b(?:collections?|harass\w*|debt|owe|owed|calling (?:me|my)|calls? (?:to )?my (?:work|job|employer|family|relatives)|threaten\w*)\b`),
  // What collectors do and what consumers dispute with them: the debt itself, its validity, its age, court action.
  en('debt_collection', 2, String.raw`\b(?:original creditor|alleged debt|(?:this|the|a|my|that|her|his) debt|debts? (?:i|that i) do(?:es)? ?n[o']t owe|do(?:es)? ?n[o']t owe|not owed|proof (?:of|that) (?:the |this )?debt|statute of limitations?|time[- ]barred|re-?ag(?:e|ed|ing)|judg(?:e)?ments?|garnish\w*|law (?:firm|office)|attorneys? (?:office|at law)|sued|summons|placed (?:in|into|for) collections?|sent (?:it |this )?to collections?|in collections?|charged[- ]off|charge[- ]off account|medical (?:debt|bills?|accounts?)|receivables|recovery|credit management|portfolio|midland|stop (?:calling|contacting)|wrong number|keeps? calling|called (?:me )?(?:repeatedly|multiple times|every day|daily|at work)|voicemails?|cease (?:all )?(?:communication|contact)|do not (?:call|contact))\b`),
  zh('debt_collection', 3, ['催收', '暴力催收', '爆通讯录', '通讯录', '催款', '紧急联系人', '联系人', '外访', '上门', '催债', '讨债', '爆通', '骚扰', '电话轰炸', '律师函', '家访', '传票']),
  zh('debt_collection', 2, ['轰炸', '频繁', '法务', '欠款', '威胁', '恐吓', '辱骂', '侮辱', '打电话给我家人', '家人', '亲友', '同事', '单位', '村委', '朋友', '父母', '短信轰炸', '呼死你', '亲朋好友', '亲戚', '家里人', '强催', '逼我还', '催促']),
  // fees and pricing
  en('fees', 3, String.raw`\b(?:fees?|overdraft fees?|late fees?|annual fees?|maintenance fees?|service charges?|finance charges?|surcharge|extra charges?|charged (?:me )?(?:a|an|the)? ?(?:fee|interest)|interest (?:charged|charges|rate)|exchange rate)\b`),
  en('fees', 2, String.raw`\b(?:(?:wrong|incorrect|bad|poor|different) (?:exchange |conversion )?rate|rate (?:applied|was (?:wrong|incorrect))|conversion (?:rate|value)|currency exchange|swift|pay (?:more|extra)|had to pay|paid (?:more|extra)|extra (?:money|amount|pound|dollar|euro)s?)\b`),
  en('fees', 1.2, String.raw`\b(?:charged|charges?|apr|penalt\w*|cost|price|pricing|refund\w*)\b`),
  // Price of credit and of being short of money: interest, rates, overdrafts, paying back far more than borrowed.
  en('fees', 2, String.raw`\b(?:interest|over ?charg\w*|predatory|usur\w*|\d+(?:\.\d+)? ?%|(?:double|triple|twice|three times) (?:the|what|that)|paid (?:back )?(?:more|over|almost|nearly)|pay(?:ing)? (?:back )?(?:over|almost|nearly|double|triple)|payoff amount|overdraft|over ?drawn|nsf|insufficient funds|returned (?:item|payment)|bounced)\b`),
  zh('fees', 3, ['手续费', '年费', '服务费', '收费', '乱收费', '罚息', '滞纳金', '高利贷', '砍头息', '会员费', '担保费', '咨询费', '扣费', '多收', '砍头', '息费', '复利', '溢价', '超过36', '超过24', '36%', '24%', '服务费用', '权益费', '收取', '管理费', '费率']),
  // Money taken without a reason given is a pricing complaint: 乱扣款, 私自扣款, 无故扣钱.
  zh('fees', 2, ['扣款', '扣钱', '扣了我', '乱扣', '私自扣', '无故扣', '代扣', '利率太高', '利息太高', '利息高', '高额', '多扣']),
  zh('fees', 1.5, ['不知情', '利息', '利率', '违约金', '年化', '费用', '高息', '计息', '会员', '保费', '退费', '退还']),
  // marketing and sales
  en('marketing', 3, String.raw`\b(?:advertis\w*|promotion\w*|promo\w*|sign[- ]?up bonus|bonus offer|misleading|mislead|misled|sales (?:rep\w*|pitch|tactics|practices)|telemarket\w*|solicit\w*|pre-?approved|bait and switch|false advertising)\b`),
  en('marketing', 1.5, String.raw`\b(?:offer(?:ed)?|bonus|rewards?|promised|told me (?:i|it) would)\b`),
  zh('marketing', 3, ['业务员', '销售人员', '推荐', '介绍', '当时说', '骗我说', '利息很低', '利息低', '利息非常低', '无利息', '零利息', '说可以', '打电话说', '打电话给我说', '宣称', '声称', '没有说', '没说', '没跟我说', '夸大']),
  zh('marketing', 3, ['营销', '推销', '宣传', '虚假宣传', '诱导', '误导', '欺骗消费者', '搭售', '捆绑', '推广', '广告', '电话营销', '承诺', '号称', '说好的', '免息', '额度高', '低息', '赠送', '套路', '诱骗', '欺诈', '退保']),
  // What the seller said when selling (当时业务员说…, 专员告诉我…): the sale, not the price, is the complaint.
  en('marketing', 3, String.raw`(?:当时|办理时|推销时|办卡时|贷款时|业务员|专员|销售|经理|客服人员|工作人员)[^。！？，,]{0,10}(?:说|告诉我|承诺|保证|介绍)|接到[^。！？]{0,12}电话`),
  // The moment of sale, then what was (or was not) said about the price: "当初办卡的时候没说有年费",
  // "借款时跟我说不用利息". The price is what hurt, the sale is what the complaint is about.
  en('marketing', 4, String.raw`(?:当初|当时|起初|一开始|刚开始|办理(?:的)?时候?|办卡(?:的)?时候?|申请(?:的)?时候?|借款(?:的)?时候?|贷款(?:的)?时候?|分期(?:的)?时候?|投保(?:的)?时候?|购买(?:的)?时候?|推销|来电)[^。！？]{0,24}?(?:说|告诉|承诺|保证|介绍|宣称|提及|提到|告知)`),
  // The customer was led to believe something: "我以为是免费的", "让人误以为".
  zh('marketing', 2, ['我以为', '本以为', '原以为', '还以为', '满以为', '误以为']),
  // Common words that also name a sales context ("办理" = to apply for anything, "活动" = any campaign).
  zh('marketing', 1, ['专员', '保证', '活动', '办理']),
  // customer service
  en('service', 3, String.raw`\b(?:customer service|customer care|rude|unprofessional|hung up|on hold|no response|never (?:called|responded|heard)|unhelpful|runaround|poor service|terrible service|(?:refused|refuse|failed|fail) to (?:respond|help|answer|call)|never (?:got|received) (?:a |any )?(?:response|answer|call back|callback))\b`),
  // People and contact steps appear in almost every narrative, so they only tip the balance.
  en('service', 0.5, String.raw`\b(?:representatives?|reps?|agents?|supervisor|manager|called (?:them|the bank|customer)|waited|waiting|transferred me|email(?:ed)?)\b`),
  zh('service', 1.5, ['延期', '停息', '分期还款', '个性化分期', '理赔', '未到账', '没到账', '联系不上', '找不到']),
  // How the bank runs the customer's account after the sale: a limit cut, a record not
  // corrected, a hardship plan or a claim refused. Not the price nor the sale.
  zh('service', 3, ['降额', '降低额度', '降低了额度', '额度降', '额度被降', '秒降', '降了额度', '更新征信', '征信更新', '征信未更新', '征信没有更新', '消除逾期', '删除逾期', '撤销逾期', '取消逾期', '修改征信', '征信异议', '停息挂账', '拒赔', '拒绝赔付', '不予赔付', '不予理赔', '无法还款', '还不了款', '还款失败']),
  // Words every complaint uses ("I hope", "I ask", "handle", "negotiate"): they only break ties.
  zh('service', 0.5, ['协商', '希望', '解决', '不同意', '拒绝', '退回', '重复', '要求', '处理']),
  zh('service', 1.5, ['客服', '服务', '态度']),
  zh('service', 3, ['不处理', '推诿', '敷衍', '无人接听', '打不通', '不回复', '没人管', '拖延', '踢皮球', '工作人员', '柜员', '排队', '不解决', '无人处理', '不作为', '投诉无门', '没有回复', '不予处理', '等待']),
  // disclosure
  en('disclosure', 3, String.raw`\b(?:(?:not|never|wasn'?t|weren'?t) (?:disclosed|informed|told|notified|explained)|(?:did ?n[o']t|didn't|failed to|never) (?:disclose|inform|tell|notify|explain)|hidden (?:fees?|terms)|fine print|no disclosure|without (?:notice|notifying))\b`),
  zh('disclosure', 3, ['未告知', '没有告知', '没告知', '隐瞒', '未披露', '不透明', '没有说明', '未说明', '未提示', '没有提示', '不告知', '未通知', '没有通知']),
  zh('disclosure', 1.5, ['不知情']),
  // product returns
  en('returns', 3, String.raw`\b(?:return on (?:my )?investment|yield|lost value|losses on|net asset value)\b`),
  zh('returns', 3, ['收益', '亏损', '亏本', '保本', '收益率', '预期收益', '本金亏']),
  // freedom of choice
  en('choice', 3, String.raw`\b(?:forced (?:me )?to|required (?:me )?to (?:buy|purchase|open)|no choice|bundled|without (?:my )?(?:consent|permission) (?:enrolled|added)|automatically enrolled)\b`),
  zh('choice', 3, ['强制', '强迫', '被迫', '必须购买', '不能选择', '自动开通', '默认勾选', '强行', '强制购买', '强制搭售']),
  // contract terms
  en('contract', 3, String.raw`\b(?:terms and conditions|clause|arbitration|breach of (?:the )?(?:contract|agreement))\b`),
  en('contract', 1.5, String.raw`\b(?:contract|agreement)\b`),
  zh('contract', 3, ['合同', '条款', '协议', '霸王条款', '格式条款', '合约', '签约', '签署', '签订', '提前还款', '提前结清', '电子签名', '违约', '约定']),
  // facilities and systems
  en('facilities', 3, String.raw`\b(?:atm (?:was )?(?:broken|out of order|not working|ate|swallowed|kept)|app (?:crash\w*|is down|not working|glitch\w*|keeps)|website (?:is down|not working|error)|system (?:error|outage|glitch|failure)|outage|technical (?:issue|problem|error)|can'?t log ?in|unable to log ?in)\b`),
  zh('facilities', 3, ['系统故障', '故障', '闪退', '无法登录', '登录不了', '登不上', '系统问题', '系统升级', '机器坏', '设备', '吞卡', '系统bug', 'bug', '打不开']),
  // procedures
  en('procedures', 2, String.raw`\b(?:clos(?:ed|ing) my account|froze|frozen|freez\w* (?:my )?(?:account|funds)|hold on my|account (?:was )?(?:restricted|closed|locked)|verification|verify my identity|procedure)\b`),
  en('procedures', 0.7, String.raw`\b(?:documents?|policy|process)\b`),
  zh('procedures', 2, ['冻结', '限制', '流程', '手续', '规定', '无法销户', '开户难', '非柜面限额', '限额', '锁卡', '止付', '不给办理', '要求本人']),
  // Papers come up in any complaint (a payoff certificate, a hospital record sent with a
  // hardship request): they only break ties.
  zh('procedures', 0.5, ['证明', '材料']),
  // information security
  en('info_security', 3, String.raw`\b(?:data breach|leaked|privacy|shared my (?:personal )?information|my (?:personal )?information (?:was|has been) (?:exposed|leaked|shared|sold))\b`),
  zh('info_security', 3, ['信息泄露', '泄露', '个人信息被', '隐私', '信息被盗', '信息被泄露', '出卖信息']),
];

export const CHANNEL_SIGNALS: Signal<TChannel>[] = [
  en('branch', 3, String.raw`\b(?:branch|teller|banker|in person|lobby|bank manager)\b`),
  zh('branch', 3, ['网点', '柜台', '柜员', '营业厅', '支行', '分行', '大堂经理', '营业部', '理财经理']),
  en('atm', 3, String.raw`\b(?:atm|cash machine|cash point)s?\b`),
  zh('atm', 3, ['自助设备', 'atm', '取款机', '存款机', '柜员机', '吞卡', '自助机', '存取款机']),
  en('online_banking', 3, String.raw`\b(?:online banking|website|web ?site|online portal|internet banking|online account)\b`),
  zh('online_banking', 3, ['网银', '网上银行', '官网', '网页']),
  en('mobile_app', 3, String.raw`\b(?:app|mobile banking|mobile app|phone app|application on my phone)\b`),
  zh('mobile_app', 3, ['手机银行', 'app', '客户端', '小程序', '公众号', '手机上']),
  en('phone_banking', 2.5, String.raw`\b(?:hotline|phone banking|call cent(?:er|re)|customer service (?:line|number)|called (?:the bank|customer service|them)|on the phone|phone call|over the phone)\b`),
  zh('phone_banking', 3, ['客服电话', '热线', '电话银行', '人工客服', '打电话', '来电', '致电']),
  // Chinese bank hotlines are five digits starting with 95 (95588, 95533).
  en('phone_banking', 3, String.raw`(?<!\d)95\d{3}(?!\d)`),
  en('third_party', 2, String.raw`\b(?:third[- ]party|merchant|vendor|paypal|venmo|cash ?app|zelle|collection agenc\w*|debt collector)\b`),
  zh('third_party', 3, ['第三方', '支付宝', '微信', '商户', '合作机构', '中介', '代理', '美团', '京东', '淘宝', '拼多多', '抖音']),
];

export const FLAG_SIGNALS: Signal<Exclude<TFlag, 'fraud_in_progress'>>[] = [
  en('vulnerable', 1, String.raw`\b(?:elderly|senior citizen|older american|(?:i am|i'm) (?:\d{2}|seventy|eighty|ninety)|years? old|retired|retiree|disabled|disability|handicap\w*|cancer|chemo\w*|hospital\w*|terminal(?:ly)? ill|dementia|alzheimer\w*|stroke|wheelchair|blind|deaf|hardship|unemployed|lost my job|laid off|widow\w*|low[- ]income|fixed income|social security (?:income|benefits)|ssi|ssdi|pregnan\w*|homeless|medical (?:bills|condition|emergency)|sick|illness)\b`, true),
  en('vulnerable', 1, String.raw`(?:[6-9]\d|一百)\s?岁|[六七八九]十多?岁`),
  zh('vulnerable', 1, ['老人', '老年人', '年迈', '退休', '残疾', '生病', '住院', '重病', '癌', '白血病', '低保', '困难', '失业', '怀孕', '孕妇', '视力', '听力', '行动不便', '大病', '手术', '病重', '孤寡', '七十', '八十', '岁的老', '老母亲', '老父亲', '患病', '病人', '贫困']),
  en('regulator_threat', 1, String.raw`\b(?:cfpb|consumer financial protection|regulators?|attorney general|occ|fdic|federal reserve|comptroller|ftc|federal trade commission|state banking|department of financial|fca|financial ombudsman|report (?:you|this|them) to)\b`),
  zh('regulator_threat', 1, ['12378', '银保监', '银监', '金融监管', '监管部门', '监管机构', '人民银行', '人行', '12363', '消保', '12315', '金融办', '监管局', '证监会', '金融消费权益', '投诉到监管', '向监管']),
  en('media_threat', 1, String.raw`\b(?:media|news ?papers?|news outlets?|journalists?|reporters?|social media|twitter|facebook|tiktok|youtube|go public|the press|tv station)\b`),
  zh('media_threat', 1, ['媒体', '曝光', '记者', '微博', '抖音', '报社', '电视台', '网上曝光', '央视', '舆论']),
  en('litigation_threat', 1, String.raw`\b(?:lawyers?|(?<!general )attorneys?(?! general)|sue|suing|lawsuit|legal action|court|small claims|litigation|class action)\b`),
  zh('litigation_threat', 1, ['起诉', '律师', '法院', '诉讼', '法律途径', '法律手段', '打官司', '仲裁']),
  en('repeat', 1, String.raw`\b(?:(?:second|third|fourth|fifth|2nd|3rd|4th|5th|\d+th) (?:time|complaint)|complain(?:ed|ing)? (?:again|before|multiple times|several times|many times)|already (?:complained|filed|reported)|previous complaints?|(?:multiple|several|numerous|many) (?:times|complaints)|over and over|still (?:not|hasn'?t been) (?:resolved|fixed))\b`),
  zh('repeat', 1, ['多次', '再次投诉', '又一次', '第二次', '第三次', '第四次', '第五次', '反复', '屡次', '一直没解决', '一直没有解决', '之前投诉', '再次', '多次投诉', '三番五次', '无数次']),
  en('group', 1, String.raw`\b(?:many (?:other )?(?:customers|people|consumers|victims)|other customers|everyone|class action|thousands of|hundreds of (?:customers|people)|we (?:customers|consumers|victims))\b`),
  zh('group', 1, ['很多人', '大家', '众多', '集体', '多名客户', '不止我一个', '大量用户', '群体', '很多用户', '很多客户', '受害者们', '一群']),
];
