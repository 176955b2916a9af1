import { describe, expect, it } from 'vitest';
import { renderMessages, splitText } from '../../../src/bot/telegram-render.js';
import { translateUpdate } from '../../../src/bot/telegram-update.js';

const at = new Date('2026-11-27T02:00:00Z');
const user = { id: 42, is_bot: false, first_name: 'Li', language_code: 'zh-hans' };
const chat = { id: 42, type: 'private' };
const me = { id: 7000001, username: 'complaint_desk_bot' };
const msg = (extra: Record<string, unknown>) => ({ update_id: 9, message: { message_id: 3, date: 1, chat, from: user, ...extra } });

describe('translateUpdate', () => {
  it('maps a private text message to an InboundMessage for the telegram channel', () => {
    const a = translateUpdate(msg({ text: ' 我的卡被盗刷了 ' }), at);
    expect(a).toMatchObject({
      kind: 'turn',
      chatId: 42,
      edited: false,
      input: {
        conversationKey: 'telegram:42',
        intakeChannel: 'telegram',
        externalUserId: '42',
        text: '我的卡被盗刷了',
        locale: 'zh-hans',
        updateId: '9',
        conversationRef: { kind: 'telegram', chatId: 42 },
        receivedAt: at,
      },
    });
  });

  it('passes a button press as the action, with the query to answer', () => {
    const a = translateUpdate({ update_id: 10, callback_query: { id: 'q1', from: user, data: 'business:credit_card', message: { message_id: 7, chat } } }, at);
    expect(a).toMatchObject({ kind: 'turn', callback: { id: 'q1', messageId: 7 }, input: { action: 'business:credit_card' } });
  });

  it('vouches only for the sender’s own contact; someone else’s number is plain text', () => {
    const own = translateUpdate(msg({ contact: { phone_number: '+8613812345678', user_id: 42 } }), at);
    expect(own).toMatchObject({ kind: 'turn', input: { sharedPhone: '+8613812345678', text: undefined } });
    const other = translateUpdate(msg({ contact: { phone_number: '+8613900000000', user_id: 7 } }), at);
    expect(other).toMatchObject({ kind: 'turn', input: { sharedPhone: undefined, text: '+8613900000000' } });
  });

  it('keeps the largest photo size with its caption, and a document with its name', () => {
    const photo = translateUpdate(
      msg({ caption: 'receipt', photo: [{ file_id: 's', file_size: 10 }, { file_id: 'l', file_size: 900 }, { file_id: 'm', file_size: 300 }] }),
      at,
    );
    expect(photo).toMatchObject({ kind: 'turn', input: { text: undefined, attachments: [{ kind: 'photo', fileId: 'l', size: 900, caption: 'receipt' }] } });
    const doc = translateUpdate(msg({ document: { file_id: 'd', file_name: 'stmt.pdf', mime_type: 'application/pdf', file_size: 5 } }), at);
    expect(doc).toMatchObject({ input: { attachments: [{ kind: 'document', fileId: 'd', fileName: 'stmt.pdf', mimeType: 'application/pdf' }] } });
  });

  it('sends an edit as text only (its file was kept the first time)', () => {
    const a = translateUpdate({ update_id: 11, edited_message: { message_id: 3, chat, from: user, caption: 'new caption', photo: [{ file_id: 'x' }] } }, at);
    expect(a).toMatchObject({ kind: 'turn', edited: true, input: { text: 'new caption', attachments: undefined, updateId: '11' } });
  });

  it('drops a deep-link payload so /start stays a command', () => {
    expect(translateUpdate(msg({ text: '/start promo2026' }), at)).toMatchObject({ input: { text: '/start' } });
  });

  it('answers group chats without a turn, and ignores what is not a message', () => {
    const group = translateUpdate({ update_id: 12, message: { message_id: 1, chat: { id: -5, type: 'supergroup' }, from: user, text: '/start' } }, at, me);
    expect(group).toEqual({ kind: 'group', chatId: -5, locale: 'zh-hans', text: '/start', messageId: 1 });
    expect(translateUpdate({ nonsense: true }, at)).toEqual({ kind: 'ignore' });
  });

  it('answers in a group only what is addressed to the bot: a command, a mention, a reply', () => {
    const inGroup = (extra: Record<string, unknown>) => translateUpdate({ update_id: 14, message: { message_id: 1, date: 1, chat: { id: -5, type: 'supergroup' }, from: user, ...extra } }, at, me);
    expect(inGroup({ text: '/help@Complaint_Desk_Bot' })).toMatchObject({ kind: 'group' });
    expect(inGroup({ text: '@complaint_desk_bot my card', entities: [{ type: 'mention', offset: 0, length: 19 }] })).toMatchObject({ kind: 'group' });
    expect(inGroup({ text: 'thanks', reply_to_message: { message_id: 9, date: 1, chat: { id: -5, type: 'supergroup' }, from: { id: me.id, is_bot: true } } })).toMatchObject({
      kind: 'group',
    });
    // Chatter, another bot's command or mention, and service messages reach a bot with privacy
    // mode off (or an admin): none of them is for this bot.
    expect(inGroup({ text: 'see you all tomorrow' })).toEqual({ kind: 'ignore' });
    expect(inGroup({ text: '/help@other_bot' })).toEqual({ kind: 'ignore' });
    expect(inGroup({ text: '@other_bot hi', entities: [{ type: 'mention', offset: 0, length: 10 }] })).toEqual({ kind: 'ignore' });
    expect(inGroup({ new_chat_members: [{ id: 5, is_bot: false, first_name: 'Wang' }] })).toEqual({ kind: 'ignore' });
    expect(inGroup({ pinned_message: { message_id: 3, date: 1, chat: { id: -5, type: 'supergroup' } } })).toEqual({ kind: 'ignore' });
    expect(inGroup({ migrate_to_chat_id: -1005 })).toEqual({ kind: 'ignore' });
  });

  it('names a sticker, a location or a round video as unreadable, and ignores a live location moving', () => {
    expect(translateUpdate(msg({ sticker: { file_id: 's', is_animated: false } }), at)).toMatchObject({
      kind: 'turn',
      input: { unsupported: 'sticker', conversationKey: 'telegram:42', locale: 'zh-hans' },
    });
    expect(translateUpdate(msg({ location: { latitude: 31.2, longitude: 121.5 } }), at)).toMatchObject({ input: { unsupported: 'location' } });
    expect(translateUpdate(msg({ venue: { title: 'Branch' }, location: { latitude: 31.2, longitude: 121.5 } }), at)).toMatchObject({ input: { unsupported: 'venue' } });
    expect(translateUpdate(msg({ video_note: { file_id: 'v', length: 240, duration: 5 } }), at)).toMatchObject({ input: { unsupported: 'video_note' } });
    const moving = { update_id: 13, edited_message: { message_id: 3, chat, from: user, location: { latitude: 31.3, longitude: 121.5 } } };
    expect(translateUpdate(moving, at)).toEqual({ kind: 'ignore' });
  });

  it('recognises the user blocking the bot', () => {
    const a = translateUpdate({ update_id: 13, my_chat_member: { chat, from: user, new_chat_member: { status: 'kicked' } } }, at);
    expect(a).toEqual({ kind: 'membership', chatId: 42, blocked: true });
  });
});

describe('renderMessages', () => {
  it('splits a long text at Telegram’s limit and puts the buttons on the last part', () => {
    const text = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    const { outgoing } = renderMessages([{ text, buttons: [{ label: 'Yes', value: 'yes' }] }], { removePhoneKeyboard: false });
    expect(outgoing).toHaveLength(2);
    expect(outgoing.every((o) => o.text.length <= 4096)).toBe(true);
    expect(outgoing[0]!.reply_markup).toBeUndefined();
    expect(outgoing[1]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] });
    expect(outgoing.map((o) => o.text).join('\n')).toBe(text);
  });

  it('never cuts a surrogate pair', () => {
    const parts = splitText('😀'.repeat(3000));
    expect(parts.join('')).toBe('😀'.repeat(3000));
    expect(parts.every((p) => p.length <= 4096 && !/^[\udc00-\udfff]/.test(p))).toBe(true);
  });

  it('drops a button whose value does not fit in callback_data', () => {
    const dropped: string[] = [];
    const { outgoing } = renderMessages([{ text: 'x', buttons: [{ label: 'ok', value: 'ok' }, { label: 'long', value: 'v'.repeat(65) }] }], {
      removePhoneKeyboard: false,
      onDroppedButton: (v) => dropped.push(v),
    });
    expect(outgoing[0]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] });
    expect(dropped).toHaveLength(1);
  });

  it('offers the phone keyboard in the question’s language, and removes it when the dialog moves on', () => {
    const ask = renderMessages([{ text: '请留下工作人员可以联系您的电话号码。', requestPhone: true }], { removePhoneKeyboard: false });
    expect(ask.showsPhoneKeyboard).toBe(true);
    expect(ask.outgoing[0]!.reply_markup).toMatchObject({ keyboard: [[{ text: '发送我的手机号', request_contact: true }]], one_time_keyboard: true });
    const next = renderMessages([{ text: 'Summary', buttons: [{ label: 'Confirm', value: 'confirm' }] }], { removePhoneKeyboard: true });
    expect(next.outgoing[0]!.reply_markup).toEqual({ remove_keyboard: true });
    expect(next.outgoing[0]!.inlineAfterSend).toEqual({ inline_keyboard: [[{ text: 'Confirm', callback_data: 'confirm' }]] });
    const plain = renderMessages([{ text: 'Thanks' }, { text: 'Q?', buttons: [{ label: 'A', value: 'a' }] }], { removePhoneKeyboard: true });
    expect(plain.outgoing[0]!.reply_markup).toEqual({ remove_keyboard: true });
    expect(plain.outgoing[1]!.inlineAfterSend).toBeUndefined();
  });
});
