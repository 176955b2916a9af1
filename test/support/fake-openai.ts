import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to one chat-completions request. */
export type FakeReply =
  | { kind: 'json'; content: unknown }
  | { kind: 'raw'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; error?: Record<string, unknown> }
  | { kind: 'message'; message: Record<string, unknown>; finishReason?: string }
  | { kind: 'hang' };

export interface RecordedRequest {
  path: string;
  body: { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown; max_tokens?: number; max_completion_tokens?: number };
}

/**
 * A hand-written OpenAI-compatible server on 127.0.0.1 for tests (never the real service).
 * `POST /v1/chat/completions` answers with whatever `reply` returns for the request.
 */
export async function startFakeOpenAi(reply: (req: RecordedRequest) => FakeReply) {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const recorded: RecordedRequest = { path: req.url ?? '', body: data ? (JSON.parse(data) as RecordedRequest['body']) : {} };
      requests.push(recorded);
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const r = reply(recorded);
      if (r.kind === 'hang') return; // never answers: the client must time out
      if (r.kind === 'status') {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(JSON.stringify({ error: r.error ?? { message: 'fake failure' } }));
        return;
      }
      // `message` replaces the whole assistant message: providers differ there (content null,
      // reasoning_content, tool_calls).
      const message = r.kind === 'message' ? r.message : { role: 'assistant', content: r.kind === 'json' ? JSON.stringify(r.content) : r.content, refusal: null };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 1_790_000_000,
          model: recorded.body.model ?? 'fake',
          choices: [{ index: 0, finish_reason: r.kind === 'message' ? (r.finishReason ?? 'stop') : 'stop', logprobs: null, message }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
