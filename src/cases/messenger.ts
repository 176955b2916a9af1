/** A message to a customer, as the dialogs write it (text plus optional buttons). */
export interface CustomerMessage {
  text: string;
  buttons?: { label: string; value: string }[];
  requestPhone?: boolean;
}

export type DeliveryResult = { ok: true } | { ok: false; unreachable: boolean; reason: string };

/**
 * Sends messages to a customer outside a turn (staff replies, surveys), through whichever
 * channel the conversation lives on. Channels in src/bot register a sender for their `kind`
 * of stored conversation reference.
 */
export interface ChannelSender {
  /** The `kind` field of the conversation references this sender understands. */
  kind: string;
  send(conversationRef: unknown, messages: CustomerMessage[]): Promise<DeliveryResult>;
}

export interface CustomerMessenger {
  register(sender: ChannelSender): void;
  send(conversationRef: unknown, messages: CustomerMessage[]): Promise<DeliveryResult>;
}

export function createCustomerMessenger(): CustomerMessenger {
  const senders = new Map<string, ChannelSender>();
  return {
    register(sender) {
      senders.set(sender.kind, sender);
    },
    async send(conversationRef, messages) {
      const kind = (conversationRef as { kind?: unknown } | null)?.kind;
      const sender = typeof kind === 'string' ? senders.get(kind) : undefined;
      if (!sender) return { ok: false, unreachable: false, reason: `no channel for conversation kind ${String(kind)}` };
      return sender.send(conversationRef, messages);
    },
  };
}
