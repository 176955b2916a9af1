import { wordForm } from './i18n.js';
import type { InboundMessage } from './types.js';

export const INTERRUPTIONS = ['help', 'cancel', 'restart', 'human', 'language', 'status', 'next_steps', 'start'] as const;
/** A slash command the bot does not have (`/foo`): answered with help, never taken as a complaint. */
export type Interruption = (typeof INTERRUPTIONS)[number] | 'unknown_command';

// Whole-message keywords only: "I want to cancel my card" is a complaint, not a command.
const KEYWORDS: Record<(typeof INTERRUPTIONS)[number], RegExp> = {
  help: /^(help|\?|帮助|求助|怎么用)$/i,
  cancel: /^(cancel|stop filing|quit|取消|不投诉了|算了)$/i,
  restart: /^(restart|start over|重新开始|重来)$/i,
  human: askForPerson(),
  language: askForLanguage(),
  status: /^(status|my cases|progress|查询进度|进度|查询|我的投诉)$/i,
  next_steps: askWhatHappensNext(),
  start: openerOnly(),
};

/**
 * Other names a slash command goes by: `/lang` is what people type for `/language` (and what
 * other bots call it); without this it was an unknown command and got the help text.
 */
const COMMAND_ALIASES: ReadonlyMap<string, (typeof INTERRUPTIONS)[number]> = new Map([['lang', 'language']]);

/**
 * The ordinary ways of asking for a person, as a whole message ("I want to talk to a person",
 * "Agent please", "can I speak to someone?", "转人工服务", "我要找人工客服"). Staff merely
 * mentioned in a complaint ("the customer service was rude", "客服态度很差") match none.
 */
function askForPerson(): RegExp {
  const who = '(?:a |an |some |the )?(?:real |live )?(?:human|person|agent|operator|representative|someone|somebody|staff(?: member)?|member of staff|customer (?:service|support|care)|advis[eo]r)';
  // Alone, only the words that can mean nothing else: "customer service" answers "Which product
  // or service?", "staff" or "someone" may answer "What happened?".
  const alone = '(?:a |the )?(?:real |live )?(?:human|person|agent|operator)';
  const en =
    "(?:please )?(?:(?:can|could|may) i |i (?:want|would like|'d like|need|wanna) (?:to )?|let me |i want |i need )?(?:talk|speak|chat) (?:to|with) " +
    who +
    '|(?:please )?(?:connect|transfer|put) me (?:to|through to|with) ' +
    who +
    '|i (?:want|need) ' +
    who +
    '|' +
    alone;
  const zh = '(?:我要|我想|我需要|请|请帮我|帮我|给我)?(?:转|找|接|转接|联系|要)?(?:(?:人工|真人)(?:客服|服务|坐席)?|客服)|(?:我要|我想)?(?:跟|和|与)(?:人工|真人|客服|工作人员)(?:说话|聊聊?|沟通|对话)';
  return new RegExp(`^(?:(?:${en})(?: please)?|(?:${zh})(?:吧|谢谢)?)$`);
}

/**
 * Asking how the complaint goes on, as a whole message ("what happens next?", "how long will
 * this take?", "接下来会怎么处理？", "要多久才有结果？"). Mid-intake such a question was taken as
 * the answer to whatever was asked: "You would like: what happens next?" in the summary, or the
 * question as the whole description. A complaint about delays ("it has been three weeks and
 * nothing happened") is longer and matches none of these.
 */
function askWhatHappensNext(): RegExp {
  const en =
    "(?:so |and |ok |okay |then )?(?:what (?:happens|will happen|is going to happen|do you do|do i do|should i do)(?: next| now| then| after(?: this| that)?| with (?:it|this|my complaint))?|what(?:'s| is| comes) next|what are the next steps|" +
    "how long (?:will|does|would|is) (?:it|this|that|the process)(?: going to)? take|how long do i (?:have to |need to )?wait|" +
    'when will (?:i|we) (?:hear back|hear from you|get (?:an answer|a reply|a response|a decision))|how does (?:this|it) work)';
  const zh =
    '(?:那|那么|请问)?(?:(?:接下来|然后|之后|后面)(?:呢|会?(?:怎么|如何)(?:处理|办)(?:呢)?|(?:会)?怎么样(?:呢)?)|' +
    '(?:要|需要|大概|大概要)?多久(?:才|能|会|可以)*(?:有结果|处理好?|回复|答复|解决|有回复|有答复)(?:呢|啊)?|(?:要|需要|大概要)多久(?:呢|啊)?|' +
    '(?:什么时候|何时)(?:能|会|可以|才)*(?:给我)?(?:答复|回复|处理|有结果|解决)(?:呢)?|处理流程(?:是什么|是怎样的?)?|(?:你们)?会怎么处理(?:我的投诉)?(?:呢)?)';
  return new RegExp(`^(?:${en}(?: please)?|${zh})$`);
}

/** Asking for the other language in so many words: "switch to English", "Can you speak English?", "说中文", "英文". */
function askForLanguage(): RegExp {
  const name = '(?:english|chinese|mandarin)';
  const en =
    `language|switch language|change language|${name}|(?:in )?${name} please|` +
    `(?:(?:can|could) (?:you |we )?|please |i'd like to |let's )?(?:switch|change)(?: the language)? (?:to|into) ${name}|` +
    `(?:(?:can|could|do) you |please )?(?:speak|talk|write|reply|answer|chat)(?: to me)?(?: in)? ${name}`;
  const zh = '切换语言|(?:请|请你)?(?:你|您)?(?:能|可以|能不能|可不可以)?(?:切换|换|改)?(?:成|到|为)?用?(?:说|讲|使用)?(?:中文|汉语|英文|英语|普通话)(?:吗|吧|可以吗|好吗|交流|沟通|回复|说话)?';
  return new RegExp(`^(?:(?:${en})(?: please)?|${zh})$`);
}

/**
 * A greeting or an opener that says nothing yet ("Hi there", "hello?", "hi, I need help",
 * "你好，我要投诉"), alone or several in a row: the customer is about to tell their story, and
 * taking this as the description would refuse the story at the next question. A short complaint
 * ("ATM ate my card", "卡被吞了") matches none of these phrases.
 */
function openerOnly(): RegExp {
  const greeting =
    '(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|morning|你们?好|您好|哈喽|哈啰|嗨|喂|(?:早上|上午|中午|下午|晚上)好|早安|在吗|在不在|有人(?:在)?吗)' +
    '(?: ?(?:there|bot|all|everyone|guys|team|again|机器人))?[啊呀吖哦]?';
  const opener =
    "(?:start|(?:i )?(?:want|would like|'d like|wanna|need) to (?:make |file |lodge |raise |submit )?(?:a )?complain(?:t)?|i (?:want|would like|'d like|need) to (?:make|file) a complaint|i have an? (?:complaint|problem|issue|question)|(?:a )?complaint|complain|i need (?:some )?help|need help|(?:please )?help me|(?:can|could) (?:you|someone|anyone) help(?: me)?|" +
    '(?:我)?(?:要|想|需要)?(?:投诉|举报|反映(?:一?个)?问题)(?:一下)?|我有(?:一?个)?(?:投诉|问题)|我需要帮助|(?:请)?帮帮我|请帮我)';
  return new RegExp(`^(?:(?:${greeting}|${opener}) ?)+$`);
}

/**
 * Lower case, with punctuation anywhere read as a space ("Hi, there!" reads as "hi there"), and
 * Traditional Chinese or written Cantonese as the Simplified the keywords are written in
 * ({@link wordForm}: 轉人工, 查詢進度, 謝謝).
 */
export function keywordForm(text: string): string {
  return wordForm(text.toLowerCase())
    .replace(/[’‘`]/g, "'")
    .replace(/[!！。.？?,，、~～…:：;；]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Recognises a command from a button (`cmd:help`), a slash command (`/help`, `/help@bot`, an
 * alias such as `/lang`; any other `/name` is `unknown_command`) or a whole-message keyword in either language. Checked before any dialog step
 * (CONVENTIONS.md §4).
 */
export function detectInterruption(input: InboundMessage): Interruption | null {
  if (input.action?.startsWith('cmd:')) {
    const cmd = input.action.slice(4);
    return (INTERRUPTIONS as readonly string[]).includes(cmd) ? (cmd as Interruption) : null;
  }
  // Trailing punctuation does not count ("hello?", "human!"); a lone "?" asks for help.
  const text = (input.text ?? '').trim().replace(/(?<=\S)[\s!！。.？?,，~～…]+$/, '');
  if (!text || text.length > 40) return null;
  // Telegram command names are letters, digits and underscores.
  const slash = /^\/(\w+)(@\w+)?$/.exec(text);
  if (slash) {
    const name = slash[1]!.toLowerCase();
    const cmd = COMMAND_ALIASES.get(name) ?? name;
    return (INTERRUPTIONS as readonly string[]).includes(cmd) ? (cmd as Interruption) : 'unknown_command';
  }
  const words = keywordForm(text) || text;
  for (const name of INTERRUPTIONS) if (KEYWORDS[name].test(words)) return name;
  return null;
}

// Thanks, ok or bye, alone or together ("ok thanks, bye", "好的，谢谢"); "no" answers "anything else?".
const CLOSING =
  /^(?:(?:thanks|thank you|thank u|thx|ty|many thanks|cheers|(?:very|so) much|a lot|ok|okay|alright|great|got it|bye|goodbye|bye bye|see you|that's all|that is all|nothing else|no|nope|谢谢|谢了|多谢|感谢|非常感谢|好的?|好吧|行|知道了|明白了|收到|嗯+|再见|拜拜|没有了?|没了|没事了|不用了|就这样)(?:你|您|啦|了|哈|呀|啊)? ?)+$/;

/**
 * A closing remark (thanks, ok, bye): said when nothing is running it is not a complaint. It is
 * not an interruption: sent while a question is open it is that question's answer ("ok" confirms
 * the summary), and a case waiting for the customer takes it as their reply.
 */
export function isClosingRemark(input: Pick<InboundMessage, 'text'>): boolean {
  const text = input.text ?? '';
  return text.length <= 40 && CLOSING.test(keywordForm(text));
}

/** The language a switch request asks for, when it names one. */
export function requestedLanguage(input: InboundMessage): 'zh' | 'en' | null {
  const text = wordForm((input.text ?? '').trim().toLowerCase());
  if (/english|英文|英语/.test(text)) return 'en';
  if (/chinese|mandarin|中文|汉语|普通话/.test(text)) return 'zh';
  return null;
}
