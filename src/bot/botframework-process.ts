import type { Request, Response } from 'express';
import { CloudAdapter, StatusCodes, type Activity, type TurnContext } from 'botbuilder';
// botbuilder's own dependency, at the version it pins; the class behind its 401s.
import { AuthenticationError } from 'botframework-connector';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';

/**
 * botbuilder's CloudAdapter, answering an HTTP POST for less. `CloudAdapter.process` builds
 * fresh zod schemas on every request to check that `res` looks like a response, that the logic
 * is a function and that the body is an object — things the route already guarantees (express
 * parsed the body, and ZInboundActivity checked it). Building and running those schemas was
 * about 5 % of the server's CPU under load (by CPU profile). `processPost` does the rest of what
 * `process` does for a POST (botbuilder 4.23), in the same order and with the same answers.
 */
export class BotFrameworkHttpAdapter extends CloudAdapter {
  /**
   * Runs `logic` for the activity in `req.body` (already validated) and answers the request as
   * `CloudAdapter.process` would: the invoke response's status and body (200 otherwise), 401 when
   * the request is not authenticated, 500 with the error's message on any other failure.
   */
  async processPost(req: Request, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = validateAndFixActivity(req.body as Activity);
    const authHeader = req.headers.authorization ?? '';
    try {
      const invokeResponse = await this.processActivity(authHeader, activity, logic);
      end(res, invokeResponse?.status ?? StatusCodes.OK, invokeResponse?.body);
    } catch (err) {
      // As `process` does: its caller has no other way to hear of it.
      console.error(err);
      end(res, err instanceof AuthenticationError ? StatusCodes.UNAUTHORIZED : StatusCodes.INTERNAL_SERVER_ERROR, (err as Error).message ?? err);
    }
  }
}

function end(res: Response, status: number, body?: unknown): void {
  res.status(status);
  if (body) res.send(body);
  res.end();
}
